/**
 * A dry run of a phase plan for `coin plan`: the plan's lines are walked in order against a
 * simulated agent (sample directories, the configuration's environment), so every command is
 * shown rendered as the agent would render it, later instructions see the variables earlier ones
 * set, and runtime conditions are evaluated against that simulated environment.
 *
 * The simulation follows a successful run: `executeOn: failure` instructions do not run, an
 * `at runtime` instruction runs when its condition would let it with the simulated environment,
 * and nothing below an instruction that does not run changes the environment. Instructions whose
 * effect depends on the agent's files (ParseEnvironmentVariableFromFile, SetEnvironmentFromScript)
 * are shown, not simulated.
 */
import { commandArgv, type ArgumentSplitting } from './coin-files/argument-split';
import { evaluateCondition, parseCondition } from './coin-files/conditions';
import { renderTemplate, type TemplateData } from './coin-files/go-template';
import { CoinFileError } from './coin-files/source-pos';
import { defaultLimits, instructionLimits, LimitError, type Limits } from './instruction-limits';
import type { PlannedInstruction } from './planned-instruction';
import { labelledTrace, type PlanLine } from './planner';

/** The directories and CPU count a simulated agent offers its templates (`.SourceDir`, ...). */
export interface SampleAgent {
  readonly SourceDir: string;
  readonly BuildDir: string;
  readonly InstallDir: string;
  readonly InstallRoot: string;
  readonly AgentWorkingDir: string;
  readonly NumCPU: number;
  readonly CoinDownloadURL: string;
}

/** The sample CoinDownloadURL of a simulated agent. */
export const sampleCoinDownloadUrl = 'http://coin:8080/coin/files';

const homes: Readonly<Record<string, string>> = { Windows: 'C:\\Users\\qt', MacOS: '/Users/qt' };

/** Path separator of a host OS as Coin's CI_PATH_SEP gives it. */
export function pathSeparator(hostOs: string): '/' | '\\' {
  return hostOs === 'Windows' ? '\\' : '/';
}

/** The home directory of the `qt` user on a sample agent of `hostOs` (Linux: /home/qt). */
export function sampleHome(hostOs: string): string {
  return homes[hostOs] ?? '/home/qt';
}

/**
 * Sample directories of an agent of `hostOs` building `project` (owner/repo), e.g. on Linux
 * SourceDir /home/qt/work/qt/qtsvg, BuildDir /home/qt/work/qt/qtsvg_build, InstallDir
 * /home/qt/work/install, InstallRoot /home/qt/work/install-root, AgentWorkingDir /home/qt/work.
 */
export function sampleAgent(hostOs: string, project: string, numCpu: number): SampleAgent {
  const sep = pathSeparator(hostOs);
  const work = `${sampleHome(hostOs)}${sep}work`;
  const source = [work, ...project.split('/')].join(sep);
  return {
    SourceDir: source,
    BuildDir: `${source}_build`,
    InstallDir: `${work}${sep}install`,
    InstallRoot: `${work}${sep}install-root`,
    AgentWorkingDir: work,
    NumCPU: numCpu,
    CoinDownloadURL: sampleCoinDownloadUrl,
  };
}

/** What the simulated run did with one line of the plan. */
export interface SimulatedStep {
  /** Whether a successful run on the simulated agent gets to it (every Group above it runs). */
  reached: boolean;
  /** Whether a successful run on the simulated agent runs it. */
  runs: boolean;
  /** For `at runtime`: the condition's value with the simulated environment, and its trace. */
  simulated?: { value: boolean; trace: string[] };
  /** What it does, rendered: the command line, `NAME=value`, a directory, ... */
  action?: string;
  /** ExecuteCommand: the rendered argv and the directory it would run in. */
  argv?: string[];
  cwd?: string;
  /**
   * The time limits the agent would enforce (instruction-limits.ts), rendered at this step; for
   * every instruction but a Group that the simulated run runs. `fromDefaults` names the limits the
   * instruction does not set.
   */
  limits?: StepLimits;
  /** Why it is shown differently (executeOn, not simulated). */
  note?: string;
  /** A template or command that could not be rendered with the simulated environment. */
  error?: string;
}

/** A step's rendered time limits, and which of them are the defaults. */
export interface StepLimits extends Limits {
  fromDefaults: (keyof Limits)[];
}

/** A step before it knows whether it was reached. */
type Action = Omit<SimulatedStep, 'reached'>;

interface Walk {
  data: { -readonly [K in keyof SampleAgent]: SampleAgent[K] };
  env: Record<string, string>;
  cwd: string;
  sep: string;
}

function templateData(walk: Walk): TemplateData {
  return { ...walk.data, Env: walk.env };
}

function render(walk: Walk, text: unknown): string {
  if (typeof text === 'number' || typeof text === 'boolean') return String(text);
  if (typeof text !== 'string') return '';
  return renderTemplate(text, templateData(walk));
}

/** Quote an argument for display when it is empty or holds spaces or quotes. */
export function displayArgument(arg: string): string {
  return arg === '' || /[\s"']/.test(arg) ? JSON.stringify(arg) : arg;
}

function isAbsolute(dir: string): boolean {
  return dir.startsWith('/') || dir.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(dir);
}

function resolveDir(walk: Walk, dir: string): string {
  return isAbsolute(dir) ? dir : `${walk.cwd}${walk.sep}${dir}`;
}

function variable(walk: Walk, instruction: PlannedInstruction, runs: boolean): Action {
  const name = render(walk, instruction.fields.variableName);
  const value = render(walk, instruction.fields.variableValue);
  const current = walk.env[name] ?? '';
  const shown = displayArgument(value);
  const byType: Record<string, [string, string]> = {
    EnvironmentVariable: [value, `${name}=${shown}`],
    PrependToEnvironmentVariable: [value + current, `${name}=${shown} + $${name}`],
    AppendToEnvironmentVariable: [current + value, `${name}=$${name} + ${shown}`],
  };
  const [next, action] = byType[instruction.type]!;
  if (runs) walk.env[name] = next;
  return { runs, action };
}

function command(walk: Walk, instruction: PlannedInstruction, runs: boolean): Action {
  const fields = instruction.fields;
  const splitting = fields.executeCommandArgumentSplitingBehavior as ArgumentSplitting | undefined;
  const argv = commandArgv(fields.command as string | string[], splitting, (s) => render(walk, s));
  return { runs, action: argv.map(displayArgument).join(' '), argv, cwd: walk.cwd };
}

function directory(walk: Walk, instruction: PlannedInstruction, runs: boolean): Action {
  const dir = resolveDir(walk, render(walk, instruction.fields.directory));
  if (runs && instruction.type === 'ChangeDirectory') walk.cwd = dir;
  if (runs && instruction.type === 'SetBuildDirectory') walk.data.BuildDir = dir;
  return { runs, action: dir };
}

const notSimulated: Readonly<Record<string, string>> = {
  ParseEnvironmentVariableFromFile: 'sets variables from a file on the agent (not simulated)',
  SetEnvironmentFromScript: "takes a script's environment on the agent (not simulated)",
};

/** Every other type: its own fields, rendered, as `name=value` pairs. */
function generic(walk: Walk, instruction: PlannedInstruction, runs: boolean): Action {
  const parts = Object.entries(instruction.fields)
    .filter(([key]) => key !== 'fileContents' && key !== 'instructions')
    .map(([key, value]) => {
      const shown = typeof value === 'string' ? render(walk, value) : JSON.stringify(value);
      return `${key}=${displayArgument(shown)}`;
    });
  const note = notSimulated[instruction.type];
  return { runs, action: parts.join(' '), ...(note ? { note } : {}) };
}

function act(walk: Walk, instruction: PlannedInstruction, runs: boolean): Action {
  switch (instruction.type) {
    case 'Group':
      return { runs };
    case 'EnvironmentVariable':
    case 'PrependToEnvironmentVariable':
    case 'AppendToEnvironmentVariable':
      return variable(walk, instruction, runs);
    case 'ExecuteCommand':
      return command(walk, instruction, runs);
    case 'ChangeDirectory':
    case 'MakeDirectory':
    case 'SetBuildDirectory':
      return directory(walk, instruction, runs);
    default:
      return generic(walk, instruction, runs);
  }
}

/** The limits the agent would render at this point of the walk. */
function limitsOf(walk: Walk, instruction: PlannedInstruction): StepLimits {
  const limits = instructionLimits(instruction, (text) => render(walk, text));
  const fromDefaults = (Object.keys(defaultLimits) as (keyof Limits)[]).filter(
    (name) => instruction[name] === undefined || render(walk, String(instruction[name])).trim() === '',
  );
  return { ...limits, fromDefaults };
}

function runtimeVerdict(walk: Walk, instruction: PlannedInstruction): SimulatedStep['simulated'] {
  const runtime = instruction.runtimeCondition!;
  const verdict = evaluateCondition(parseCondition(runtime.condition), runtime.properties, walk.env);
  const label = runtime.negate ? 'disable_if' : 'enable_if';
  return { value: verdict.value === true, trace: labelledTrace(label, verdict.trace) };
}

/** The step of one line, given whether everything above it runs. */
function simulateLine(walk: Walk, line: PlanLine, parentRuns: boolean): SimulatedStep {
  const instruction = line.instruction;
  if (!instruction) return { reached: parentRuns, runs: false };
  let simulated: SimulatedStep['simulated'];
  let runs = parentRuns && instruction.executeOn !== 'failure';
  try {
    if (line.decision === 'at runtime') {
      simulated = runtimeVerdict(walk, instruction);
      runs &&= simulated!.value !== instruction.runtimeCondition!.negate;
    }
    // rendered before the step acts, as the agent renders them, and only where it would run
    const limits = runs && instruction.type !== 'Group' ? limitsOf(walk, instruction) : undefined;
    const step: SimulatedStep = { reached: parentRuns, ...act(walk, instruction, runs) };
    if (limits) step.limits = limits;
    if (instruction.executeOn !== 'success') {
      step.note = `executeOn: ${instruction.executeOn} (${instruction.executeOn === 'failure' ? 'runs only after a failure' : 'runs even after a failure'})`;
    }
    return simulated ? { ...step, simulated } : step;
  } catch (error) {
    if (!(error instanceof CoinFileError || error instanceof LimitError)) throw error;
    const problem = error instanceof CoinFileError ? error.problem : error.message;
    return { reached: parentRuns, runs, ...(simulated ? { simulated } : {}), error: problem };
  }
}

/**
 * Walk `lines` (a phase plan, in order) on an agent with directories `agent` and environment
 * `env` (changed in place as the walk sets variables); one step per line.
 */
export function simulatePhase(
  lines: readonly PlanLine[],
  agent: SampleAgent,
  env: Record<string, string>,
  hostOs: string,
): SimulatedStep[] {
  // commands start in the source directory, as on an agent (runner/agent/work-item-runner.ts)
  const walk: Walk = { data: { ...agent }, env, cwd: agent.SourceDir, sep: pathSeparator(hostOs) };
  // Lines deeper than `blockedBelow` belong to a Group that does not run.
  let blockedBelow = Infinity;
  return lines.map((line) => {
    if (line.depth <= blockedBelow) blockedBelow = Infinity;
    const step = simulateLine(walk, line, blockedBelow === Infinity);
    if (!step.runs && blockedBelow === Infinity) blockedBelow = line.depth;
    return step;
  });
}
