/** Electron glue for starting, re-activating and quitting the app. */
import { app, BrowserWindow, dialog } from 'electron';

export interface LifecycleHooks {
  /** Everything that needs a ready app (sessions, protocols, IPC), before the first window. */
  onReady(): Promise<void> | void;
  openWindow(): void;
}

function failStartup(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Coin Admin could not start', message);
  app.exit(1);
}

/** Run `onReady` then open the window; quit when the last window closes (except on macOS). */
export function setupAppLifecycle(hooks: LifecycleHooks): void {
  app
    .whenReady()
    .then(() => hooks.onReady())
    .then(() => hooks.openWindow())
    .catch(failStartup);
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) hooks.openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
