/** `npm start` without Electron: the browser host for the local instance, until Ctrl+C. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDeskServices } from '../services/desk-services';
import { createLocalHostingServices } from '../services/local-runner/local-hosting-services';
import { defaultDataDir, localInstanceDir } from '../services/data-paths';
import { startBrowserHost } from './browser-host';

/** Where `npm run build:renderer` puts the renderer. */
export const rendererOutDir = path.resolve(import.meta.dirname, '..', '..', 'build', 'out', 'renderer');

/** Start the host, print its URL, and stop cleanly on SIGINT/SIGTERM. */
export async function runBrowserHost(port = Number(process.env.COIN_ADMIN_PORT ?? 0)): Promise<void> {
  if (!existsSync(path.join(rendererOutDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererOutDir}): run npm run build:renderer`);
  }
  const defaultWorkingDir = localInstanceDir(defaultDataDir());
  const localHosting = createLocalHostingServices({ dataDir: defaultDataDir(), defaultWorkingDir });
  const services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir,
    localHosting,
  });
  const host = await startBrowserHost({ services, staticDir: rendererOutDir, port });
  process.stdout.write(`Coin Admin is running at ${host.url}\n(open it in a browser; Ctrl+C stops it)\n`);
  const stop = () => {
    // Everything the page started (runners, journal followers, commands, tunnels) ends, and is
    // waited for, before the host exits; a second Ctrl+C ends it at once.
    void host
      .close()
      .then(() => services.close())
      .catch((error: unknown) => process.stderr.write(`Coin Admin: stopping: ${(error as Error).message}\n`))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
