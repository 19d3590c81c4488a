/** The app's one main window. */
import { BrowserWindow } from 'electron';
import { appUrl } from './app-url';
import type { MainPaths } from './main-paths';
import { secureWebPreferences } from './secure-web-preferences';

let mainWindow: BrowserWindow | null = null;

function createMainWindow(paths: MainPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    title: 'Coin Admin',
    show: false,
    webPreferences: secureWebPreferences(paths.preload),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appUrl);
  return window;
}

/** Show the main window, creating it when there is none. */
export function showMainWindow(paths: MainPaths): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    return;
  }
  mainWindow = createMainWindow(paths);
}
