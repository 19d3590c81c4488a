/** The DeskApi services as the Electron shell configures them. */
import { app } from 'electron';
import type { DeskApi } from '../common/desk-api';
import { localInstanceDir } from '../services/data-paths';
import { createDeskServices } from '../services/desk-services';
import { electronDataDir } from './main-paths';

/** DeskApi backed by the plain-Node services, with the local instance under the app's data dir. */
export function createElectronDeskServices(): DeskApi {
  const dataDir = electronDataDir(app.getPath('userData'));
  return createDeskServices({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultWorkingDir: localInstanceDir(dataDir),
  });
}
