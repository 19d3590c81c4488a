/**
 * The one evaluator of what a work item runs: for a module, a phase and a configuration, the
 * instruction list an agent executes. The runner (runner/node/instance/integration-plan.ts via
 * integration-units.ts) sends exactly this list to the agent, and `coin plan` (plan-report.ts)
 * shows exactly this list walked on a simulated agent, so a plan is what a run executes.
 *
 * The list is the variables the work item starts with, as EnvironmentVariable steps the agent
 * renders in order, then the phase's planned instructions (planner.ts):
 * 1. what Coin sets (coin-instructions.md): TESTED_MODULE_COIN (the repository name),
 *    TESTED_MODULE_REVISION_COIN, TESTED_MODULE_BRANCH_COIN, COIN_PLATFORM_ID (the configuration),
 *    COIN_UNIQUE_JOB_ID (the work item id), TARGET_OS_COIN (`Target os` as written, empty for
 *    native builds), MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH (`<project>/<sha>/<configuration>`),
 *    MODULE_SOURCES_RELATIVE_STORAGE_PATH (`<project>/<sha>/sources.tar.gz`), CI_PATH_SEP (`\` when
 *    the configuration's host is Windows, else `/`) and QT_CI_ARTIFACT_ID_PATH_<Id> for each
 *    platform dependency (`<project>/<sha>/<Id>`, where that configuration's build is stored);
 * 2. the configuration's `Environment variables`, in order; their values are templates, rendered
 *    by the agent against what is set so far.
 */
import type { ConfigProperties } from './coin-files/config-properties';
import type { ModuleConfig } from './coin-files/module-config';
import { phaseKind } from './coin-files/module-phases';
import type { PlatformConfiguration } from './coin-files/platform-configs';
import type { PlannedInstruction } from './planned-instruction';
import { planPhase, type PhasePlan } from './planner';

/** Which run a work item belongs to. `coin plan` uses HEAD, dev and `coin-plan`. */
export interface RunIdentity {
  /** owner/repo of the module. */
  readonly project: string;
  /** The sha being built. */
  readonly revision: string;
  readonly branch: string;
  /** The task's id: work item ids (and COIN_UNIQUE_JOB_ID) start with it. */
  readonly taskId: string;
}

/** One variable a work item starts with. */
export interface StartVariable {
  readonly name: string;
  /** As written: a configuration's values are templates the agent renders. */
  readonly value: string;
  readonly from: 'coin' | 'configuration';
  /** Where the step says it comes from: `<coin>` or `<configuration NAME>`. */
  readonly at: string;
}

/** What one work item of a phase runs. */
export interface ResolvedPhase {
  readonly phase: string;
  readonly kind: string;
  readonly configuration: string;
  /** The work item id, also its COIN_UNIQUE_JOB_ID. */
  readonly jobId: string;
  readonly variables: readonly StartVariable[];
  /** The phase's own instructions with their plan-time decisions (for `coin plan`). */
  readonly plan: PhasePlan;
  /** What the agent runs, in order: one EnvironmentVariable step per variable, then plan.instructions. */
  readonly instructions: PlannedInstruction[];
  /** machine_type cores of the phase, or null when the module names none. */
  readonly cores: number | null;
}

/** `<task>.<kind>.<owner_repo>.<configuration>`: deterministic, so a re-planned task finds its items. */
export function workItemId(taskId: string, kind: string, project: string, configuration: string): string {
  return `${taskId}.${kind}.${project.replace(/\//g, '_')}.${configuration}`;
}

/** Where Coin stores what `project` at `revision` built on a configuration (relative storage path). */
export function storagePath(project: string, revision: string, configuration: string): string {
  return `${project}/${revision}/${configuration}`;
}

/** The variables Coin sets for a work item (see the file comment). */
export function coinVariables(
  run: RunIdentity,
  config: PlatformConfiguration,
  properties: ConfigProperties,
  jobId: string,
): StartVariable[] {
  const pairs: [string, string][] = [
    ['TESTED_MODULE_COIN', run.project.split('/').pop()!],
    ['TESTED_MODULE_REVISION_COIN', run.revision],
    ['TESTED_MODULE_BRANCH_COIN', run.branch],
    ['COIN_PLATFORM_ID', config.name],
    ['COIN_UNIQUE_JOB_ID', jobId],
    ['TARGET_OS_COIN', config.targetOs ?? ''],
    ['MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH', storagePath(run.project, run.revision, config.name)],
    ['MODULE_SOURCES_RELATIVE_STORAGE_PATH', `${run.project}/${run.revision}/sources.tar.gz`],
    ['CI_PATH_SEP', properties['host.os'] === 'Windows' ? '\\' : '/'],
  ];
  for (const id of config.platformDependency) {
    pairs.push([`QT_CI_ARTIFACT_ID_PATH_${id}`, storagePath(run.project, run.revision, id)]);
  }
  return pairs.map(([name, value]) => ({ name, value, from: 'coin', at: '<coin>' }));
}

/** The configuration's `Environment variables` (`NAME=value`, a value without `=` is empty). */
export function configurationVariables(config: PlatformConfiguration): StartVariable[] {
  return config.environmentVariables.map((assignment) => {
    const eq = assignment.indexOf('=');
    return {
      name: eq < 0 ? assignment : assignment.slice(0, eq),
      value: eq < 0 ? '' : assignment.slice(eq + 1),
      from: 'configuration',
      at: `<configuration ${config.name}>`,
    };
  });
}

/** A variable as the step that sets it. */
export function variableStep(variable: StartVariable): PlannedInstruction {
  return {
    type: 'EnvironmentVariable',
    at: variable.at,
    fields: { variableName: variable.name, variableValue: variable.value },
    executeOn: 'success',
  };
}

/**
 * What a work item of `phase` of `module` on `config` runs. Throws CoinFileError when an
 * instruction the configuration reaches cannot run (planner.ts).
 */
export function resolvePhase(
  module: ModuleConfig,
  phase: string,
  config: PlatformConfiguration,
  properties: ConfigProperties,
  run: RunIdentity,
): ResolvedPhase {
  const kind = phaseKind(phase);
  const jobId = workItemId(run.taskId, kind, run.project, config.name);
  const variables = [...coinVariables(run, config, properties, jobId), ...configurationVariables(config)];
  const plan = planPhase(module, phase, properties);
  return {
    phase,
    kind,
    configuration: config.name,
    jobId,
    variables,
    plan,
    instructions: [...variables.map(variableStep), ...plan.instructions],
    cores: module.machineType[phase]?.cores ?? null,
  };
}
