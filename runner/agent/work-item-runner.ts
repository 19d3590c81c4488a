/** One work item on an agent: a clean work area, its sources and inputs, the instructions, the result. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResultMessage, RunMessage, WorkDirs } from '../core/agent-protocol';
import { grantCores, type CoreGrant } from '../core/machine-cores';
import type { PlannedInstruction } from '../core/planned-instruction';
import { childEnv } from '../node/child-env';
import type { ExecutionContext } from './execution-context';
import { httpArtifactChannel, type MasterEndpoint } from './http-artifact-channel';
import { InstructionFailure } from './instruction-failure';
import type { DirectOutput } from './run-command';
import { executeInstructions, type ExecutionFailure } from './instruction-executor';
import { workAreaCacheOf } from './work-area-cache';

export interface WorkItemRun {
  message: RunMessage;
  master: MasterEndpoint;
  /** The agent's directory; the work area is a fresh subdirectory removed afterwards. */
  workRoot: string;
  log(line: string): void;
  /** Commands' output as bytes (the log's fast path); without it their lines go through `log`. */
  output?(bytes: Buffer): void;
  /** The log file itself, when the agent writes it (log-file-sink.ts): commands write into it. */
  direct?: DirectOutput;
  signal: AbortSignal;
  /** The work item has ended: called with its result before the work area is removed. */
  ended?(result: ResultMessage): void;
}

function absoluteDirs(workArea: string, dirs: WorkDirs): WorkDirs {
  const abs = (dir: string) => path.resolve(workArea, dir);
  return {
    agentWorkingDir: abs(dirs.agentWorkingDir),
    sourceDir: abs(dirs.sourceDir),
    buildDir: abs(dirs.buildDir),
    installDir: abs(dirs.installDir),
    installRoot: abs(dirs.installRoot),
  };
}

/**
 * The work area of the agent's last work item, kept for the next one (`retire`). Bringing it up to
 * the next work item's sources changes only what differs; deleting it and making it again cost a
 * trivial work item more than anything else on a file system without a journal, where ext4 makes
 * every new file or directory skip past the inodes freed in the last minutes (measured with perf
 * in docs/performance.md).
 */
const spareName = 'spare';

/** Whether `dir` is `root` or inside it. */
const within = (root: string, dir: string) => !path.relative(root, dir).startsWith('..');

/**
 * Removes `entry`: a file, a link or an empty directory at once (one system call), anything larger
 * on libuv's threads. The work area's steps are single system calls and run synchronously: through
 * fs/promises each cost about 30 us of CPU (the hop to a libuv thread and back) against 3 to 4 us,
 * and a trivial work item makes a dozen of them; a tree a build left behind can be large, so its
 * removal stays off the agent's thread.
 */
async function remove(entry: string): Promise<void> {
  const stat = lstatSync(entry, { throwIfNoEntry: false });
  if (!stat) return;
  try {
    if (!stat.isDirectory()) return unlinkSync(entry);
    if (readdirSync(entry).length === 0) return rmdirSync(entry);
  } catch {
    // changed meanwhile, or not removable that way: the general removal below decides
  }
  await rm(entry, { recursive: true, force: true });
}

/**
 * Takes the spare work area as `workArea`, keeping only the directories on the way to the source
 * and working directories, and the sources (brought up to date by the exact copy that follows).
 * False when there is none or it could not be taken; the work area is then made from nothing.
 */
async function takeSpare(workRoot: string, workArea: string, dirs: WorkDirs): Promise<boolean> {
  const { agentWorkingDir, sourceDir } = dirs;
  if (!within(workArea, agentWorkingDir) || !within(workArea, sourceDir)) return false;
  try {
    renameSync(path.join(workRoot, spareName), workArea);
  } catch {
    return false;
  }
  const chain = new Set<string>();
  for (const dir of [agentWorkingDir, sourceDir])
    for (let at = dir; within(workArea, at) && at !== workArea; at = path.dirname(at)) chain.add(at);
  const prune = async (dir: string): Promise<void> => {
    for (const name of readdirSync(dir)) {
      const entry = path.join(dir, name);
      if (entry === sourceDir) continue;
      if (chain.has(entry) && lstatSync(entry).isDirectory()) await prune(entry);
      else await remove(entry);
    }
  };
  try {
    await prune(workArea);
    return true;
  } catch {
    await rm(workArea, { recursive: true, force: true });
    return false;
  }
}

/** Keeps the finished work area as the spare (or removes it when there is one already). */
async function retire(workRoot: string, workArea: string): Promise<void> {
  try {
    renameSync(workArea, path.join(workRoot, spareName));
  } catch {
    await rm(workArea, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function prepare(run: WorkItemRun, workArea: string, dirs: WorkDirs): Promise<void> {
  await remove(workArea);
  const reused = await takeSpare(run.workRoot, workArea, dirs);
  mkdirSync(dirs.sourceDir, { recursive: true });
  // Each archive is unpacked once per agent; work areas get copies (work-area-cache.ts), exact
  // ones: what a spare work area holds beyond the sources goes.
  const trees = workAreaCacheOf(run.workRoot);
  if (run.message.sourceUrl) {
    const how = await trees.install(run.master, run.message.sourceUrl, dirs.sourceDir, {
      sha256: run.message.sourceSha256,
      file: run.message.sourceFile,
      tree: run.message.sourceTree,
      exact: true,
    });
    run.log(
      `sources ${how} into ${dirs.sourceDir}${reused ? ' (the last work area, brought up to date)' : ''}`,
    );
  } else if (reused) {
    for (const name of readdirSync(dirs.sourceDir)) await remove(path.join(dirs.sourceDir, name));
  }
  // after the sources: an exact copy would remove a working directory inside the source directory
  mkdirSync(dirs.agentWorkingDir, { recursive: true });
  for (const input of run.message.inputs) {
    if (input.unpackTo === null) continue;
    const target = path.resolve(dirs.agentWorkingDir, input.unpackTo);
    if (path.relative(workArea, target).startsWith('..'))
      throw new Error(
        `input ${input.key.slice(0, 12)} would unpack outside the work area (${input.unpackTo})`,
      );
    const how = await trees.install(run.master, input.url, target, { sha256: input.sha256 });
    run.log(`installed ${input.kind} artifact ${input.key.slice(0, 12)} into ${target} (${how})`);
  }
}

/**
 * The environment of a work item's commands: the clean child environment without
 * ELECTRON_RUN_AS_NODE (which only this agent needed to start inside a packaged app; an Electron
 * program a build step starts must not run as Node), then the work item's own variables.
 */
export function commandEnv(
  extra: Readonly<Record<string, string>>,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const { ELECTRON_RUN_AS_NODE: _agentOnly, ...env } = childEnv({}, from);
  return { ...env, ...extra };
}

/** Whether commands can be held to some CPUs here: Linux with util-linux's taskset. */
const canPinCpus = process.platform === 'linux' && existsSync('/usr/bin/taskset');

function context(run: WorkItemRun, dirs: WorkDirs, grant: CoreGrant): ExecutionContext {
  return {
    env: commandEnv(run.message.env),
    cwd: dirs.sourceDir,
    dirs,
    numCpu: grant.numCpu,
    commandPrefix: grant.cpuList ? ['/usr/bin/taskset', '-c', grant.cpuList] : [],
    coinDownloadUrl: `${run.master.baseUrl}/download`,
    artifacts: httpArtifactChannel(run.master, run.message.workItemId, run.message.inputs),
    signal: run.signal,
    log: run.log,
    output: run.output,
    spoolDir: run.output ? path.join(run.workRoot, 'spool') : undefined,
    direct: run.direct,
    uploaded: [],
  };
}

function systemFailure(error: unknown): ExecutionFailure {
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof InstructionFailure ? error.kind : 'system';
  return { kind, message: `preparing the work area failed: ${message}`, at: null };
}

/** Run the work item to its end and say how it went; the work area is gone afterwards. */
export async function runWorkItem(run: WorkItemRun): Promise<ResultMessage> {
  // Short, so paths in compiler messages and logs stay readable; unique per work item.
  const workArea = path.join(
    run.workRoot,
    `wi-${createHash('sha256').update(run.message.workItemId).digest('hex').slice(0, 10)}`,
  );
  const dirs = absoluteDirs(workArea, run.message.dirs);
  const grant = grantCores(run.message.cores, os.availableParallelism(), canPinCpus);
  if (grant.note) run.log(grant.note);
  const ctx = context(run, dirs, grant);
  let failure: ExecutionFailure | null;
  let testResults: ResultMessage['testResults'] = [];
  const started = performance.now();
  try {
    await prepare(run, workArea, dirs);
    const prepared = performance.now();
    run.log(`work area ready in ${Math.round(prepared - started)} ms`);
    const result = await executeInstructions(run.message.instructions as PlannedInstruction[], ctx);
    run.log(`instructions took ${Math.round(performance.now() - prepared)} ms`);
    failure = result.failure;
    testResults = result.testResults;
  } catch (error) {
    failure = systemFailure(error);
  }
  const result: ResultMessage = {
    type: 'result',
    workItemId: run.message.workItemId,
    passed: failure === null,
    failure,
    uploaded: ctx.uploaded,
    testResults,
  };
  // The instance hears of the end first; the work area is put aside while it records it (a next
  // work item of this agent waits for that, and a leftover is removed before a work area is made).
  run.ended?.(result);
  await retire(run.workRoot, workArea);
  return result;
}

/** This machine's name, as agents report it. */
export function agentHostName(): string {
  return os.hostname();
}
