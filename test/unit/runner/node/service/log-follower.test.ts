// The service log read by cursor: real files, real rotations (coin.log renamed to coin.log.1 and a
// new coin.log started, as `coin service start` does), every line exactly once and in order.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  followLog,
  formatLogCursor,
  parseLogCursor,
  startOfLastLines,
  type LogCursor,
  type LogRecord,
} from '../../../../../runner/node/service/log-follower';
import { serviceFiles, type ServiceFiles } from '../../../../../runner/node/service/service-files';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let files: ServiceFiles;

beforeEach(async () => {
  dir = await makeTempDir('log-follower-');
  files = serviceFiles(dir.path);
  fs.mkdirSync(files.dir);
});
afterEach(async () => {
  await dir.remove();
});

/** What followLog gives now, without following: lines as text, notices as `! text`. */
async function readFrom(after: string | null, initialLines = Infinity): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  await followLog({
    files,
    after: after === null ? null : parseLogCursor(after)!,
    initialLines,
    follow: false,
    onRecords: (batch) => records.push(...batch),
  });
  return records;
}

function texts(records: readonly LogRecord[]): string[] {
  return records.flatMap((r) =>
    r.line !== undefined ? [r.line.toString()] : r.notice !== undefined ? [`! ${r.notice}`] : [],
  );
}

function lastCursor(records: readonly LogRecord[]): string {
  return records.at(-1)!.cursor;
}

function append(file: string, ...lines: string[]): void {
  fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

/** What service-daemon's rotateLog and the start after it do. */
function rotate(firstLine: string): void {
  fs.renameSync(files.logFile, files.previousLogFile);
  append(files.logFile, firstLine);
}

const numbered = (from: number, to: number, prefix = 'line') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);

describe('startOfLastLines', () => {
  function start(content: string, count: number, maxBytes?: number): number {
    fs.writeFileSync(files.logFile, content);
    const fd = fs.openSync(files.logFile, 'r');
    try {
      return startOfLastLines(fd, Buffer.byteLength(content), count, maxBytes);
    } finally {
      fs.closeSync(fd);
    }
  }
  test('counts whole lines back from the end, an unfinished last one included', () => {
    expect(start('a\nbb\nccc\n', 2)).toBe(2);
    expect(start('a\nbb\nccc\n', 3)).toBe(0);
    expect(start('a\nbb\nccc\n', 10)).toBe(0);
    expect(start('a\nbb\nccc\n', 0)).toBe(9);
    expect(start('a\nbb\ncc', 1)).toBe(5);
    expect(start('a\nbb\ncc', 2)).toBe(2);
    expect(start('\n\n', 1)).toBe(1);
    expect(start('', 5)).toBe(0);
    expect(start('a\nbb\n', Infinity)).toBe(0);
  });
  test('within the last maxBytes, leaving out the line the window cuts', () => {
    expect(start('aaaa\nbb\ncc\n', 10, 8)).toBe(5);
    expect(start('aaaa\nbb\ncc\n', 1, 8)).toBe(8);
    expect(start('aaaaaaaaaa', 3, 4)).toBe(10);
  });
});

describe('cursors', () => {
  test('text form and back; anything else is not a cursor', () => {
    const cursor: LogCursor = {
      dev: 64769n,
      ino: 18446744073709551615n,
      offset: 1234,
      head: '0123456789abcdef',
    };
    const text = formatLogCursor(cursor);
    expect(text).toBe('f1:64769:18446744073709551615:1234:0123456789abcdef');
    expect(parseLogCursor(text)).toEqual(cursor);
    for (const bad of [
      '1234',
      'f1:1:2:3',
      'f1:1:2:3:XYZ',
      'f2:1:2:3:0123456789abcdef',
      'f1:1:2:99999999999999999:0123456789abcdef',
    ])
      expect(parseLogCursor(bad)).toBeUndefined();
  });
});

describe('resuming from a cursor', () => {
  test('nothing rotated: exactly the lines appended since', async () => {
    append(files.logFile, ...numbered(1, 30));
    const first = await readFrom(null, 5);
    expect(texts(first)).toEqual(numbered(26, 30));
    // The first record only says where the backlog starts.
    expect(first[0]).toEqual({ cursor: expect.stringMatching(/^f1:/) });
    append(files.logFile, ...numbered(31, 40));
    const next = await readFrom(lastCursor(first));
    expect(texts(next)).toEqual(numbered(31, 40));
    expect(texts(await readFrom(lastCursor(next)))).toEqual([]);
    // Every cursor resumes right after its own line.
    for (const [i, record] of next.entries())
      expect(texts(await readFrom(record.cursor))).toEqual(numbered(32 + i, 40));
  });

  test('rotated once: the rest of coin.log.1 from the cursor, then the new coin.log from its start', async () => {
    append(files.logFile, ...numbered(1, 10));
    const cursor = lastCursor(await readFrom(null));
    append(files.logFile, ...numbered(11, 20));
    fs.appendFileSync(files.logFile, 'line 21 without newline');
    rotate('line 22');
    append(files.logFile, ...numbered(23, 30));
    const records = await readFrom(cursor);
    expect(texts(records)).toEqual([...numbered(11, 20), 'line 21 without newline', ...numbered(22, 30)]);
    // The cursors name the new file once it is read: resuming from them needs no coin.log.1.
    fs.rmSync(files.previousLogFile);
    append(files.logFile, 'line 31');
    expect(texts(await readFrom(lastCursor(records)))).toEqual(['line 31']);
  });

  test('a cursor at the very end of the rotated file goes on with the new one', async () => {
    append(files.logFile, ...numbered(1, 3));
    const cursor = lastCursor(await readFrom(null));
    rotate('line 4');
    expect(texts(await readFrom(cursor))).toEqual(['line 4']);
  });

  test('rotated twice: one notice that lines may be missing, then the new coin.log, nothing repeated', async () => {
    append(files.logFile, ...numbered(1, 10));
    const cursor = lastCursor(await readFrom(null));
    append(files.logFile, 'line 11 (lost: its file is gone)');
    rotate('second file');
    rotate('third file');
    append(files.logFile, 'line 12');
    const records = await readFrom(cursor);
    expect(texts(records)).toEqual([
      expect.stringMatching(/^! lines may be missing here: .*rotated more than once/),
      'third file',
      'line 12',
    ]);
    append(files.logFile, 'line 13');
    expect(texts(await readFrom(lastCursor(records)))).toEqual(['line 13']);
  });

  test('a cursor naming the inode of another file (a reused inode number) is not taken for it', async () => {
    append(files.logFile, 'first file starts here', ...numbered(1, 10));
    const old = parseLogCursor(lastCursor(await readFrom(null)))!;
    fs.rmSync(files.logFile);
    append(files.logFile, 'second file starts otherwise', ...numbered(100, 110));
    const stat = fs.statSync(files.logFile, { bigint: true });
    // What a reused inode looks like: same device and inode, the old file's offset and head.
    const reused = formatLogCursor({ ...old, dev: stat.dev, ino: stat.ino });
    expect(texts(await readFrom(reused))).toEqual([
      expect.stringMatching(/^! lines may be missing here: /),
      'second file starts otherwise',
      ...numbered(100, 110),
    ]);
  });

  test('a log truncated in place is read again from its start, with a notice', async () => {
    append(files.logFile, ...numbered(1, 10));
    const cursor = lastCursor(await readFrom(null));
    fs.truncateSync(files.logFile, 0);
    append(files.logFile, 'after truncation');
    expect(texts(await readFrom(cursor))).toEqual([
      expect.stringMatching(/^! lines may be missing here: /),
      'after truncation',
    ]);
  });

  test('lines are bytes: a multi-byte character and an empty line keep their offsets', async () => {
    append(files.logFile, 'caf\u00e9', '', '\u2603 snow');
    const records = await readFrom(null);
    expect(texts(records)).toEqual(['caf\u00e9', '', '\u2603 snow']);
    expect(records.map((r) => parseLogCursor(r.cursor)!.offset)).toEqual([0, 6, 7, 16]);
  });
});

describe('following live', () => {
  /**
   * Follows from `after` until stop() (a connection that drops), collecting records; resolves
   * with them once stopped.
   */
  function follow(after: string | null, initialLines = Infinity) {
    const records: LogRecord[] = [];
    const abort = new AbortController();
    const done = followLog({
      files,
      after: after === null ? null : parseLogCursor(after)!,
      initialLines,
      follow: true,
      pollMs: 10,
      signal: abort.signal,
      onRecords: (batch) => records.push(...batch),
    });
    return {
      records,
      lines: () => texts(records),
      stop: async () => {
        abort.abort();
        await done;
        return records;
      },
    };
  }

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('not in time');
      await sleep(5);
    }
  }

  test('rotations while following and while away: every line once, in order', async () => {
    append(files.logFile, ...numbered(1, 10));
    const seen: string[] = [];
    // Connected: lines, a line split across two writes, rotated after an unterminated line.
    let reader = follow(null);
    await until(() => reader.lines().length === 10);
    append(files.logFile, ...numbered(11, 20));
    fs.appendFileSync(files.logFile, 'line ');
    await sleep(30);
    fs.appendFileSync(files.logFile, '21\n');
    // The last line of a rotated file may lack its newline (a crash): it is still a line.
    fs.appendFileSync(files.logFile, 'line 22');
    await sleep(30);
    rotate('line 23');
    append(files.logFile, ...numbered(24, 30));
    await until(() => reader.lines().length === 30);
    let records = await reader.stop();
    seen.push(...texts(records));

    // Away: more lines in the file being read, a rotation, lines in the new file.
    append(files.logFile, ...numbered(31, 40));
    rotate('line 41');
    append(files.logFile, ...numbered(42, 50));
    reader = follow(lastCursor(records));
    await until(() => reader.lines().length === 20);
    // Connected again: a rotation whose new file is created a moment later, and stays empty.
    fs.renameSync(files.logFile, files.previousLogFile);
    await sleep(30);
    fs.writeFileSync(files.logFile, '');
    const empty = fs.statSync(files.logFile, { bigint: true }).ino;
    await until(() => parseLogCursor(lastCursor(reader.records))?.ino === empty);
    records = await reader.stop();
    seen.push(...texts(records));

    // Away while the cursor is only a position in the empty new file; then a rotation live.
    append(files.logFile, ...numbered(51, 60));
    reader = follow(lastCursor(records));
    await until(() => reader.lines().length === 10);
    rotate('line 61');
    append(files.logFile, ...numbered(62, 70));
    await until(() => reader.lines().length === 20);
    seen.push(...texts(await reader.stop()));

    expect(seen).toEqual(numbered(1, 70));
  });

  test('a writer that rotates often while the reader keeps dropping: each line exactly once', async () => {
    const total = 3000;
    let written = 0;
    const writing = (async () => {
      fs.writeFileSync(files.logFile, '');
      while (written < total) {
        const batch = numbered(written + 1, Math.min(total, written + 7));
        append(files.logFile, ...batch);
        written += batch.length;
        // A rotation every ~250 lines, never two between two reconnects (those lose lines).
        if (written % 250 < 7) rotate(`line ${++written}`);
        await sleep(1);
      }
    })();
    const seen: string[] = [];
    let cursor: string | null = null;
    let finished = false;
    void writing.then(() => (finished = true));
    while (!finished || seen.length < written) {
      const reader = follow(cursor);
      await sleep(15 + Math.random() * 25);
      const records = await reader.stop();
      seen.push(...texts(records));
      if (records.length > 0) cursor = lastCursor(records);
    }
    expect(seen).toEqual(numbered(1, written));
    expect(written).toBeGreaterThanOrEqual(total);
  });
});
