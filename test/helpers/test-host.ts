/** The browser host as the e2e tests run it: real services, a temporary default working directory. */
import path from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices } from '../../electron/services/desk-services';
import { createInstanceServices } from '../../electron/services/instances/instance-services';
import { createLocalHostingServices } from '../../electron/services/local-runner/local-hosting-services';
import { makeTempDir, type TempDir } from './temp-dir';

/** Where the built renderer is (the e2e global setup builds it). */
export const rendererDir = path.resolve(import.meta.dirname, '..', '..', 'build', 'out', 'renderer');

export interface TestHost extends BrowserHost {
  workingDir: TempDir;
  /** Close the host and remove its working directory. */
  stop(): Promise<void>;
}

/** Start a browser host on a random loopback port. */
export async function startTestHost(): Promise<TestHost> {
  const workingDir = await makeTempDir('host-work-');
  // Instance profiles live in the temporary directory, never in the real home directory.
  const dataDir = path.join(workingDir.path, 'app-data');
  const instances = createInstanceServices({ dataDir });
  const localHosting = createLocalHostingServices({ dataDir, defaultWorkingDir: workingDir.path });
  const services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: workingDir.path,
    instances,
    localHosting,
  });
  const host = await startBrowserHost({ services, staticDir: rendererDir });
  return {
    ...host,
    workingDir,
    stop: async () => {
      await host.close();
      await services.close();
      await workingDir.remove();
    },
  };
}
