/**
 * The last hour of an instance's journal, read once (not followed), for the daily check: journald
 * (`journalctl --user -u coin -S "1 hour ago" -o json`) where systemd runs Coin, else the end of
 * the `coin service` log (DIR/service/coin.log, and coin.log.1 when coin.log does not reach back
 * an hour) filtered by the times of Coin's JSON lines.
 */
import path from 'node:path';
import type { Host } from '../host/host';
import { parseJournalJson, parseServiceLogLine } from '../journal/journal-parsers';
import type { WindowEntry } from './check-decisions';

/** How far back the check looks. */
export const windowMs = 3600_000;
/** How much of the end of each log file is read (the hour of a busy instance may be more: a note says so). */
export const logTailBytes = 8 * 1024 * 1024;

/** The entries of the window, where they come from, and anything the reader should know. */
export interface JournalWindow {
  source: string;
  entries: WindowEntry[];
  notes: string[];
}

/** journald's entries of the last hour on `host`. */
export async function journaldWindow(host: Host): Promise<JournalWindow> {
  const argv = ['journalctl', '--user', '-u', 'coin', '-S', '1 hour ago', '-o', 'json', '--no-pager', '-q'];
  const result = await host.run(argv, { timeoutMs: 60_000 });
  if (result.code !== 0)
    throw new Error(
      `journalctl on ${host.description} failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
    );
  const entries = result.stdout.split('\n').flatMap((line) => {
    const parsed = line.trim() ? parseJournalJson(line) : undefined;
    return parsed ? [parsed.entry] : [];
  });
  return { source: 'journalctl --user -u coin', entries, notes: [] };
}

/** The `coin service` log's entries since `since` (ms) on `host`. */
export async function serviceLogWindow(
  host: Host,
  workingDir: string,
  since: number,
): Promise<JournalWindow> {
  const logFile = path.posix.join(workingDir, 'service', 'coin.log');
  const notes: string[] = [];
  const current = await readTail(host, logFile);
  const recent = current ? logEntriesSince(current.text, current.truncated, since) : null;
  let entries = recent?.entries ?? [];
  if (current?.truncated && (recent?.oldest ?? Infinity) > since)
    notes.push(
      `only the last ${logTailBytes / 1024 ** 2} MiB of ${logFile} were read: older lines of the hour are not included`,
    );
  if (!current || (!current.truncated && (recent?.oldest ?? Infinity) > since)) {
    // coin.log starts within the hour (or is missing): the hour began in the rotated file.
    const previous = await readTail(host, `${logFile}.1`);
    if (previous)
      entries = [...logEntriesSince(previous.text, previous.truncated, since).entries, ...entries];
  }
  if (!current) notes.push(`${logFile} does not exist: the instance has not run as a coin service yet`);
  return { source: logFile, entries, notes };
}

/** The end of a file (at most logTailBytes), or null when it does not exist. */
async function readTail(host: Host, file: string): Promise<{ text: string; truncated: boolean } | null> {
  // One command: the size (to know whether the tail is all of it), then the tail.
  const script = 'test -e "$1" || exit 3; wc -c < "$1"; tail -c "$2" "$1"';
  const result = await host.run(['sh', '-c', script, 'sh', file, String(logTailBytes)], {
    timeoutMs: 60_000,
  });
  if (result.code === 3) return null;
  if (result.code !== 0)
    throw new Error(
      `reading ${file} on ${host.description} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  const newline = result.stdout.indexOf('\n');
  const size = Number(result.stdout.slice(0, newline).trim());
  return { text: result.stdout.slice(newline + 1), truncated: size > logTailBytes };
}

/**
 * The lines of a `coin service` log since `since`, each with a time: Coin's JSON lines carry
 * theirs; a plain line (a stack trace, a crash message) gets the time of the line before it (or,
 * at the start, of the first line with one). A `truncated` text starts in the middle of a line,
 * which is skipped. `oldest`: the earliest time in the text (Infinity when none).
 */
export function logEntriesSince(
  text: string,
  truncated: boolean,
  since: number,
): { entries: WindowEntry[]; oldest: number } {
  const lines = text.split('\n');
  if (truncated) lines.shift();
  const parsed = lines
    .filter((line) => line.trim() !== '')
    .map((line) => parseServiceLogLine(line.replace(/\r$/, '')));
  const firstTime = parsed.find((e) => e.time !== null)?.time ?? null;
  let last = firstTime;
  const timed = parsed.map((entry) => {
    if (entry.time !== null) last = entry.time;
    return { time: entry.time ?? last, level: entry.level, message: entry.message };
  });
  return {
    entries: timed.filter((e) => e.time !== null && e.time >= since),
    oldest: firstTime ?? Infinity,
  };
}
