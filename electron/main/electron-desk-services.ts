/** The DeskApi services as the Electron shell configures them. */
import type { DeskApi } from '../common/desk-api';
import { defaultDataDir, localInstanceDir } from '../services/data-paths';
import { createDeskServices } from '../services/desk-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../services/local-runner/local-hosting-services';

/** DeskApi and the parts of it the main process drives itself (tray, notifications, quit). */
export interface ElectronServices {
  api: DeskApi;
  localHosting: LocalHostingServices;
  /** The per-user data directory (profiles, known_hosts, watch settings, window state). */
  dataDir: string;
}

/**
 * DeskApi backed by the plain-Node services. The local instance lives in the same per-user data
 * directory the browser host and the CLI use, so every shell sees one local instance.
 */
export function createElectronDeskServices(): ElectronServices {
  const dataDir = defaultDataDir();
  const defaultWorkingDir = localInstanceDir(dataDir);
  const localHosting = createLocalHostingServices({ dataDir, defaultWorkingDir });
  const api = createDeskServices({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultWorkingDir,
    localHosting,
  });
  return { api, localHosting, dataDir };
}
