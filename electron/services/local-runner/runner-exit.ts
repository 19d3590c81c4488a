/**
 * What a local runner's output and exit mean, as plain functions: the port in its "Coin is
 * running" log line, and a sentence for people about why it ended.
 */
import type { RunnerExit } from '../../common/local-runner-contract';

/** The port `coin run --log-format json` announces once it listens, or null for any other line. */
export function portFromLogLine(line: string): number | null {
  if (!line.startsWith('{') || !line.includes('Coin is running at')) return null;
  try {
    const value = JSON.parse(line) as { port?: unknown };
    return typeof value.port === 'number' && Number.isInteger(value.port) ? value.port : null;
  } catch {
    return null;
  }
}

const lockedPattern = /another Coin instance \(pid (\d+)[^)]*\) is running in (.+?);/;

/** The pid of the instance that holds the directory, when the runner refused to start because of it. */
export function lockHolderOf(lines: readonly string[]): number | null {
  for (const line of lines) {
    const match = lockedPattern.exec(line);
    if (match) return Number(match[1]);
  }
  return null;
}

const errorLine = /^(coin: |\w*(Error|Exception)\b)/;

/** The line that says what went wrong: the last error line (not the stack under it), else the last line. */
export function lastWordsOf(lines: readonly string[]): string | undefined {
  const text = lines.map((line) => line.trim()).filter((line) => line !== '');
  return text.findLast((line) => errorLine.test(line)) ?? text.at(-1);
}

function howItEnded(exit: RunnerExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

/** Why a runner ended, for people; null when it stopped because it was asked to and cleanly. */
export function exitProblem(exit: RunnerExit, workingDir: string, startTimeoutMs: number): string | null {
  if (exit.timedOut) {
    const seconds = Math.round(startTimeoutMs / 1000);
    return `The runner did not start within ${seconds} s (it never printed its URL), so the app stopped it: see its output below, fix the cause, then start it again.`;
  }
  const holder = lockHolderOf(exit.lastLines);
  if (holder !== null)
    return `Another Coin instance (pid ${holder}) already runs in ${workingDir}: stop it first, or choose another directory.`;
  if (exit.requested && (exit.code === 0 || exit.signal === 'SIGTERM')) return null;
  if (exit.requested) return `The runner did not stop in time and ${howItEnded(exit)}.`;
  // An exit code comes with the runner's own last words; a signal came from outside it.
  const last = exit.signal ? undefined : lastWordsOf(exit.lastLines);
  return `The runner ${howItEnded(exit)}${last ? `: ${last}` : '.'}`;
}
