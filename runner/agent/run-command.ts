/**
 * Runs one command for an agent: its own process group (so a timeout kills the whole tree),
 * output streamed line by line, `maxTimeInSeconds` and `maxTimeBetweenOutput` enforced.
 */
import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { ByteLineSplitter, followBytes } from './output-chunks';
import { busyPollMs, idlePollMs, SpoolFile } from './spool-file';

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
   * With onOutput: the command writes its stdout and stderr into one spool file in this
   * directory instead of pipes, and the agent reads the file's growth (spool-file.ts). The bytes
   * then keep the order the command wrote them in, and are all passed on as 'stdout'.
   */
  spoolDir?: string;
  /**
   * A file the command writes its stdout and stderr into itself (the work item's log, opened for
   * appending: log-file-sink.ts), followed by its size. Takes precedence over onOutput and
   * spoolDir; only for output nothing must be masked in.
   */
  direct?: DirectOutput;
  /**
   * Aborting kills the process tree: at once (the agent is being stopped), or, when the abort's
   * reason is a GracefulStop, with SIGTERM first and SIGKILL after its grace period (a cancel).
   */
  signal?: AbortSignal;
}

/** A file a command writes into directly, and who is told how far it has grown. */
export interface DirectOutput {
  readonly fd: number;
  size(): number;
  /** The file is `size` bytes now (while the command runs). */
  grew(size: number): void;
  /** The command has ended; its output began at byte `from`. */
  ended(from: number): void;
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
  let stopped = false;
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
      if (stopped) return;
      clearTimeout(idle);
      idle = setTimeout(() => fire('maxTimeBetweenOutput', idleLimit), idleLimit * 1000);
    };
    dog.touch();
  }
  dog.stop = () => {
    stopped = true;
    timers.forEach(clearTimeout);
    clearTimeout(idle);
  };
  return dog;
}

/** The command's output streams: pipes followed line by line, or one spool file. */
interface OutputFollowers {
  stdio: ['ignore', 'pipe' | number, 'pipe' | number];
  /** Called once the child exists (its pipes are there; the spool's writer can be closed). */
  attach(child: ReturnType<typeof spawn>, touch: () => void): void;
  /** Called once the command has ended: passes on what is left. */
  finish(): Promise<void>;
  /** The command never started. */
  discard(): void;
}

function pipeFollowers(options: RunCommandOptions): OutputFollowers {
  const splitters: { flush(): void }[] = [];
  return {
    stdio: ['ignore', 'pipe', 'pipe'],
    attach(child, touch) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const pipe = child[stream]!;
        const { onOutput } = options;
        if (onOutput) {
          splitters.push(followBytes(pipe, touch, (bytes) => onOutput(bytes, stream)));
          continue;
        }
        const splitter = new LineSplitter((line) => options.onLine(line, stream));
        pipe.setEncoding('utf8');
        pipe.on('data', (chunk: string) => {
          touch();
          splitter.push(chunk);
        });
        splitters.push(splitter);
      }
    },
    finish() {
      splitters.forEach((s) => s.flush());
      return Promise.resolve();
    },
    discard: () => undefined,
  };
}

function spoolFollowers(spool: SpoolFile, onOutput: (bytes: Buffer) => void): OutputFollowers {
  const splitter = new ByteLineSplitter(onOutput);
  return {
    stdio: ['ignore', spool.writeFd, spool.writeFd],
    attach(_child, touch) {
      spool.closeWriter();
      spool.follow((bytes) => {
        touch();
        splitter.push(bytes);
      });
    },
    async finish() {
      await spool.finish();
      splitter.flush();
      if (spool.error)
        onOutput(Buffer.from(`coin agent: reading the command's output stopped: ${spool.error.message}\n`));
    },
    discard: () => spool.discard(),
  };
}

/**
 * The command writes into `direct` itself; its growth is watched at the spool file's pace (for the
 * watchdog and the size).
 */
function directFollowers(direct: DirectOutput): OutputFollowers {
  const from = direct.size();
  let seen = from;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const look = (touch: () => void, delay: number) => {
    timer = setTimeout(() => {
      if (stopped) return;
      const size = fstatSync(direct.fd).size;
      const grown = size > seen;
      if (grown) {
        seen = size;
        touch();
        direct.grew(size);
      }
      look(touch, grown ? busyPollMs : Math.min(delay * 2, idlePollMs));
    }, delay);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return {
    stdio: ['ignore', direct.fd, direct.fd],
    attach: (_child, touch) => look(touch, busyPollMs),
    finish() {
      stop();
      direct.ended(from);
      return Promise.resolve();
    },
    discard: stop,
  };
}

/** Run the command to its end; never rejects. */
export function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const [file, ...args] = options.argv;
    if (!file) return resolve({ kind: 'spawn-failed', message: 'empty command' });
    let followers: OutputFollowers;
    const { onOutput, spoolDir, direct } = options;
    try {
      followers = direct
        ? directFollowers(direct)
        : onOutput && spoolDir
          ? spoolFollowers(new SpoolFile(spoolDir), (bytes) => onOutput(bytes, 'stdout'))
          : pipeFollowers(options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return resolve({ kind: 'spawn-failed', message: `its output file could not be made: ${message}` });
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: followers.stdio,
    });
    const kill = () => child.pid !== undefined && killGroup(child.pid);
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const dog = startWatchdog(options, kill);
    followers.attach(child, () => dog.touch());
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
    child.on('error', (error) => {
      dog.stop();
      followers.discard();
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
      void followers.finish().then(() => {
        if (dog.fired) resolve(dog.fired);
        else if (aborted) resolve({ kind: 'aborted' });
        else if (signal) resolve({ kind: 'signalled', signal });
        else resolve({ kind: 'exited', exitCode: code ?? 1 });
      });
    });
  });
}
