/**
 * The DeskApi methods of local hosting: runners the app starts as child processes, their output,
 * integrations through their API, and the pinned and watched instances (tray and notifications).
 */
import type { DeskApi } from '../../common/desk-api';
import type { LocalRunnerMethod } from '../../common/local-runner-contract';
import { WatchSettingsStore } from '../notifications/watch-settings-store';
import { LocalRunnerHost, type LocalRunnerHostOptions } from './local-runner-host';
import { readRunnerTask, submitIntegration } from './runner-integration';

/** Where the services keep things and how they start runners. */
export interface LocalHostingOptions extends LocalRunnerHostOptions {
  /** The app's data directory: watch.json. */
  dataDir: string;
}

/** The DeskApi methods, the runners behind them and the watch settings. */
export interface LocalHostingServices {
  api: Pick<DeskApi, LocalRunnerMethod>;
  runners: LocalRunnerHost;
  watch: WatchSettingsStore;
  /** Stop every hosted runner (the app quits, a test ends). */
  close(): Promise<void>;
}

/** Create the local hosting services. */
export function createLocalHostingServices(options: LocalHostingOptions): LocalHostingServices {
  const { dataDir, ...hostOptions } = options;
  const runners = new LocalRunnerHost(hostOptions);
  const watch = new WatchSettingsStore(dataDir);
  const dir = (workingDir: string | undefined) => runners.directoryOf(workingDir);
  const api: LocalHostingServices['api'] = {
    localRunnerStatus: async ({ workingDir }) => runners.status(dir(workingDir)),
    localRunnerStart: async ({ workingDir }) => runners.start(dir(workingDir)),
    localRunnerStop: async ({ workingDir }) => runners.stop(dir(workingDir)),
    localRunnerOutput: async ({ workingDir, after = 0, limit = 2000 }) =>
      runners.output(dir(workingDir), after, limit),
    localRunnerIntegrate: async ({ workingDir, ...request }) => ({
      taskId: await submitIntegration(dir(workingDir), request),
    }),
    localRunnerTask: async ({ workingDir, taskId }) => readRunnerTask(dir(workingDir), taskId),
    watchRead: () => watch.read(),
    watchSave: ({ settings }) => watch.save(settings),
  };
  return { api, runners, watch, close: () => runners.stopAll() };
}
