/**
 * What the preload exposes as `window.coinDesk`: one function per DeskApi method, each invoking
 * its channel, and nothing else (no ipcRenderer, no generic invoke). Kept free of the electron
 * import so it is tested in plain Node.
 */
import { deskChannels, deskMethods, type DeskChannel, type DeskMethod } from '../common/desk-channels';

/** The global name the renderer finds the bridge under. */
export const deskBridgeName = 'coinDesk';

/** Sends one call to the main process; in the preload this is ipcRenderer.invoke. */
export type DeskInvoke = (channel: DeskChannel, input: unknown) => Promise<unknown>;

/** The methods of the bridge, built from the channel table. */
export function createDeskBridge(
  invoke: DeskInvoke,
): Record<DeskMethod, (input?: unknown) => Promise<unknown>> {
  const bridge = {} as Record<DeskMethod, (input?: unknown) => Promise<unknown>>;
  for (const method of deskMethods) {
    const channel = deskChannels[method];
    bridge[method] = (input?: unknown) => invoke(channel, input ?? {});
  }
  return Object.freeze(bridge);
}
