/**
 * Where the journal of an instance comes from, and how to resume it: journald (resumed after the
 * last cursor) or the `coin service` log file (resumed at the byte after the last whole line).
 */
import type { Host } from '../host/host';
import { parseJournalJson, parseServiceLogLine, type ParsedEntry } from './journal-parsers';

/** A follow-able source of entries. */
export interface JournalSource {
  /** For messages: what is followed. */
  readonly description: string;
  /**
   * The command that streams entries after `cursor` (null: start with the recent backlog), and
   * the cursor at the start of its output.
   */
  command(cursor: string | null): Promise<{ argv: readonly string[]; cursor: string | null }>;
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

/**
 * The `coin service` log (DIR/service/coin.log) with `tail -c +N -F`; the cursor is the byte
 * offset after the last whole line. A first start begins about `backlogBytes` before the end and
 * skips the first, cut line. After a rotation tail follows the new file from its beginning.
 */
export function serviceLogSource(host: Host, file: string, backlogBytes = 256 * 1024): JournalSource {
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
