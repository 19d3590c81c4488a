// The times file of a log: created at once for a log the store writes, in the background for one
// its agent writes (records that come meanwhile wait in memory, in order); a file that cannot be
// made or written loses its times, never the log or the caller.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { TimesFile } from '../../../../../runner/node/store/times-file';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('times-file-');
});
afterEach(async () => {
  await dir.remove();
});

const record = (n: number) => Buffer.alloc(16, n);

test('created now: each record is on file as soon as it is written', async () => {
  const file = path.join(dir.path, 'a.times');
  const times = TimesFile.now(file);
  times.write(record(1));
  expect(readFileSync(file)).toEqual(record(1));
  times.write(record(2));
  await times.close();
  expect(readFileSync(file)).toEqual(Buffer.concat([record(1), record(2)]));
});

test('created later: records written before the file exists land first, in order', async () => {
  const file = path.join(dir.path, 'b.times');
  const times = TimesFile.later(file);
  times.write(record(1));
  times.write(record(2));
  await times.close();
  times.write(record(9)); // after the close: dropped
  expect(readFileSync(file)).toEqual(Buffer.concat([record(1), record(2)]));
});

test('created later, written after it opened, then appended to an existing file', async () => {
  const file = path.join(dir.path, 'c.times');
  const first = TimesFile.later(file);
  first.write(record(1));
  await new Promise((resolve) => setTimeout(resolve, 50));
  first.write(record(2));
  await first.close();
  const again = TimesFile.later(file);
  again.write(record(3));
  await again.close();
  expect(readFileSync(file)).toEqual(Buffer.concat([record(1), record(2), record(3)]));
});

test('a file that cannot be made keeps no times and throws nothing', async () => {
  const file = path.join(dir.path, 'missing-dir', 'd.times');
  for (const times of [TimesFile.now(file), TimesFile.later(file)]) {
    times.write(record(1));
    await expect(times.close()).resolves.toBeUndefined();
  }
  expect(existsSync(file)).toBe(false);
});
