/**
 * The Electron main process: only the list of what is set up, in order. Each setupX lives in its
 * own module; the decisions they apply are pure functions tested in plain Node.
 */
import { appUrl } from './app-url';
import { createElectronDeskServices } from './electron-desk-services';
import { setupDeskIpc } from './ipc-registrar';
import { mainPaths } from './main-paths';
import { showMainWindow } from './main-window';
import { setupAppLifecycle } from './setup-app-lifecycle';
import { registerAppScheme, setupAppProtocol } from './setup-app-protocol';
import { setupSessionSecurity, setupWebContentsGuards } from './setup-web-security';

const paths = mainPaths(import.meta.dirname);

registerAppScheme();
setupWebContentsGuards(appUrl);
setupAppLifecycle({
  async onReady() {
    setupSessionSecurity();
    setupAppProtocol(paths.rendererDir);
    await setupDeskIpc(createElectronDeskServices(), appUrl);
  },
  openWindow: () => showMainWindow(paths),
});
