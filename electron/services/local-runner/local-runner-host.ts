/**
 * The local runners the app hosts, one per working directory: start, stop, state and output.
 * A directory keeps its output buffer across runs, so what a crashed runner printed stays
 * readable after it ended. While any runner lives, the app's own exit sends it SIGTERM: a hosted
 * runner never outlives the app (an instance that should is a `coin service` one).
 */
import os from 'node:os';
import path from 'node:path';
import { readWorkingDirLock } from '../../../runner/client/working-dir-instance';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { inWorkingDir } from '../../../runner/core/working-dir-layout';
import { childEnv } from '../../../runner/node/child-env';
import { defaultCoinCommand } from '../../../runner/node/service/service-daemon';
import { assertNever } from '../../../runner/core/model';
import { pidRecordSchema, readRecord } from '../../../runner/node/service/service-records';
import { DeskError } from '../../common/desk-api';
import type { InstanceOwner } from '../../common/instance-schemas';
import type { LocalRunnerState } from '../../common/local-runner-contract';
import {
  isHostedRunner,
  LocalRunnerProcess,
  type RunnerLaunch,
  type RunnerSnapshot,
} from './local-runner-process';
import { exitProblem } from './runner-exit';
import { OutputBuffer, type OutputPage } from './runner-output-buffer';
import { isRunnerAlive } from './runner-phase';

/** Where runners run and how they are started. */
export interface LocalRunnerHostOptions extends Partial<RunnerLaunch> {
  /** The directory meant when a call names none. */
  defaultWorkingDir: string;
  /** Output lines kept per directory. */
  outputCapacity?: number;
}

/**
 * How this process starts `coin run`: this checkout's CLI with this Node, in a clean environment.
 * A runner that has not printed its URL after a minute is stopped: a healthy one listens within
 * seconds (the first start compiles the sources, which is the slow part).
 */
export function defaultRunnerLaunch(): RunnerLaunch {
  return {
    coinCommand: defaultCoinCommand(),
    env: childEnv(),
    stopGraceMs: 30_000,
    startTimeoutMs: 60_000,
  };
}

interface Hosted {
  output: OutputBuffer;
  run: LocalRunnerProcess | null;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who started the process holding `dir`: a runner of this app, its `coin service` daemon, or else. */
function ownerOf(dir: string, pid: number): InstanceOwner {
  if (isHostedRunner(pid)) return 'app-runner';
  const record = quietly(() => readRecord(inWorkingDir(dir, 'servicePid'), pidRecordSchema));
  return record?.pid === pid ? 'service' : 'other';
}

/** The instance in `dir` that is not `ownPid`, from its lock file, when it is alive. */
function otherInstance(dir: string, ownPid: number | null): LocalRunnerState['other'] {
  // A directory that cannot be read (not there, not a directory) holds no instance.
  const lock = quietly(() => readWorkingDirLock(dir));
  if (!lock || lock.pid === ownPid) return null;
  const sameHost = lock.hostname === os.hostname();
  if (sameHost && !isProcessAlive(lock.pid)) return null;
  return { pid: lock.pid, port: lock.port ?? null, owner: sameHost ? ownerOf(dir, lock.pid) : 'other' };
}

function quietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Why the app will not stop the instance `other` of `dir`, and where it can be stopped. */
function notOurs(dir: string, other: NonNullable<LocalRunnerState['other']>): string {
  switch (other.owner) {
    case 'service':
      return `the instance in ${dir} (pid ${other.pid}) is its Coin service: stop it with its profile in Instances, or with coin service stop --working-dir ${dir}`;
    case 'app-runner':
      return `the instance in ${dir} (pid ${other.pid}) is a runner this app started from another window: stop it there`;
    case 'other':
      return `the instance in ${dir} (pid ${other.pid}) was not started by this app: stop it where it was started`;
    default:
      return assertNever(other.owner, 'instance owner');
  }
}

/** The runners of this app, by working directory. */
export class LocalRunnerHost {
  private readonly hosted = new Map<string, Hosted>();
  private readonly launch: RunnerLaunch;
  private readonly onAppExit = () => this.terminateAllNow();
  private exitHooked = false;

  constructor(private readonly options: LocalRunnerHostOptions) {
    const { defaultWorkingDir: _dir, outputCapacity: _capacity, ...launch } = options;
    this.launch = { ...defaultRunnerLaunch(), ...launch };
  }

  /** The absolute directory a call means. */
  directoryOf(workingDir: string | undefined): string {
    const dir = workingDir ?? this.options.defaultWorkingDir;
    if (!path.isAbsolute(dir))
      throw new DeskError('bad-input', `the working directory must be an absolute path, got '${dir}'`);
    return path.resolve(dir);
  }

  /** The runner of `dir` as the UI shows it. */
  status(dir: string): LocalRunnerState {
    const snapshot = this.hosted.get(dir)?.run?.snapshot();
    const other = otherInstance(dir, snapshot?.pid ?? null);
    return stateOf(dir, snapshot, other, this.launch.startTimeoutMs);
  }

  /** The runners this app has started, alive or ended, for the tray and notifications. */
  list(): LocalRunnerState[] {
    return [...this.hosted.keys()].filter((dir) => this.hosted.get(dir)?.run).map((dir) => this.status(dir));
  }

  /** Start a runner in `dir` (nothing happens when one of this app already runs there). */
  async start(dir: string): Promise<LocalRunnerState> {
    const hosted = this.entry(dir);
    if (hosted.run && isRunnerAlive(hosted.run.snapshot().phase)) return this.status(dir);
    hosted.run = new LocalRunnerProcess(dir, hosted.output, this.launch);
    this.hookAppExit();
    await hosted.run.start();
    return this.status(dir);
  }

  /** Stop the runner of `dir`; refuses an instance this app did not start. */
  async stop(dir: string): Promise<LocalRunnerState> {
    const run = this.hosted.get(dir)?.run;
    if (!run || !isRunnerAlive(run.snapshot().phase)) {
      const other = otherInstance(dir, null);
      if (other) throw new DeskError('bad-input', notOurs(dir, other));
      return this.status(dir);
    }
    await run.stop();
    return this.status(dir);
  }

  /** Output lines of `dir` after `after`. */
  output(dir: string, after: number, limit: number): OutputPage {
    return this.hosted.get(dir)?.output.read(after, limit) ?? { entries: [], next: 0, truncated: false };
  }

  /** Stop every runner (the app is quitting); resolves once all have ended. */
  async stopAll(): Promise<void> {
    const runs = [...this.hosted.values()].map((h) => h.run).filter((r) => r !== null);
    await Promise.all(runs.map((run) => run.stop()));
    if (this.exitHooked) process.off('exit', this.onAppExit);
    this.exitHooked = false;
  }

  private entry(dir: string): Hosted {
    let hosted = this.hosted.get(dir);
    if (!hosted) {
      hosted = { output: new OutputBuffer(this.options.outputCapacity), run: null };
      this.hosted.set(dir, hosted);
    }
    return hosted;
  }

  private hookAppExit(): void {
    if (this.exitHooked) return;
    this.exitHooked = true;
    process.on('exit', this.onAppExit);
  }

  private terminateAllNow(): void {
    for (const hosted of this.hosted.values()) hosted.run?.terminateNow();
  }
}

/** A directory's state from its run (if any) and another instance found in its lock. */
export function stateOf(
  dir: string,
  run: RunnerSnapshot | undefined,
  other: LocalRunnerState['other'],
  startTimeoutMs: number,
): LocalRunnerState {
  const listening = run?.phase === 'running' && run.port !== null;
  return {
    workingDir: dir,
    phase: run?.phase ?? 'stopped',
    pid: run && isRunnerAlive(run.phase) ? run.pid : null,
    port: run && isRunnerAlive(run.phase) ? run.port : null,
    url: listening ? instanceRootUrl(`http://127.0.0.1:${run.port}`) : null,
    since: run?.since ?? null,
    exit: run?.exit ?? null,
    problem: run?.exit ? exitProblem(run.exit, dir, startTimeoutMs) : null,
    startTimeoutMs,
    other,
  };
}
