/**
 * The last hour of an instance's journal, read once (not followed), for the daily check: journald
 * (`journalctl --user -u coin -S "1 hour ago" -o json`) where systemd runs Coin, else the end of
 * the `coin service` log (DIR/service/coin.log, and coin.log.1 when coin.log does not reach back
 * an hour) filtered by the times of Coin's JSON lines. A watch that reads the same log again and
 * again (the post-update watch, every 30 s) uses a ServiceLogReader: after its first read it
 * fetches only what coin.log grew by, while coin.log is the same file.
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

/** Where a read of coin.log stopped: the file (inode) and the byte after the last whole line read. */
export interface LogPosition {
  inode: string;
  offset: number;
}

/** A service log window with where its reading of coin.log stopped (null: coin.log missing). */
export interface PositionedWindow extends JournalWindow {
  position: LogPosition | null;
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
  /** Leave out a last line without newline (a reader that goes on from `position` reads it later). */
  options: { wholeLines?: boolean } = {},
): Promise<PositionedWindow> {
  const logFile = path.posix.join(workingDir, 'service', 'coin.log');
  const notes: string[] = [];
  const current = await readLogFrom(host, logFile, null);
  const whole = current ? wholeLinesOf(current.text) : '';
  const read = options.wholeLines ? whole : (current?.text ?? '');
  const recent = current ? logEntriesSince(read, current.start > 0, since) : null;
  let entries = recent?.entries ?? [];
  if (current && current.start > 0 && (recent?.oldest ?? Infinity) > since)
    notes.push(
      `only the last ${logTailBytes / 1024 ** 2} MiB of ${logFile} were read: older lines of the hour are not included`,
    );
  if (!current || (current.start === 0 && (recent?.oldest ?? Infinity) > since)) {
    // coin.log starts within the hour (or is missing): the hour began in the rotated file.
    const previous = await readLogFrom(host, `${logFile}.1`, null);
    if (previous)
      entries = [...logEntriesSince(previous.text, previous.start > 0, since).entries, ...entries];
  }
  if (!current) notes.push(`${logFile} does not exist: the instance has not run as a coin service yet`);
  const position = current
    ? { inode: current.inode, offset: current.start + Buffer.byteLength(whole, 'utf8') }
    : null;
  return { source: logFile, entries, notes, position };
}

/** `text` up to and with its last newline (a last line without one is still being written). */
function wholeLinesOf(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

/** What one read of a log file fetched: which file, its size then, and the text from `start`. */
interface LogRead {
  inode: string;
  size: number;
  start: number;
  text: string;
}

/**
 * At most logTailBytes of `file` from byte `start`, or, with start null, its end (the last
 * logTailBytes). Null when the file does not exist. One command: the file's inode and size (which
 * file it is, whether it shrank), then the bytes. `stat -c` is GNU's (a Linux master), `-f` BSD's.
 */
async function readLogFrom(host: Host, file: string, start: number | null): Promise<LogRead | null> {
  const script = [
    'test -e "$1" || exit 3',
    `meta=$(stat -c '%i %s' "$1" 2>/dev/null || stat -f '%i %z' "$1")`,
    'size=${meta#* }',
    'if [ "$2" = end ]; then start=$(( size > $3 ? size - $3 : 0 )); else start=$2; fi',
    'echo "$meta $start"',
    '[ "$start" -le "$size" ] || exit 0',
    'tail -c +$((start + 1)) "$1" | head -c "$3"',
  ].join('\n');
  const from = start === null ? 'end' : String(start);
  const result = await host.run(['sh', '-c', script, 'sh', file, from, String(logTailBytes)], {
    timeoutMs: 60_000,
  });
  if (result.code === 3) return null;
  if (result.code !== 0)
    throw new Error(
      `reading ${file} on ${host.description} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  const newline = result.stdout.indexOf('\n');
  const [inode = '', size = '', begin = ''] = result.stdout.slice(0, newline).trim().split(' ');
  return { inode, size: Number(size), start: Number(begin), text: result.stdout.slice(newline + 1) };
}

/**
 * The `coin service` log's entries since `since`, read again and again at low cost: the first
 * read() reads the window (serviceLogWindow: the end of coin.log, coin.log.1 when needed); later
 * ones fetch only what coin.log grew by since (at most logTailBytes per read; more is left for the
 * next), as long as coin.log is the file it was (same inode) and did not shrink. After a rotation
 * (or a truncation, or a removal) the window is read again. Only entries `keep` accepts are kept.
 */
export class ServiceLogReader {
  private position: LogPosition | null = null;
  private kept: WindowEntry[] = [];
  private notes: string[] = [];
  private lastTime: number | null = null;
  /** Bytes of coin.log the last read() fetched from where it stopped; -1 when it read the window. */
  lastReadBytes = 0;

  constructor(
    private readonly since: number,
    private readonly keep: (entry: WindowEntry) => boolean = () => true,
  ) {}

  async read(host: Host, workingDir: string): Promise<JournalWindow> {
    const logFile = path.posix.join(workingDir, 'service', 'coin.log');
    const at = this.position;
    const grown = at ? await readLogFrom(host, logFile, at.offset) : null;
    if (at && grown && grown.inode === at.inode && grown.size >= at.offset) {
      const whole = wholeLinesOf(grown.text);
      this.lastReadBytes = Buffer.byteLength(grown.text, 'utf8');
      const { entries } = logEntriesSince(whole, false, this.since, this.lastTime);
      this.remember(entries);
      // A line longer than a whole read would hold the reader in place: its first part is skipped.
      const fetched = this.lastReadBytes;
      at.offset += whole === '' && fetched >= logTailBytes ? fetched : Buffer.byteLength(whole, 'utf8');
      return { source: logFile, entries: this.kept, notes: this.notes };
    }
    const window = await serviceLogWindow(host, workingDir, this.since, { wholeLines: true });
    this.lastReadBytes = -1;
    this.kept = [];
    this.remember(window.entries);
    this.notes = window.notes;
    this.position = window.position;
    return { source: window.source, entries: this.kept, notes: this.notes };
  }

  private remember(entries: readonly WindowEntry[]): void {
    for (const entry of entries) {
      if (entry.time !== null) this.lastTime = entry.time;
      if (this.keep(entry)) this.kept.push(entry);
    }
  }
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
  /** The time of the line before `text` (a read that goes on where another stopped). */
  before: number | null = null,
): { entries: WindowEntry[]; oldest: number } {
  const lines = text.split('\n');
  if (truncated) lines.shift();
  const parsed = lines
    .filter((line) => line.trim() !== '')
    .map((line) => parseServiceLogLine(line.replace(/\r$/, '')));
  const firstTime = parsed.find((e) => e.time !== null)?.time ?? null;
  let last = before ?? firstTime;
  const timed = parsed.map((entry) => {
    if (entry.time !== null) last = entry.time;
    return { time: entry.time ?? last, level: entry.level, message: entry.message };
  });
  return {
    entries: timed.filter((e) => e.time !== null && e.time >= since),
    oldest: firstTime ?? Infinity,
  };
}
