/**
 * The admin services behind DeskApi, as plain Node: the Electron IPC registrar and the browser
 * host both serve this one object, so the UI behaves the same in either shell.
 */
import type { AppInfo, DeskApi } from '../common/desk-api';
import { appVersion } from '../../runner/node/app-version';
import { doctorReportFor } from '../../runner/node/system-probe';
import { defaultDataDir } from './data-paths';
import { createInstanceServices, type InstanceServices } from './instances/instance-services';

export interface DeskServicesOptions {
  shell: AppInfo['shell'];
  electronVersion: string | null;
  /** Working directory of the local instance, used when a call names none. */
  defaultWorkingDir: string;
  /** The Instances area's services (profiles, SSH, service control, journal); default: over the app's data dir. */
  instances?: InstanceServices;
}

/** Build the DeskApi implementation for one shell. */
export function createDeskServices(options: DeskServicesOptions): DeskApi {
  const instances = options.instances ?? createInstanceServices({ dataDir: defaultDataDir() });
  return {
    ...instances.api,
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
