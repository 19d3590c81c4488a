/**
 * What `coin plan` shows, as plain data (printed as text or JSON by the CLI): which
 * configurations a module's accept_configuration rejects and why, and for each accepted one the
 * steps of each phase with their source, decision, reasons and rendered action on a simulated
 * agent (plan-simulation.ts).
 *
 * The simulated environment of a phase starts from, in this order (later ones win):
 * 1. the agent's own: HOME (Windows: USERPROFILE) of the sample agent;
 * 2. what Coin sets (coin-instructions.md): TESTED_MODULE_COIN (the repository name),
 *    TESTED_MODULE_REVISION_COIN (`HEAD`), TESTED_MODULE_BRANCH_COIN (`dev`), COIN_PLATFORM_ID,
 *    COIN_UNIQUE_JOB_ID (`coin-plan`), TARGET_OS_COIN (`Target os` as written, empty for native
 *    builds, as the local runner sets it), MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH
 *    (`<project>/HEAD/<configuration>`), MODULE_SOURCES_RELATIVE_STORAGE_PATH, CI_PATH_SEP (`\`
 *    on Windows hosts) and QT_CI_ARTIFACT_ID_PATH_<Id> for each platform dependency;
 * 3. the configuration's `Environment variables`, in order, each value rendered as a template
 *    against what is set so far;
 * 4. the caller's overrides (`coin plan --env K=V`), in order, literally.
 */
import { acceptsConfiguration, planPhase } from './planner';
import { configProperties, type ConfigProperties } from './coin-files/config-properties';
import { renderTemplate } from './coin-files/go-template';
import type { InstructionPhase, ModuleConfig } from './coin-files/module-config';
import type { PlatformConfigSet, PlatformConfiguration } from './coin-files/platform-configs';
import { CoinFileError, fieldPos } from './coin-files/source-pos';
import {
  pathSeparator,
  sampleAgent,
  sampleHome,
  simulatePhase,
  type SampleAgent,
  type SimulatedStep,
} from './plan-simulation';

/** Where a variable of the starting environment comes from. */
export type EnvSource = 'agent' | 'coin' | 'configuration' | 'override';

/** One variable of the environment a phase starts with. */
export interface EnvEntry {
  readonly name: string;
  readonly value: string;
  readonly from: EnvSource;
}

/** One instruction of a phase: the plan's decision and what the simulated agent did with it. */
export interface PlanStep extends SimulatedStep {
  depth: number;
  type: string;
  /** file:line:column (shortened by `displayRoot`). */
  at: string | null;
  decision: 'run' | 'skipped' | 'at runtime';
  /** The plan-time condition trace (see PlanLine.reasons). */
  reasons: string[];
}

/** Counts of a phase's steps (Groups included, except in `actions`). */
export interface PhaseCounts {
  steps: number;
  run: number;
  skipped: number;
  atRuntime: number;
  /** Instructions other than Groups that the simulated run runs. */
  actions: number;
}

/** One phase of one configuration. */
export interface PhaseReport {
  phase: InstructionPhase;
  agent: SampleAgent;
  environment: EnvEntry[];
  counts: PhaseCounts;
  steps: PlanStep[];
}

/** A configuration accept_configuration lets in, with its plans (or the error that stopped them). */
export interface ConfigurationReport {
  name: string;
  template: string;
  compiler: string;
  features: readonly string[];
  platformDependency: readonly string[];
  environmentScript: readonly string[];
  properties: ConfigProperties;
  accept: string[];
  phases: PhaseReport[];
  /** file:line:column: problem, when planning this configuration failed. */
  error?: string;
}

/** A configuration accept_configuration turns away, and why. */
export interface RejectedConfiguration {
  name: string;
  trace: string[];
}

/** Everything `coin plan` prints. */
export interface PlanReport {
  project: string;
  moduleFile: string;
  platformConfigFile: string;
  phases: InstructionPhase[];
  /** How many configurations the platform configuration file has. */
  configurationCount: number;
  rejected: RejectedConfiguration[];
  configurations: ConfigurationReport[];
}

/** What to plan. */
export interface PlanReportInput {
  readonly module: ModuleConfig;
  /** owner/repo of the module. */
  readonly project: string;
  readonly platforms: PlatformConfigSet;
  /** Plan only this configuration (by Id or name); the caller checks that it exists. */
  readonly configName?: string;
  readonly phases: readonly InstructionPhase[];
  /** `--env` overrides, in order. */
  readonly overrides?: readonly (readonly [string, string])[];
  /** Shown paths lose this prefix (the repositories' root). */
  readonly displayRoot?: string;
}

/** CPU count of the simulated agent: machine_type cores of the phase, else this. */
export const defaultSampleCores = 4;

function coinVariables(input: PlanReportInput, config: PlatformConfiguration, props: ConfigProperties) {
  const storage = (id: string) => `${input.project}/HEAD/${id}`;
  const vars: [string, string][] = [
    ['TESTED_MODULE_COIN', input.project.split('/').pop()!],
    ['TESTED_MODULE_REVISION_COIN', 'HEAD'],
    ['TESTED_MODULE_BRANCH_COIN', 'dev'],
    ['COIN_PLATFORM_ID', config.name],
    ['COIN_UNIQUE_JOB_ID', 'coin-plan'],
    ['TARGET_OS_COIN', config.targetOs ?? ''],
    ['MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH', storage(config.name)],
    ['MODULE_SOURCES_RELATIVE_STORAGE_PATH', `${input.project}/HEAD/sources.tar.gz`],
    ['CI_PATH_SEP', pathSeparator(String(props['host.os']))],
  ];
  for (const id of config.platformDependency) vars.push([`QT_CI_ARTIFACT_ID_PATH_${id}`, storage(id)]);
  return vars;
}

/** The environment a phase starts with, each variable with its source (see the file comment). */
export function startingEnvironment(
  input: PlanReportInput,
  config: PlatformConfiguration,
  props: ConfigProperties,
  agent: SampleAgent,
): EnvEntry[] {
  const hostOs = String(props['host.os']);
  const entries: EnvEntry[] = [
    { name: hostOs === 'Windows' ? 'USERPROFILE' : 'HOME', value: sampleHome(hostOs), from: 'agent' },
    ...coinVariables(input, config, props).map(([name, value]) => ({ name, value, from: 'coin' as const })),
  ];
  const env = (): Record<string, string> => Object.fromEntries(entries.map((e) => [e.name, e.value]));
  const at = fieldPos(config.fields, 'Environment variables');
  for (const assignment of config.environmentVariables) {
    const eq = assignment.indexOf('=');
    const name = eq < 0 ? assignment : assignment.slice(0, eq);
    const raw = eq < 0 ? '' : assignment.slice(eq + 1);
    entries.push({ name, value: renderTemplate(raw, { ...agent, Env: env() }, at), from: 'configuration' });
  }
  for (const [name, value] of input.overrides ?? []) entries.push({ name, value, from: 'override' });
  return entries;
}

function shorten(at: string | null, root: string | undefined): string | null {
  if (at === null || !root) return at;
  const prefix = root.endsWith('/') || root.endsWith('\\') ? root : `${root}/`;
  return at.startsWith(prefix) ? at.slice(prefix.length) : at;
}

function countSteps(steps: readonly PlanStep[]): PhaseCounts {
  const counts: PhaseCounts = { steps: steps.length, run: 0, skipped: 0, atRuntime: 0, actions: 0 };
  for (const step of steps) {
    if (step.decision === 'run') counts.run++;
    else if (step.decision === 'skipped') counts.skipped++;
    else counts.atRuntime++;
    if (step.runs && step.type !== 'Group') counts.actions++;
  }
  return counts;
}

function phaseReport(
  input: PlanReportInput,
  config: PlatformConfiguration,
  props: ConfigProperties,
  phase: InstructionPhase,
): PhaseReport {
  const hostOs = String(props['host.os']);
  const agent = sampleAgent(
    hostOs,
    input.project,
    input.module.machineType[phase]?.cores ?? defaultSampleCores,
  );
  const environment = startingEnvironment(input, config, props, agent);
  const plan = planPhase(input.module, phase, props);
  const env = Object.fromEntries(environment.map((e) => [e.name, e.value]));
  const simulated = simulatePhase(plan.lines, agent, env, hostOs);
  const steps = plan.lines.map((line, i): PlanStep => {
    const { depth, type, at, decision, reasons } = line;
    const shown = shorten(at, input.displayRoot);
    return { depth, type, at: shown, decision, reasons, ...simulated[i]! };
  });
  return { phase, agent, environment, counts: countSteps(steps), steps };
}

function configurationReport(
  input: PlanReportInput,
  config: PlatformConfiguration,
  props: ConfigProperties,
  accept: string[],
): ConfigurationReport {
  const report: ConfigurationReport = {
    name: config.name,
    template: config.template,
    compiler: config.compiler,
    features: config.features,
    platformDependency: config.platformDependency,
    environmentScript: config.environmentScript,
    properties: props,
    accept,
    phases: [],
  };
  try {
    for (const phase of input.phases) report.phases.push(phaseReport(input, config, props, phase));
  } catch (error) {
    if (!(error instanceof CoinFileError)) throw error;
    report.error = error.message;
  }
  return report;
}

/** The report of `input`: rejected configurations and the plans of the accepted ones. */
export function planReport(input: PlanReportInput): PlanReport {
  const set = input.platforms;
  const report: PlanReport = {
    project: input.project,
    moduleFile: shorten(input.module.file, input.displayRoot)!,
    platformConfigFile: shorten(set.file.file, input.displayRoot)!,
    phases: [...input.phases],
    configurationCount: set.configurations.length,
    rejected: [],
    configurations: [],
  };
  for (const config of set.configurations) {
    if (input.configName !== undefined && config.name !== input.configName) continue;
    const props = configProperties(config, (id) => set.byId.get(id));
    const accepted = acceptsConfiguration(input.module, props);
    if (accepted.value === true) {
      report.configurations.push(configurationReport(input, config, props, accepted.trace));
    } else {
      report.rejected.push({ name: config.name, trace: accepted.trace });
    }
  }
  return report;
}

/** One phase of a summary row: how many steps it has and how many instructions the simulated run runs. */
export interface PhaseSummary {
  phase: InstructionPhase;
  steps: number;
  runs: number;
}

/** One accepted configuration in a line: what it is and the size of each phase. */
export interface ConfigurationSummary {
  name: string;
  /** `Ubuntu_22_04 X86_64`. */
  host: string;
  compiler: string;
  /** `QNX_710 ARMV8` when it builds for another platform, else ''. */
  target: string;
  phases: PhaseSummary[];
  error?: string;
}

/** What `coin plan` leads with: the verdicts of accept_configuration and the steps per phase. */
export interface PlanSummary {
  considered: number;
  accepted: ConfigurationSummary[];
  /** Rejected configurations with the condition trace in one line. */
  rejected: { name: string; why: string }[];
}

function platformOf(props: ConfigProperties, side: 'host' | 'target'): string {
  return [props[`${side}.osVersion`], props[`${side}.arch`]].filter((v) => v !== null && v !== '').join(' ');
}

/** The summary of a report (see PlanSummary). */
export function planSummary(report: PlanReport): PlanSummary {
  return {
    considered: report.configurations.length + report.rejected.length,
    accepted: report.configurations.map((c) => ({
      name: c.name,
      host: platformOf(c.properties, 'host'),
      compiler: c.compiler,
      target:
        platformOf(c.properties, 'target') === platformOf(c.properties, 'host')
          ? ''
          : platformOf(c.properties, 'target'),
      phases: c.phases.map((p) => ({ phase: p.phase, steps: p.counts.steps, runs: p.counts.actions })),
      ...(c.error ? { error: c.error } : {}),
    })),
    rejected: report.rejected.map((r) => ({ name: r.name, why: r.trace.join('; ') })),
  };
}
