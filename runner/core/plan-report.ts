/**
 * What `coin plan` shows, as plain data (printed as text or JSON by the CLI): which
 * configurations a module's accept_configuration rejects and why, and for each accepted one its
 * phases in run order: the work item each phase makes there (or why it makes none, phase-work.ts)
 * and its steps with their source, decision, reasons, rendered action and time limits on a
 * simulated agent (plan-simulation.ts).
 *
 * The instruction list of a phase is the one the runner sends to the agent (phase-instructions.ts,
 * the one evaluator for both): the variables Coin and the configuration set, then the phase's
 * instructions. The simulated environment of a phase starts with the agent's own variables
 * (HOME, or USERPROFILE on Windows, of the sample agent), then walks that list, so each variable
 * is rendered as the agent renders it; the caller's overrides (`coin plan --env K=V`) come after
 * the variables, literally. The run the plan stands for is HEAD of dev in a task `coin-plan`
 * unless the input says otherwise.
 */
import type { ProductDependencies } from './coin-files/product-dependencies';
import { configProperties, type ConfigProperties } from './coin-files/config-properties';
import type { ModuleConfig } from './coin-files/module-config';
import type { PlatformSelection } from './coin-files/module-platforms';
import type { PlatformConfiguration } from './coin-files/platform-configs';
import { CoinFileError, fieldPos, formatPos } from './coin-files/source-pos';
import { configurationPhases, type PhaseWork } from './phase-work';
import { resolvePhase, variableStep, type RunIdentity } from './phase-instructions';
import type { PlannedInstruction } from './planned-instruction';
import { acceptsConfiguration, type PlanLine } from './planner';
import {
  sampleAgent,
  sampleHome,
  simulatePhase,
  type SampleAgent,
  type SimulatedStep,
} from './plan-simulation';

/** Where a variable of the starting environment comes from. */
export type EnvSource = 'agent' | 'coin' | 'configuration' | 'override';

/** One variable of the environment a phase starts with, rendered. */
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
  phase: string;
  /** The work item kind (`build`, `test`, `licensecheck`) and its id in the plan's task. */
  kind: string;
  workItem: string;
  /** Why the configuration has no work item of this phase (then nothing else is planned); or null. */
  absent: string | null;
  /** A TestOnly configuration's Build: the configuration whose build its tests use. */
  buildOf: string | null;
  /** A failure of this work item would not fail the integration. */
  insignificant: boolean;
  agent: SampleAgent;
  environment: EnvEntry[];
  counts: PhaseCounts;
  steps: PlanStep[];
  /** Exactly what the agent is sent: the variables' steps, then the phase's planned instructions. */
  instructions: PlannedInstruction[];
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

/** The product a module is released with (coin/product_dependencies.yaml). */
export interface ProductReport {
  file: string;
  products: { path: string; project: string; ref: string; at: string | null }[];
}

/** Everything `coin plan` prints. */
export interface PlanReport {
  project: string;
  moduleFile: string;
  /** The platform configuration files read (shortened by `displayRoot`). */
  platformConfigFiles: string[];
  /** How the configurations were chosen, in words (fallbacks, default.yaml, --all-configs). */
  platformNotes: string[];
  /** The phases planned, in run order. */
  phases: string[];
  /** How many configurations the files hold. */
  configurationCount: number;
  rejected: RejectedConfiguration[];
  configurations: ConfigurationReport[];
  product: ProductReport | null;
}

/** The agent a phase is walked on: its directories and its own variables. */
export interface PlanAgent {
  dirs: SampleAgent;
  env: Record<string, string>;
}

/** What to plan. */
export interface PlanReportInput {
  readonly module: ModuleConfig;
  /** owner/repo of the module. */
  readonly project: string;
  readonly platforms: PlatformSelection;
  /** Plan only this configuration (by Id or name); the caller checks that it exists. */
  readonly configName?: string;
  /** Only these phases (default: every phase of the module). */
  readonly phases?: readonly string[];
  /** `--env` overrides, in order. */
  readonly overrides?: readonly (readonly [string, string])[];
  /** Shown paths lose this prefix (the repositories' root). */
  readonly displayRoot?: string;
  /** The run the plan stands for (default: revision HEAD, branch dev, task coin-plan). */
  readonly run?: Partial<Omit<RunIdentity, 'project'>>;
  /** The agent of a phase (default: the sample agent of the host OS with HOME/USERPROFILE). */
  readonly agent?: (hostOs: string, cores: number) => PlanAgent;
  readonly products?: ProductDependencies;
}

/** CPU count of the simulated agent: machine_type cores of the phase, else this. */
export const defaultSampleCores = 4;

function sampleAgentOf(project: string) {
  return (hostOs: string, cores: number): PlanAgent => ({
    dirs: sampleAgent(hostOs, project, cores),
    env: { [hostOs === 'Windows' ? 'USERPROFILE' : 'HOME']: sampleHome(hostOs) },
  });
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

function variableLine(instruction: PlannedInstruction): PlanLine {
  return { depth: 0, type: instruction.type, at: instruction.at, decision: 'run', reasons: [], instruction };
}

/**
 * Walk the variables' steps one by one (each value rendered as the agent renders it), then the
 * overrides; `env` ends as the environment the phase's own instructions start with.
 */
function startingEnvironment(
  input: PlanReportInput,
  config: PlatformConfiguration,
  variables: ReturnType<typeof resolvePhase>['variables'],
  agent: PlanAgent,
  hostOs: string,
  env: Record<string, string>,
): EnvEntry[] {
  const entries: EnvEntry[] = Object.entries(agent.env).map(([name, value]) => ({
    name,
    value,
    from: 'agent',
  }));
  Object.assign(env, agent.env);
  for (const variable of variables) {
    const [step] = simulatePhase([variableLine(variableStep(variable))], agent.dirs, env, hostOs);
    if (step!.error) {
      const at = fieldPos(config.fields, 'Environment variables');
      throw new CoinFileError(at, `${variable.name}: ${step!.error}`);
    }
    entries.push({ name: variable.name, value: env[variable.name] ?? '', from: variable.from });
  }
  for (const [name, value] of input.overrides ?? []) {
    env[name] = value;
    entries.push({ name, value, from: 'override' });
  }
  return entries;
}

/** The report of one phase on a configuration that has a work item of it. */
function phaseReport(
  input: PlanReportInput,
  config: PlatformConfiguration,
  props: ConfigProperties,
  work: PhaseWork,
): PhaseReport {
  const hostOs = String(props['host.os']);
  const run: RunIdentity = {
    project: input.project,
    revision: 'HEAD',
    branch: 'dev',
    taskId: 'coin-plan',
    ...input.run,
  };
  const resolved = resolvePhase(input.module, work.phase, config, props, run);
  const agent = (input.agent ?? sampleAgentOf(input.project))(hostOs, resolved.cores ?? defaultSampleCores);
  const common = {
    phase: work.phase,
    kind: work.kind,
    workItem: resolved.jobId,
    absent: work.absent,
    buildOf: work.buildOf,
    insignificant: work.insignificant,
    agent: agent.dirs,
  };
  const empty = { steps: 0, run: 0, skipped: 0, atRuntime: 0, actions: 0 };
  if (work.absent !== null) return { ...common, environment: [], counts: empty, steps: [], instructions: [] };
  const env: Record<string, string> = {};
  const environment = startingEnvironment(input, config, resolved.variables, agent, hostOs, env);
  const simulated = simulatePhase(resolved.plan.lines, agent.dirs, env, hostOs);
  const steps = resolved.plan.lines.map((line, i): PlanStep => {
    const { depth, type, at, decision, reasons } = line;
    return { depth, type, at: shorten(at, input.displayRoot), decision, reasons, ...simulated[i]! };
  });
  return { ...common, environment, counts: countSteps(steps), steps, instructions: resolved.instructions };
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
    for (const work of configurationPhases(input.module, config)) {
      if (input.phases && !input.phases.includes(work.phase)) continue;
      report.phases.push(phaseReport(input, config, props, work));
    }
  } catch (error) {
    if (!(error instanceof CoinFileError)) throw error;
    report.error = error.message;
  }
  return report;
}

function productReport(input: PlanReportInput): ProductReport | null {
  const products = input.products;
  if (!products) return null;
  return {
    file: shorten(products.file, input.displayRoot)!,
    products: products.products.map((p) => ({
      path: p.path,
      project: p.project,
      ref: p.ref,
      at: p.pos ? shorten(formatPos(p.pos), input.displayRoot) : null,
    })),
  };
}

/** The report of `input`: rejected configurations and the plans of the accepted ones. */
export function planReport(input: PlanReportInput): PlanReport {
  const selection = input.platforms;
  const report: PlanReport = {
    project: input.project,
    moduleFile: shorten(input.module.file, input.displayRoot)!,
    platformConfigFiles: [...selection.files],
    platformNotes: [...selection.notes],
    phases: input.module.phases.filter((p) => !input.phases || input.phases.includes(p)),
    configurationCount: selection.configurations.length,
    rejected: [],
    configurations: [],
    product: productReport(input),
  };
  for (const config of selection.configurations) {
    if (input.configName !== undefined && config.name !== input.configName) continue;
    const props = configProperties(config, (id) => selection.byId.get(id));
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
  phase: string;
  steps: number;
  runs: number;
  /** Why the configuration has no work item of this phase. */
  absent?: string;
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

function phaseSummary(p: PhaseReport): PhaseSummary {
  const summary: PhaseSummary = { phase: p.phase, steps: p.counts.steps, runs: p.counts.actions };
  if (p.absent !== null) summary.absent = p.absent;
  return summary;
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
      phases: c.phases.map(phaseSummary),
      ...(c.error ? { error: c.error } : {}),
    })),
    rejected: report.rejected.map((r) => ({ name: r.name, why: r.trace.join('; ') })),
  };
}
