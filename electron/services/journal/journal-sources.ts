/**
 * Where the journal of an instance comes from, and how to resume it: journald (resumed after the
 * last cursor) or the `coin service` log file (resumed after the last whole line, in the file it
 * was read from, across rotations).
 */
import type { Host } from '../host/host';
import { serviceFiles } from '../../../runner/node/service/service-files';
import { parseJournalJson, parseServiceLogLine, type ParsedEntry } from './journal-parsers';

/** What a source runs next. */
export interface SourceCommand {
  argv: readonly string[];
  /** The cursor at the start of its output. */
  cursor: string | null;
  /** A warning to show once as an entry before the output (e.g. a weaker fallback in use). */
  notice?: string;
}

/** A follow-able source of entries. */
export interface JournalSource {
  /** For messages: what is followed. */
  readonly description: string;
  /**
   * The command that streams entries after `cursor` (null: start with the recent backlog), and
   * the cursor at the start of its output.
   */
  command(cursor: string | null): Promise<SourceCommand>;
  /**
   * Told how each run of the command ended (not when it was stopped); true when the source now
   * has another command to try at once (a fallback), instead of reporting a failure.
   */
  ended?(exit: { code: number | null; signal: string | null }, stderr: string): boolean;
  /**
   * One complete line, and the cursor before it. Returns the entry (or null for lines that are
   * not entries) and the cursor after the line.
   */
  parse(line: Buffer, cursorBefore: string | null): { entry: ParsedEntry | null; cursor: string | null };
}

/** How many entries a first connection shows from before "now". */
export const defaultBacklog = 1000;

/** `journalctl --user -u coin -o json -f`, resumed with --after-cursor. */
export function journaldSource(
  backlog = defaultBacklog,
  journalctl: readonly string[] = ['journalctl'],
): JournalSource {
  return {
    description: 'journalctl --user -u coin',
    async command(cursor) {
      const base = [...journalctl, '--user', '-u', 'coin', '-o', 'json', '--no-pager', '-f'];
      const argv = cursor === null ? [...base, '-n', String(backlog)] : [...base, `--after-cursor=${cursor}`];
      return { argv, cursor };
    },
    parse(line, cursorBefore) {
      const parsed = parseJournalJson(line.toString('utf8'));
      return parsed ? { entry: parsed.entry, cursor: parsed.cursor } : { entry: null, cursor: cursorBefore };
    },
  };
}

/** The byte offset of the start of the backlog: about `bytes` before the end, 0 for a short file. */
export function backlogStart(size: number, bytes: number): number {
  return Math.max(0, size - bytes);
}

/** The `coin service` whose log is followed: the `coin` CLI on the host and the working directory. */
export interface CoinLogTarget {
  /** argv of the `coin` CLI on the host, e.g. ['node', '/srv/coin/runner/cli/coin.mjs']. */
  coinCommand: readonly string[];
  workingDir: string;
}

interface CoinLogRecord {
  cursor?: unknown;
  line?: unknown;
  notice?: unknown;
  time?: unknown;
}

/**
 * The `coin service` log (DIR/service/coin.log), read on the host by
 * `coin service logs --follow --json [--after CURSOR | -n BACKLOG]`: one JSON record per line,
 * each with its cursor. The cursor names the file (device, inode, a hash of its first bytes) and
 * the offset after the line (runner/node/service/log-follower.ts), so resuming after a reconnect
 * is exact across rotations: the rest of coin.log.1 then the new coin.log, or, when the file of the
 * cursor is gone (rotated twice while disconnected), one warning that lines may be missing.
 *
 * The reading is done by our own CLI next to the file rather than by `tail -F`, whose output does
 * not say when it switched files, so no offset counted here could tell which file it is in.
 * A Coin on the host older than this (its `service logs` has no --json) is followed with the
 * former `tail -F` source, with one warning that a rotation can repeat or lose lines.
 */
export function serviceLogSource(host: Host, target: CoinLogTarget, backlog = defaultBacklog): JournalSource {
  const logFile = serviceFiles(target.workingDir).logFile;
  const tail = tailLogSource(host, logFile);
  let legacy = false;
  let warned = false;
  return {
    get description() {
      return legacy ? tail.description : `coin service logs -f ${logFile}`;
    },
    async command(cursor) {
      if (legacy) {
        // A cursor of the new kind means nothing to tail: start again with its backlog.
        const command = await tail.command(cursor !== null && /^\d+$/.test(cursor) ? cursor : null);
        if (warned) return command;
        warned = true;
        return {
          ...command,
          notice: `the Coin on ${host.description} cannot follow its log by cursor (its coin service logs has no --json): following with tail -F; around a log rotation lines may be repeated or missing`,
        };
      }
      const base = [...target.coinCommand, 'service', 'logs', '--working-dir', target.workingDir];
      const from = cursor === null ? ['-n', String(backlog)] : ['--after', cursor];
      return { argv: [...base, '--follow', '--json', ...from], cursor };
    },
    ended(exit, stderr) {
      if (legacy || exit.code !== 2 || !/unknown option '--(json|after)'/.test(stderr)) return false;
      legacy = true;
      return true;
    },
    parse(line, cursorBefore) {
      if (legacy) return tail.parse(line, cursorBefore);
      let record: CoinLogRecord;
      try {
        record = JSON.parse(line.toString('utf8')) as CoinLogRecord;
      } catch {
        // Not a record (a warning of node on stdout?): shown as it is, the cursor unchanged.
        const text = line.toString('utf8').trim();
        return { entry: text === '' ? null : parseServiceLogLine(text), cursor: cursorBefore };
      }
      const cursor = typeof record.cursor === 'string' ? record.cursor : cursorBefore;
      if (typeof record.line === 'string') {
        const text = record.line.replace(/\r$/, '');
        return { entry: text === '' ? null : parseServiceLogLine(text), cursor };
      }
      if (typeof record.notice === 'string') {
        const time = typeof record.time === 'number' ? record.time : null;
        return { entry: { time, level: 'warning', message: record.notice, pid: null }, cursor };
      }
      return { entry: null, cursor };
    },
  };
}

/**
 * The log file with `tail -c +N -F`; the cursor is the byte offset after the last whole line. A
 * first start begins about `backlogBytes` before the end and skips the first, cut line. Only for
 * a Coin on the host too old for `coin service logs --json`: after tail switches to a rotated-in
 * file the offsets go on counting from the old one, so a reconnect resumes at a wrong place.
 */
export function tailLogSource(host: Host, file: string, backlogBytes = 256 * 1024): JournalSource {
  let skipFirstLine = false;
  return {
    description: `tail -F ${file}`,
    async command(cursor) {
      let start = cursor === null ? 0 : Number(cursor);
      if (cursor === null) {
        const size = await host
          .run(['wc', '-c', file])
          .then((r) => (r.code === 0 ? parseInt(r.stdout, 10) : 0));
        start = backlogStart(Number.isFinite(size) ? size : 0, backlogBytes);
        skipFirstLine = start > 0;
      }
      return { argv: ['tail', '-c', `+${start + 1}`, '-F', file], cursor: String(start) };
    },
    parse(line, cursorBefore) {
      const cursor = String(Number(cursorBefore ?? 0) + line.length + 1);
      if (skipFirstLine) {
        skipFirstLine = false;
        return { entry: null, cursor };
      }
      const text = line.toString('utf8').replace(/\r$/, '');
      return { entry: text === '' ? null : parseServiceLogLine(text), cursor };
    },
  };
}
