// The agent's executor (runner/agent/instruction-executor.ts) running a work item's instruction
// list for real in a temporary work area, with every command replaced by a recorder that says it
// exited with 0 and every artifact transfer recorded instead of sent: what a run would execute,
// step by step, without building anything. Used to compare a run with its plan.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { WorkDirs } from '../../runner/core/agent-protocol';
import type { PlannedInstruction } from '../../runner/core/planned-instruction';
import type { ArtifactChannel, CommandRunner } from '../../runner/agent/execution-context';
import { executeInstructions, type ExecutionFailure } from '../../runner/agent/instruction-executor';

/** One step the executor ran: its type and where it is written. */
export interface RecordedStep {
  type: string;
  at: string | null;
}

/** One command a step started, as the command runner was asked to run it. */
export interface RecordedCommand {
  /** The step that started it. */
  step: RecordedStep;
  argv: string[];
  cwd: string;
  maxTimeInSeconds: number | undefined;
  maxTimeBetweenOutput: number | undefined;
}

/** What the executor did. */
export interface RecordedRun {
  /** Every step the executor started, in order (steps that run after a failure included). */
  steps: RecordedStep[];
  /** How many of `steps` ran up to and including the first that failed (all of them without a failure). */
  untilFailure: number;
  commands: RecordedCommand[];
  /** Artifact transfers: `upload <transferType> <dir>`, `install <kind> <dir>`, `source <project> <dir>`. */
  transfers: string[];
  failure: ExecutionFailure | null;
  log: string[];
}

/**
 * The directories of a work area as the instance gives them to an agent (runner/node/instance/
 * task-runner.ts, docs/runner.md) and the agent makes them absolute: `.AgentWorkingDir` is the work
 * area, `.SourceDir` `<owner>/<repo>`, `.BuildDir` `<source>/build`, `.InstallDir` `install`,
 * `.InstallRoot` `install-root`.
 */
export function workAreaDirs(workArea: string, project: string): WorkDirs {
  const source = path.join(workArea, project);
  return {
    agentWorkingDir: workArea,
    sourceDir: source,
    buildDir: path.join(source, 'build'),
    installDir: path.join(workArea, 'install'),
    installRoot: path.join(workArea, 'install-root'),
  };
}

function recordingChannel(transfers: string[]): ArtifactChannel {
  return {
    async upload(directory, transferType) {
      transfers.push(`upload ${transferType} ${directory}`);
      return `recorded-${transfers.length}`;
    },
    async install(kind, directory) {
      transfers.push(`install ${kind} ${directory}`);
      await mkdir(directory, { recursive: true });
      return 1;
    },
    async installSource(project, _ref, directory) {
      transfers.push(`source ${project} ${directory}`);
      await mkdir(directory, { recursive: true });
    },
  };
}

const stepLine = /^>>> (\S+)(?: \((.*)\))?$/;

/** Run `instructions` in `workArea` (created) as the agent would, with recorded commands. */
export async function recordRun(
  instructions: readonly PlannedInstruction[],
  options: {
    workArea: string;
    project: string;
    numCpu: number;
    env: Record<string, string>;
    coinDownloadUrl: string;
  },
): Promise<RecordedRun> {
  const dirs = workAreaDirs(options.workArea, options.project);
  await mkdir(dirs.sourceDir, { recursive: true });
  const run: RecordedRun = {
    steps: [],
    untilFailure: -1,
    commands: [],
    transfers: [],
    failure: null,
    log: [],
  };
  const commands: CommandRunner = async (command) => {
    const step = run.steps.at(-1)!;
    run.commands.push({
      step,
      argv: [...command.argv],
      cwd: command.cwd,
      maxTimeInSeconds: command.maxTimeInSeconds,
      maxTimeBetweenOutput: command.maxTimeBetweenOutput,
    });
    return { kind: 'exited', exitCode: 0 };
  };
  const result = await executeInstructions(instructions, {
    env: { ...options.env },
    cwd: dirs.sourceDir,
    dirs,
    numCpu: options.numCpu,
    coinDownloadUrl: options.coinDownloadUrl,
    artifacts: recordingChannel(run.transfers),
    signal: new AbortController().signal,
    commands,
    log: (line) => {
      run.log.push(line);
      const match = stepLine.exec(line);
      if (match) run.steps.push({ type: match[1]!, at: match[2] ?? null });
      if (line.startsWith('FAILED ') && run.untilFailure < 0) run.untilFailure = run.steps.length;
    },
    uploaded: [],
  });
  run.failure = result.failure;
  if (run.untilFailure < 0) run.untilFailure = run.steps.length;
  return run;
}
