/**
 * Runs one command for an agent: its own process group (so a timeout kills the whole tree),
 * output streamed line by line, `maxTimeInSeconds` and `maxTimeBetweenOutput` enforced.
 */
import { spawn } from 'node:child_process';
import { followBytes } from './output-chunks';

export interface RunCommandOptions {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Kill the command when it runs longer than this (seconds; 0 or undefined: no limit). */
  maxTimeInSeconds?: number;
  /** Kill the command when it prints nothing for this long (seconds; 0 or undefined: no limit). */
  maxTimeBetweenOutput?: number;
  /** Called for every complete output line (stdout and stderr interleaved as they arrive). */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  /**
   * When given, called instead of onLine with the raw bytes of runs of complete lines (the fast
   * path of the log: output-chunks.ts); a last line without a newline gets one.
   */
  onOutput?(bytes: Buffer, stream: 'stdout' | 'stderr'): void;
  /**
   * Aborting kills the process tree: at once (the agent is being stopped), or, when the abort's
   * reason is a GracefulStop, with SIGTERM first and SIGKILL after its grace period (a cancel).
   */
  signal?: AbortSignal;
}

/** The reason of an abort that gives the command a grace period between SIGTERM and SIGKILL. */
export class GracefulStop extends Error {
  constructor(readonly graceMs: number) {
    super('the work item was cancelled');
  }
}

/** Process groups of the commands running now: the agent kills them all when it is stopped. */
const liveGroups = new Set<number>();

/** SIGKILL every running command's process group (the agent is exiting). */
export function killAllCommands(): void {
  for (const pid of liveGroups) killGroup(pid);
}

export type CommandOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'signalled'; signal: string }
  | { kind: 'timeout'; limit: 'maxTimeInSeconds' | 'maxTimeBetweenOutput'; seconds: number }
  | { kind: 'aborted' }
  | { kind: 'spawn-failed'; message: string };

/** Splits a byte stream into lines, keeping a trailing partial line until the next chunk. */
export class LineSplitter {
  private rest = '';
  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const line of parts) this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  flush(): void {
    if (this.rest !== '') this.emit(this.rest);
    this.rest = '';
  }
}

/** Kill a process group, ignoring one that is already gone. */
export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already exited
  }
}

interface Watchdog {
  fired?: CommandOutcome;
  touch(): void;
  stop(): void;
}

function startWatchdog(options: RunCommandOptions, kill: () => void): Watchdog {
  const dog: Watchdog = { touch: () => undefined, stop: () => undefined };
  const timers: NodeJS.Timeout[] = [];
  const fire = (limit: 'maxTimeInSeconds' | 'maxTimeBetweenOutput', seconds: number) => {
    dog.fired ??= { kind: 'timeout', limit, seconds };
    kill();
  };
  if (options.maxTimeInSeconds && options.maxTimeInSeconds > 0) {
    timers.push(
      setTimeout(() => fire('maxTimeInSeconds', options.maxTimeInSeconds!), options.maxTimeInSeconds * 1000),
    );
  }
  let idle: NodeJS.Timeout | undefined;
  const idleLimit = options.maxTimeBetweenOutput;
  if (idleLimit && idleLimit > 0) {
    dog.touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fire('maxTimeBetweenOutput', idleLimit), idleLimit * 1000);
    };
    dog.touch();
  }
  dog.stop = () => {
    timers.forEach(clearTimeout);
    clearTimeout(idle);
  };
  return dog;
}

/** Run the command to its end; never rejects. */
export function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const [file, ...args] = options.argv;
    if (!file) return resolve({ kind: 'spawn-failed', message: 'empty command' });
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = () => child.pid !== undefined && killGroup(child.pid);
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const dog = startWatchdog(options, kill);
    let aborted = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      const reason: unknown = options.signal?.reason;
      if (!(reason instanceof GracefulStop) || child.pid === undefined) return kill();
      killGroup(child.pid, 'SIGTERM');
      graceTimer = setTimeout(kill, reason.graceMs);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const splitters = (['stdout', 'stderr'] as const).map((stream) => {
      const { onOutput } = options;
      if (onOutput)
        return followBytes(
          child[stream],
          () => dog.touch(),
          (bytes) => onOutput(bytes, stream),
        );
      const splitter = new LineSplitter((line) => options.onLine(line, stream));
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        dog.touch();
        splitter.push(chunk);
      });
      return splitter;
    });
    child.on('error', (error) => {
      dog.stop();
      resolve({ kind: 'spawn-failed', message: error.message });
    });
    // Whatever the command left running in its group goes with it; that also closes the pipes
    // a background grandchild would otherwise hold open.
    child.on('exit', kill);
    child.on('close', (code, signal) => {
      dog.stop();
      clearTimeout(graceTimer);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      options.signal?.removeEventListener('abort', onAbort);
      splitters.forEach((s) => s.flush());
      if (dog.fired) resolve(dog.fired);
      else if (aborted) resolve({ kind: 'aborted' });
      else if (signal) resolve({ kind: 'signalled', signal });
      else resolve({ kind: 'exited', exitCode: code ?? 1 });
    });
  });
}
