/** The DeskApi services as the Electron shell configures them. */
import path from 'node:path';
import type { DeskApi } from '../common/desk-api';
import { defaultDataDir, localInstanceDir } from '../services/data-paths';
import { createDeskServices } from '../services/desk-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../services/local-runner/local-hosting-services';

/** DeskApi and the parts of it the main process drives itself (tray, notifications, quit). */
export interface ElectronServices {
  api: DeskApi;
  localHosting: LocalHostingServices;
  /** The per-user data directory (profiles, known_hosts, watch settings, window state). */
  dataDir: string;
}

/**
 * argv of the `coin` CLI for hosted runners: the checkout's coin.mjs (three levels above the main
 * bundle in build/out/electron) under the `node` on the PATH. Not the Electron binary as Node: the
 * native modules of a development checkout are built for Node, and the runner's agents inherit its
 * executable.
 */
export function checkoutCoinCommand(bundleDir: string): string[] {
  return ['node', path.resolve(bundleDir, '..', '..', '..', 'runner', 'cli', 'coin.mjs')];
}

/**
 * DeskApi backed by the plain-Node services. The local instance lives in the same per-user data
 * directory the browser host and the CLI use, so every shell sees one local instance.
 */
export function createElectronDeskServices(bundleDir: string): ElectronServices {
  const dataDir = defaultDataDir();
  const defaultWorkingDir = localInstanceDir(dataDir);
  const coinCommand = checkoutCoinCommand(bundleDir);
  const localHosting = createLocalHostingServices({ dataDir, defaultWorkingDir, coinCommand });
  const api = createDeskServices({
    shell: 'electron',
    electronVersion: process.versions.electron ?? null,
    defaultWorkingDir,
    localHosting,
  });
  return { api, localHosting, dataDir };
}
