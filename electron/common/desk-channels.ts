/**
 * The IPC channel of each DeskApi method: `area:verb`. Kept apart from the schemas so the
 * sandboxed preload bundles only these names.
 */
export const deskChannels = {
  appInfo: 'app:info',
  runnerDoctor: 'runner:doctor',
} as const;

export type DeskMethod = keyof typeof deskChannels;
export type DeskChannel = (typeof deskChannels)[DeskMethod];

export const deskMethods = Object.keys(deskChannels) as DeskMethod[];
