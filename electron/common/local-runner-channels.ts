/**
 * The channels of the local-runner and watch methods of DeskApi (local-runner-contract.ts).
 * Apart from the schemas, like desk-channels.ts, so the sandboxed preload bundles only names.
 */
export const localRunnerChannels = {
  localRunnerStatus: 'local-runner:status',
  localRunnerStart: 'local-runner:start',
  localRunnerStop: 'local-runner:stop',
  localRunnerOutput: 'local-runner:output',
  localRunnerIntegrate: 'local-runner:integrate',
  localRunnerTask: 'local-runner:task',
  watchRead: 'watch:read',
  watchSave: 'watch:save',
} as const;
