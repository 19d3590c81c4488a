/** The app's one main window, opened where it was last (window-state.ts decides where). */
import { BrowserWindow, screen } from 'electron';
import { appUrl } from './app-url';
import type { MainPaths } from './main-paths';
import { secureWebPreferences } from './secure-web-preferences';
import { placeWindow, windowSizes } from './window-state';
import { readWindowState, saveWindowState } from './window-state-store';

let mainWindow: BrowserWindow | null = null;

/** Save the window's normal bounds and maximised state after it settles, and when it closes. */
function rememberState(window: BrowserWindow, stateFile: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () =>
    saveWindowState(stateFile, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', () => {
    clearTimeout(timer);
    save();
  });
}

function createMainWindow(paths: MainPaths, stateFile: string): BrowserWindow {
  const placed = placeWindow(readWindowState(stateFile), screen.getAllDisplays(), screen.getPrimaryDisplay());
  const window = new BrowserWindow({
    ...placed.bounds,
    minWidth: windowSizes.min.width,
    minHeight: windowSizes.min.height,
    title: 'Coin Admin',
    show: false,
    webPreferences: secureWebPreferences(paths.preload),
  });
  if (placed.maximized) window.maximize();
  rememberState(window, stateFile);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appUrl);
  return window;
}

/** Show the main window, creating it when there is none; `stateFile` remembers where it was. */
export function showMainWindow(paths: MainPaths, stateFile: string): BrowserWindow {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    return mainWindow;
  }
  mainWindow = createMainWindow(paths, stateFile);
  return mainWindow;
}

/** Show the main window on an area of the UI (`#/<id>`, which the renderer follows). */
export function showMainWindowArea(paths: MainPaths, stateFile: string, areaId: string): void {
  const window = showMainWindow(paths, stateFile);
  void window.webContents
    .executeJavaScript(`location.hash = ${JSON.stringify(`#/${areaId}`)}`)
    .catch(() => undefined);
}
