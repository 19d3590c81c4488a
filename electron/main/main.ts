/**
 * The Electron main process: only the list of what is set up, in order. Each setupX lives in its
 * own module; the decisions they apply are pure functions tested in plain Node.
 */
import { appUrl } from './app-url';
import { createElectronDeskServices } from './electron-desk-services';
import { setupDeskIpc } from './ipc-registrar';
import { mainPaths } from './main-paths';
import { showMainWindow, showMainWindowArea } from './main-window';
import { setupAppLifecycle } from './setup-app-lifecycle';
import { setupAppMenu } from './setup-app-menu';
import { registerAppScheme, setupAppProtocol } from './setup-app-protocol';
import { setupDesktopWatch } from './setup-desktop-watch';
import { setupGracefulQuit } from './setup-graceful-quit';
import { setupSingleInstance } from './setup-single-instance';
import { setupSessionSecurity, setupWebContentsGuards } from './setup-web-security';
import { windowStateFile } from './window-state-store';

const paths = mainPaths(import.meta.dirname);
const services = createElectronDeskServices(import.meta.dirname);
const stateFile = windowStateFile(services.dataDir);
const showWindow = () => void showMainWindow(paths, stateFile);

if (setupSingleInstance(showWindow)) {
  registerAppScheme();
  setupWebContentsGuards(appUrl);
  // A quit lets an update under way finish its steps (an instance is never left stopped half-way),
  // then ends everything the services started: hosted runners, journal followers, commands, tunnels.
  setupGracefulQuit(() => services.api.close());
  setupAppLifecycle({
    async onReady() {
      setupSessionSecurity();
      setupAppProtocol(paths.rendererDir);
      await setupDeskIpc(services.api, appUrl);
      setupAppMenu({ dataDir: services.dataDir, showArea: (id) => showMainWindowArea(paths, stateFile, id) });
      setupDesktopWatch(services, showWindow);
    },
    openWindow: showWindow,
  });
}
