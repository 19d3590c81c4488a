/** Electron glue: one Coin Admin per user; a second launch hands over to the first and quits. */
import { app } from 'electron';

/**
 * Take the single-instance lock. Without it (the app already runs) quit and answer false; with it,
 * a later launch brings this app's window forward.
 */
export function setupSingleInstance(showExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    if (app.isReady()) showExisting();
  });
  return true;
}
