/** The DeskApi services as the Electron shell configures them. */
import type { DeskApi } from '../common/desk-api';
import { defaultDataDir, localInstanceDir } from '../services/data-paths';
import { createDeskServices } from '../services/desk-services';

/**
 * DeskApi backed by the plain-Node services. The local instance lives in the same per-user data
 * directory the browser host and the CLI use, so every shell sees one local instance.
 */
export function createElectronDeskServices(): DeskApi {
  return createDeskServices({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultWorkingDir: localInstanceDir(defaultDataDir()),
  });
}
