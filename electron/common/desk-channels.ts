/**
 * The IPC channel of each DeskApi method: `area:verb`. Kept apart from the schemas so the
 * sandboxed preload bundles only these names.
 */
import { configEditorChannels } from './config-editor-channels';
import { dashboardBridgeChannels } from './dashboard-bridge-channels';
import { diagnoseChannels } from './diagnose-channels';
import { localRunnerChannels } from './local-runner-channels';
import { maintenanceChannels } from './maintenance-channels';
import { provisioningChannels } from './provisioning-channels';

export const deskChannels = {
  appInfo: 'app:info',
  runnerDoctor: 'runner:doctor',
  profilesList: 'profiles:list',
  profilesSave: 'profiles:save',
  profilesDelete: 'profiles:delete',
  sshHostsFromConfig: 'ssh:hosts-from-config',
  sshTrustHostKey: 'ssh:trust-host-key',
  sshUnlockKey: 'ssh:unlock-key',
  instanceStatus: 'instance:status',
  instanceDashboard: 'instance:dashboard',
  instanceDisconnect: 'instance:disconnect',
  serviceStatus: 'service:status',
  serviceStart: 'service:start',
  serviceStop: 'service:stop',
  serviceRestart: 'service:restart',
  journalRead: 'journal:read',
  journalStop: 'journal:stop',
  configRead: 'config:read',
  configWrite: 'config:write',
  ...localRunnerChannels,
  ...configEditorChannels,
  ...dashboardBridgeChannels,
  ...maintenanceChannels,
  ...diagnoseChannels,
  ...provisioningChannels,
} as const;

export type DeskMethod = keyof typeof deskChannels;
export type DeskChannel = (typeof deskChannels)[DeskMethod];

export const deskMethods = Object.keys(deskChannels) as DeskMethod[];
