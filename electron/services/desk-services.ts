/**
 * The admin services behind DeskApi, as plain Node: the Electron IPC registrar and the browser
 * host both serve this one object, so the UI behaves the same in either shell. Whatever they start
 * on this computer (hosted runners, journal followers, service commands, tunnels, relayed event
 * streams) ends with close(), which both shells call when they end.
 */
import type { AppInfo, DeskApi } from '../common/desk-api';
import { appVersion } from '../../runner/node/app-version';
import { doctorReportFor } from '../../runner/node/system-probe';
import { createConfigEditorServices } from './config-editor/config-editor-services';
import { createDashboardBridgeServices } from './dashboard-bridge/dashboard-bridge-services';
import { defaultDataDir } from './data-paths';
import { createInstanceServices, type InstanceServices } from './instances/instance-services';
import { createLocalHostingServices, type LocalHostingServices } from './local-runner/local-hosting-services';
import { createDiagnoseServices } from './diagnose/diagnose-services';
import { createMaintenanceServices, type MaintenanceServices } from './maintenance/maintenance-services';
import { createProvisioningServices } from './maintenance/provisioning';

export interface DeskServicesOptions {
  shell: AppInfo['shell'];
  electronVersion: string | null;
  /** Working directory of the local instance, used when a call names none. */
  defaultWorkingDir: string;
  /** The Instances area's services (profiles, SSH, service control, journal); default: over the app's data dir. */
  instances?: InstanceServices;
  /** Runners the app hosts and the pinned/watched instances; default: over the app's data dir. */
  localHosting?: LocalHostingServices;
  /** Daily checks, GC, updates; default: over `instances`. Pass it to wait for an update at quit. */
  maintenance?: MaintenanceServices;
}

/** DeskApi, and the one way to end everything it started. */
export interface DeskServices extends DeskApi {
  /**
   * Lets an update under way finish its steps (an instance is never left stopped half-way), then
   * stops the hosted runners and closes every profile's session (its journal follower, commands
   * still running, tunnels, SSH connection) and the relayed event streams. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Build the DeskApi implementation for one shell. */
export function createDeskServices(options: DeskServicesOptions): DeskServices {
  const instances = options.instances ?? createInstanceServices({ dataDir: defaultDataDir() });
  const localHosting =
    options.localHosting ??
    createLocalHostingServices({ dataDir: defaultDataDir(), defaultWorkingDir: options.defaultWorkingDir });
  const runners = localHosting.runners;
  const dashboards = createDashboardBridgeServices({
    instances: instances.api,
    runners: {
      list: () => runners.list(),
      status: (dir) => runners.status(runners.directoryOf(dir)),
      defaultWorkingDir: options.defaultWorkingDir,
    },
    profileSession: (profileId) => instances.session(profileId),
  });
  const maintenance = options.maintenance ?? createMaintenanceServices({ instances });
  const provisioning = createProvisioningServices({ instances });
  const close = async () => {
    await maintenance.close().catch(() => undefined);
    await provisioning.idle();
    dashboards.close();
    await Promise.all([localHosting.close(), instances.closeAll()]);
  };
  return {
    ...instances.api,
    ...localHosting.api,
    ...createConfigEditorServices({ instances: instances.api }).api,
    ...dashboards.api,
    ...maintenance.api,
    ...createDiagnoseServices({ instances }).api,
    ...provisioning.api,
    close,
    async appInfo() {
      const version = appVersion();
      return {
        name: version.name,
        version: version.version,
        revision: version.revision,
        shell: options.shell,
        platform: `${process.platform}-${process.arch}`,
        nodeVersion: process.versions.node,
        electronVersion: options.electronVersion,
      };
    },
    async runnerDoctor(input) {
      return doctorReportFor(input.workingDir ?? options.defaultWorkingDir);
    },
  };
}
