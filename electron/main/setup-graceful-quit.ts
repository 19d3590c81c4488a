/**
 * Electron glue: quitting waits until everything the app started has ended (hosted runners,
 * journal followers, commands, tunnels: DeskServices.close), so no child process outlives it.
 */
import { app } from 'electron';

/** Hold the first quit until `stopAll` settles (failed or not), then quit for real. */
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
