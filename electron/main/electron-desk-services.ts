/** The DeskApi services as the Electron shell configures them. */
import { app } from 'electron';
import { defaultDataDir, localInstanceDir } from '../services/data-paths';
import { createDeskServices, type DeskServices } from '../services/desk-services';
import { createInstanceServices } from '../services/instances/instance-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../services/local-runner/local-hosting-services';
import {
  createMaintenanceServices,
  type MaintenanceServices,
} from '../services/maintenance/maintenance-services';
import { hostedRunnerLaunch } from './hosted-runner-launch';

/** DeskApi and the parts of it the main process drives itself (tray, notifications, quit). */
export interface ElectronServices {
  /** DeskApi; its close() ends everything the services started (the quit path calls it). */
  api: DeskServices;
  localHosting: LocalHostingServices;
  /** Updates in flight, which a quit waits for. */
  maintenance: MaintenanceServices;
  /** The per-user data directory (profiles, known_hosts, watch settings, window state). */
  dataDir: string;
}

/**
 * DeskApi backed by the plain-Node services. The local instance lives in the same per-user data
 * directory the browser host and the CLI use, so every shell sees one local instance. Hosted
 * runners run the bundled CLI under the app's executable when packaged, the checkout's under
 * `node` in development (hosted-runner-launch.ts).
 */
export function createElectronDeskServices(bundleDir: string): ElectronServices {
  const dataDir = defaultDataDir();
  const defaultWorkingDir = localInstanceDir(dataDir);
  const { coinCommand, env } = hostedRunnerLaunch({
    packaged: app.isPackaged,
    execPath: process.execPath,
    bundleDir,
    env: process.env,
  });
  const localHosting = createLocalHostingServices({ dataDir, defaultWorkingDir, coinCommand, env });
  const instances = createInstanceServices({ dataDir, localCoinCommand: coinCommand });
  const maintenance = createMaintenanceServices({ instances });
  const api = createDeskServices({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultWorkingDir,
    instances,
    localHosting,
    maintenance,
  });
  return { api, localHosting, maintenance, dataDir };
}
