/** Electron glue: quitting waits until the local runners the app hosts have stopped. */
import { app } from 'electron';

/** Hold the first quit until `stopAll` settles, then quit for real. */
export function setupGracefulQuit(stopAll: () => Promise<void>): void {
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    void stopAll()
      .catch(() => undefined)
      .finally(() => app.quit());
  });
}
