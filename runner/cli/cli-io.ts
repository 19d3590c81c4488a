/** What a CLI command may do to the outside: print, set the exit code, raise a usage error. */

/** Exit codes of every `coin` command. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Write to stderr as it is (no newline added): a status line that is redrawn in place. */
  errRaw?(text: string): void;
  /** True when a person watches: stdout and stderr are both terminals (absent: not). */
  readonly terminal?: boolean;
  setExitCode(code: number): void;
  usageError(message: string): UsageError;
}

/** CliIo on the process' own streams; the exit code is collected in `state`. */
export function processIo(state: { exitCode: number }): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    errRaw: (text) => process.stderr.write(text),
    terminal: process.stdout.isTTY === true && process.stderr.isTTY === true,
    setExitCode: (code) => {
      state.exitCode = code;
    },
    usageError: (message) => new UsageError(message),
  };
}
