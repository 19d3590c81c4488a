/**
 * One run of `coin run` as a child process of the app. Its output goes to the directory's output
 * buffer; nothing it does (failing to spawn, crashing, printing garbage, hanging) throws into the
 * app: it ends as an exit with its last lines. Stop is SIGTERM, then SIGKILL after a grace period,
 * and works in every live phase, starting included. A runner that has not printed its URL when
 * the start timeout passes is stopped the same way and ends as a failed start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LocalRunnerPhase, RunnerExit } from '../../common/local-runner-contract';
import { portFromLogLine } from './runner-exit';
import { LineSplitter, type OutputBuffer, type OutputStream } from './runner-output-buffer';
import { isRunnerAlive as isAlive, nextRunnerPhase, type RunnerEvent } from './runner-phase';

/** How runners are started and stopped. */
export interface RunnerLaunch {
  /** argv that runs the `coin` CLI (Node and coin.mjs, or the app as Node). */
  coinCommand: readonly string[];
  /** The complete environment of the runner. */
  env: Record<string, string>;
  /** Time between SIGTERM and SIGKILL. */
  stopGraceMs: number;
  /** How long the runner may take to print its URL before the app gives up and stops it. */
  startTimeoutMs: number;
  /** More `coin run` options (--max-agents, --platform-configs, ...). */
  runArgs?: readonly string[];
}

/** A run as plain values. */
export interface RunnerSnapshot {
  phase: LocalRunnerPhase;
  pid: number | null;
  port: number | null;
  since: string;
  exit: RunnerExit | null;
}

const lastLineCount = 20;

// The runners this process started and that still run (pid -> working directory): "this app
// started it" is a fact of the process, whichever service object asks.
const liveRunners = new Map<number, string>();

/** True when `pid` is a runner this app (this process) started and that still runs. */
export function isHostedRunner(pid: number): boolean {
  return liveRunners.has(pid);
}

/** A `coin run` child process for one working directory. */
export class LocalRunnerProcess {
  private phase: LocalRunnerPhase = 'stopped';
  private since = new Date().toISOString();
  private child: ChildProcess | undefined;
  private port: number | null = null;
  private exit: RunnerExit | null = null;
  private stopRequested = false;
  private timedOut = false;
  private killTimer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly workingDir: string,
    private readonly output: OutputBuffer,
    private readonly launch: RunnerLaunch,
  ) {}

  /** The run now. */
  snapshot(): RunnerSnapshot {
    return {
      phase: this.phase,
      pid: this.child?.pid ?? null,
      port: this.port,
      since: this.since,
      exit: this.exit,
    };
  }

  /**
   * Spawn the runner; resolves once it listens or has ended (stopped while starting, refused,
   * crashed, or stopped by the app after the start timeout).
   */
  async start(): Promise<RunnerSnapshot> {
    this.move('start');
    const [command, ...prefix] = this.launch.coinCommand;
    const args = [...prefix, 'run', '--working-dir', this.workingDir, '--port', '0', '--log-format', 'json'];
    // the runner's own watchdog ends a stop that hangs, store closed, before this app's SIGKILL
    args.push(
      '--stop-timeout-seconds',
      String(Math.max(1, Math.floor((this.launch.stopGraceMs * 2) / 3000))),
    );
    this.output.append(`coin admin: starting coin run in ${this.workingDir}`);
    try {
      this.child = spawn(command!, [...args, ...(this.launch.runArgs ?? [])], {
        env: this.launch.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.ended(null, null, `coin admin: could not start ${command}: ${(error as Error).message}`);
      return this.snapshot();
    }
    if (this.child.pid !== undefined) liveRunners.set(this.child.pid, this.workingDir);
    this.follow(this.child);
    this.startTimer = setTimeout(() => this.giveUp(), this.launch.startTimeoutMs);
    await this.until(() => this.phase === 'running' || !isAlive(this.phase));
    return this.snapshot();
  }

  /** SIGTERM, SIGKILL after the grace period (also while starting); resolves once the process has ended. */
  async stop(): Promise<RunnerSnapshot> {
    if (!isAlive(this.phase)) return this.snapshot();
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.move('stop');
      this.terminate();
    }
    await this.until(() => !isAlive(this.phase));
    return this.snapshot();
  }

  /** SIGTERM without waiting: for the app's own exit, when nothing can be awaited any more. */
  terminateNow(): void {
    if (isAlive(this.phase)) this.signal('SIGTERM');
  }

  private follow(child: ChildProcess): void {
    for (const [stream, name] of [
      [child.stdout!, 'stdout'],
      [child.stderr!, 'stderr'],
    ] as const) {
      const lines = new LineSplitter((line) => this.onLine(line, name));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => lines.push(chunk));
      stream.on('end', () => lines.end());
      stream.on('error', () => undefined);
    }
    child.on('error', (error) => {
      // Without a pid the process never existed: no 'exit' follows.
      if (child.pid === undefined)
        this.ended(null, null, `coin admin: could not start the runner: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      // Let the pipes deliver the last lines, but do not wait for descendants holding them open.
      const done = () => this.ended(code, signal);
      const timer = setTimeout(done, 500);
      child.once('close', () => {
        clearTimeout(timer);
        done();
      });
    });
  }

  /** The start timeout passed without the runner listening: stop it, and remember why. */
  private giveUp(): void {
    if (this.phase !== 'starting') return;
    this.timedOut = true;
    const seconds = Math.round(this.launch.startTimeoutMs / 1000);
    this.output.append(`coin admin: the runner did not print its URL within ${seconds} s: stopping it`);
    this.move('stop');
    this.terminate();
  }

  // SIGTERM once, SIGKILL after the grace period: a stop after a give-up does not start another.
  private terminate(): void {
    if (this.killTimer) return;
    this.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), this.launch.stopGraceMs);
  }

  private onLine(line: string, stream: OutputStream): void {
    this.output.append(line, stream);
    const port = portFromLogLine(line);
    if (port !== null && this.port === null) {
      this.port = port;
      if (this.phase === 'starting' || this.phase === 'stopping') this.move('listening');
    }
  }

  private ended(code: number | null, signal: NodeJS.Signals | null, note?: string): void {
    if (this.exit) return;
    if (note) this.output.append(note);
    clearTimeout(this.killTimer);
    clearTimeout(this.startTimer);
    if (this.child?.pid !== undefined) liveRunners.delete(this.child.pid);
    const at = new Date().toISOString();
    const lastLines = this.output.lastMessages(lastLineCount);
    const requested = this.stopRequested;
    this.exit = { code, signal, requested, timedOut: this.timedOut, at, lastLines };
    this.move(this.timedOut && !requested ? 'fail' : 'exit');
  }

  private signal(name: NodeJS.Signals): void {
    try {
      this.child?.kill(name);
    } catch {
      // Already gone: its exit is on the way.
    }
  }

  private move(event: RunnerEvent): void {
    const next = nextRunnerPhase(this.phase, event);
    if (next !== this.phase) this.since = new Date().toISOString();
    this.phase = next;
    for (const wake of this.waiters) wake();
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}
