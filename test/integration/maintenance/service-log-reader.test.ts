// The post-update watch's reader of a `coin service` log, through the real shell tools on this
// machine (LocalHost: sh, stat, tail, head, as over SSH on a master): after the first read only
// what coin.log grew by is fetched, a line still being written waits for its end, and a rotation
// (coin.log renamed to coin.log.1, a new coin.log) makes it read the window again, nothing lost or
// counted twice. Under systemd the watch's reader asks journalctl for what follows the last
// entry's cursor (here the journalctl stand-in of the SSH tests, on PATH).
import { appendFile, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LocalHost } from '../../../electron/services/host/local-host';
import { problemSeverity } from '../../../electron/services/maintenance/check-decisions';
import { ServiceLogReader, serviceLogWindow } from '../../../electron/services/maintenance/journal-window';
import { JournalErrorReader } from '../../../electron/services/maintenance/post-update-signals';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const line = (level: number, time: number, msg: string) =>
  `${JSON.stringify({ level, time, pid: 1, msg })}\n`;
let dir: TempDir;
let log: string;
const host = new LocalHost();

beforeAll(async () => {
  dir = await makeTempDir('service-log-reader-');
  await mkdir(path.join(dir.path, 'service'));
  log = path.join(dir.path, 'service', 'coin.log');
});
afterAll(async () => {
  host.close();
  await dir.remove();
});

test('reads the window once, then only the growth; a rotation reads the window again', async () => {
  // Before the restart (time 1000) and after it: an info and an error.
  const filler = Array.from({ length: 2000 }, (_, i) =>
    line(30, 2000 + i, `busy ${i} ${'x'.repeat(60)}`),
  ).join('');
  await writeFile(
    log,
    line(50, 500, 'before the restart') + line(30, 1500, 'started') + filler + line(50, 5000, 'first error'),
  );
  const reader = new ServiceLogReader(1000, (e) => problemSeverity(e) === 'fail');
  const first = await reader.read(host, dir.path);
  expect(first.source).toBe(log);
  expect(first.entries.map((e) => e.message)).toEqual(['first error']);
  expect(reader.lastReadBytes).toBe(-1); // the whole window

  // Growth: an error, and a line still being written (no newline yet).
  const grown = line(30, 6000, 'fine') + line(50, 7000, 'second error');
  const partial = line(50, 8000, 'third error');
  await appendFile(log, grown + partial.slice(0, 20));
  const second = await reader.read(host, dir.path);
  expect(second.entries.map((e) => e.message)).toEqual(['first error', 'second error']);
  expect(reader.lastReadBytes).toBe(Buffer.byteLength(grown) + 20);

  // Nothing new: nothing but the partial line is fetched again.
  await reader.read(host, dir.path);
  expect(reader.lastReadBytes).toBe(20);

  // The line ends, and a plain line (a crash's stack) follows with the time of the line before.
  await appendFile(log, `${partial.slice(20)}    at crash (/srv/coin/x.js:1:1)\n`);
  const third = await reader.read(host, dir.path);
  expect(third.entries.map((e) => [e.time, e.message])).toEqual([
    [5000, 'first error'],
    [7000, 'second error'],
    [8000, 'third error'],
    [8000, '    at crash (/srv/coin/x.js:1:1)'],
  ]);

  // Rotation: coin.log becomes coin.log.1 (with one more error written before), a new coin.log.
  await appendFile(log, line(50, 9000, 'last error of the old file'));
  await rename(log, `${log}.1`);
  await writeFile(
    log,
    line(30, 10_000, 'coin service: starting') + line(50, 11_000, 'error in the new file'),
  );
  const rotated = await reader.read(host, dir.path);
  expect(reader.lastReadBytes).toBe(-1);
  expect(rotated.entries.map((e) => e.message)).toEqual([
    'first error',
    'second error',
    'third error',
    '    at crash (/srv/coin/x.js:1:1)',
    'last error of the old file',
    'error in the new file',
  ]);
  // And the same as one read of the whole window by a fresh reader.
  const fresh = await new ServiceLogReader(1000, (e) => problemSeverity(e) === 'fail').read(host, dir.path);
  expect(fresh.entries).toEqual(rotated.entries);
});

test('a line longer than one read does not hold the reader in place', async () => {
  await rm(`${log}.1`, { force: true });
  await writeFile(log, line(30, 1000, 'started'));
  const reader = new ServiceLogReader(0, (e) => problemSeverity(e) === 'fail');
  await reader.read(host, dir.path);
  await appendFile(log, 'x'.repeat(9 * 1024 * 1024)); // 9 MiB and no newline yet
  await reader.read(host, dir.path);
  expect(reader.lastReadBytes).toBe(8 * 1024 * 1024);
  await appendFile(log, `\n${line(50, 2000, 'after the long line')}`);
  const after = await reader.read(host, dir.path);
  expect(reader.lastReadBytes).toBe(
    1024 * 1024 + 1 + Buffer.byteLength(line(50, 2000, 'after the long line')),
  );
  expect(after.entries.map((e) => e.message)).toEqual(['after the long line']);
});

test('the daily check still sees a last line without newline; a missing log is said', async () => {
  await rm(`${log}.1`, { force: true });
  await writeFile(log, line(30, 1000, 'started') + line(50, 2000, 'crash without newline').trimEnd());
  const window = await serviceLogWindow(host, dir.path, 0);
  expect(window.entries.map((e) => e.message)).toEqual(['started', 'crash without newline']);
  const empty = await makeTempDir('service-log-none-');
  try {
    const none = await new ServiceLogReader(0).read(host, empty.path);
    expect(none.entries).toEqual([]);
    expect(none.notes.join('\n')).toMatch(/coin\.log does not exist/);
  } finally {
    await empty.remove();
  }
});

test('journald: the first read from the restart on, then only what follows the last cursor', async () => {
  const bin = path.join(dir.path, 'bin');
  await mkdir(bin);
  const journal = path.join(dir.path, 'journal.jsonl');
  const fake = path.resolve(import.meta.dirname, '..', 'ssh', 'fixtures', 'fake-journalctl.mjs');
  await writeFile(
    path.join(bin, 'journalctl'),
    `#!/bin/sh\nexec "${process.execPath}" "${fake}" "${journal}" "$@"\n`,
  );
  await chmod(path.join(bin, 'journalctl'), 0o755);
  let n = 0;
  const record = (seconds: number, priority: number, message: string) =>
    `${JSON.stringify({ __CURSOR: `s=1;i=${(++n).toString(16)}`, __REALTIME_TIMESTAMP: String(seconds * 1e6), PRIORITY: String(priority), MESSAGE: message, _PID: '7' })}\n`;
  await writeFile(
    journal,
    record(900, 3, 'before the restart') + record(1000, 6, 'started') + record(1001, 3, 'first error'),
  );
  const path0 = process.env.PATH;
  process.env.PATH = `${bin}:${path0}`;
  try {
    const reader = new JournalErrorReader(1000_000);
    const first = await reader.read(host, 'systemd', dir.path);
    expect(first).toEqual({
      source: 'journalctl --user -u coin',
      errors: [expect.objectContaining({ message: 'first error' })],
    });
    expect(reader.lastJournalctl).toEqual([
      'journalctl',
      '--user',
      '-u',
      'coin',
      '-S',
      '@1000',
      '-o',
      'json',
      '--no-pager',
      '-q',
    ]);

    await appendFile(journal, record(1002, 6, 'fine') + record(1003, 2, 'second error'));
    const second = await reader.read(host, 'systemd', dir.path);
    expect(reader.lastJournalctl).toContain('--after-cursor=s=1;i=3');
    expect(second.errors.map((e) => e.message)).toEqual(['first error', 'second error']);

    // Nothing new: the same errors, asked after the last cursor again.
    const third = await reader.read(host, 'systemd', dir.path);
    expect(reader.lastJournalctl).toContain('--after-cursor=s=1;i=5');
    expect(third.errors.map((e) => e.message)).toEqual(['first error', 'second error']);
  } finally {
    process.env.PATH = path0;
  }
});
