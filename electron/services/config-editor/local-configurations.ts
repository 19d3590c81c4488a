/**
 * The work item configurations a local instance offers, with their properties: this computer's
 * own configuration (every local instance has it) and those of the `--platform-configs`
 * directory its `coin service` was started with. A remote instance's runner API does not publish
 * configuration properties, so for remote profiles the editor only knows ids from the history.
 */
import path from 'node:path';
import type { KnownConfiguration } from '../../common/config-editor-contract';
import type { PlatformConfiguration } from '../../../runner/core/coin-files/platform-configs';
import { workItemConfigurationOf } from '../../../runner/core/runtime-config/sched-rules';
import { instanceConfigurations } from '../../../runner/node/instance/instance-configurations';
import { serviceFiles } from '../../../runner/node/service/service-files';
import { pidRecordSchema, readRecord, stateRecordSchema } from '../../../runner/node/service/service-records';

/** The `--platform-configs` directory in `coin run` arguments, resolved; undefined without one. */
export function platformConfigsDirOf(runArgs: readonly string[]): string | undefined {
  for (let i = 0; i < runArgs.length; i++) {
    const arg = runArgs[i]!;
    if (arg === '--platform-configs' && runArgs[i + 1]) return path.resolve(runArgs[i + 1]!);
    if (arg.startsWith('--platform-configs=')) return path.resolve(arg.slice('--platform-configs='.length));
  }
  return undefined;
}

/** The `coin run` arguments `coin service` recorded for the instance in `workingDir`. */
function recordedRunArgs(workingDir: string): readonly string[] {
  const files = serviceFiles(workingDir);
  return (
    readRecord(files.pidFile, pidRecordSchema)?.runArgs ??
    readRecord(files.stateFile, stateRecordSchema)?.runArgs ??
    []
  );
}

/** The configurations as the rule tester shows them (usage counts filled in by the caller). */
export function describeConfigurations(configs: readonly PlatformConfiguration[]): KnownConfiguration[] {
  const byName = new Map(configs.map((c) => [c.name, c]));
  return configs.map((config, index) => ({
    id: config.name,
    properties: { ...workItemConfigurationOf(config, (id) => byName.get(id)) },
    source: index === 0 ? 'local host' : 'platform configurations',
    workItems: 0,
  }));
}

/** The configurations of the local instance in `workingDir`. */
export function localConfigurations(workingDir: string): KnownConfiguration[] {
  return describeConfigurations(instanceConfigurations(platformConfigsDirOf(recordedRunArgs(workingDir))));
}
