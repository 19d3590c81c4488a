// The batch times of an open log: held in memory and handed back at the close while they are few,
// written to the times file whole once they pass the spill size and appended to from then on; a
// file that cannot be made loses the times, never the caller.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { encodeLogTime, recordsInRange } from '../../../../../runner/node/store/log-time-index';
import { LogTimes } from '../../../../../runner/node/store/log-times';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('log-times-');
});
afterEach(async () => {
  await dir.remove();
});

const records = (...pairs: [number, number][]) => Buffer.concat(pairs.map(([o, at]) => encodeLogTime(o, at)));

test('a short log: records stay in memory, no file is made, the close hands them back', () => {
  const file = path.join(dir.path, 'a.times');
  const times = new LogTimes(file);
  times.add(0, 1000);
  times.add(10, 1050);
  expect(times.inMemory()).toEqual(records([0, 1000], [10, 1050]));
  expect(times.close()).toEqual(records([0, 1000], [10, 1050]));
  expect(existsSync(file)).toBe(false);
  times.add(20, 1100); // after the close: dropped
  expect(times.close()).toBeUndefined();
});

test('past the spill size the records go to the file whole, in order, and later ones are appended', () => {
  const file = path.join(dir.path, 'b.times');
  const times = new LogTimes(file, undefined, 64); // four records fit
  for (let i = 0; i < 4; i++) times.add(i * 10, 1000 + i);
  expect(existsSync(file)).toBe(false);
  times.add(40, 1004);
  expect(times.inMemory()).toBeUndefined();
  expect(readFileSync(file)).toEqual(records([0, 1000], [10, 1001], [20, 1002], [30, 1003], [40, 1004]));
  times.add(50, 1005);
  expect(times.close()).toBeUndefined();
  expect(readFileSync(file).length).toBe(6 * 16);
  expect(recordsInRange(readFileSync(file), 25, 45, 10)).toEqual([
    { offset: 20, at: 1002 },
    { offset: 30, at: 1003 },
    { offset: 40, at: 1004 },
  ]);
});

test('the records of a log opened again come first; a memory buffer grows past its first size', () => {
  const prior = records([0, 1], [5, 2]);
  const times = new LogTimes(path.join(dir.path, 'c.times'), prior);
  for (let i = 0; i < 40; i++) times.add(10 + i, 100 + i);
  const all = times.close()!;
  expect(all.length).toBe(42 * 16);
  expect(all.subarray(0, 32)).toEqual(prior);
  expect(all.readDoubleLE(41 * 16)).toBe(49);
});

test('prior records already past the spill size go straight to a new file (replacing a stale one)', () => {
  const file = path.join(dir.path, 'd.times');
  const times = new LogTimes(file, records([0, 1], [1, 2], [2, 3]), 32);
  expect(readFileSync(file)).toEqual(records([0, 1], [1, 2], [2, 3]));
  times.close();
});

test('a times file that cannot be made keeps no more times and throws nothing', () => {
  const file = path.join(dir.path, 'missing-dir', 'e.times');
  const times = new LogTimes(file, undefined, 16);
  times.add(0, 1);
  times.add(1, 2);
  times.add(2, 3);
  expect(times.close()).toBeUndefined();
  expect(existsSync(file)).toBe(false);
});

test('recordsInRange: the batch holding the first byte, then those starting up to the last, at most max', () => {
  const all = records([0, 1], [10, 2], [20, 3], [30, 4]);
  expect(recordsInRange(all, 15, 25, 10)).toEqual([
    { offset: 10, at: 2 },
    { offset: 20, at: 3 },
  ]);
  expect(recordsInRange(all, 0, 100, 2)).toEqual([
    { offset: 0, at: 1 },
    { offset: 10, at: 2 },
  ]);
  expect(recordsInRange(Buffer.alloc(0), 0, 10, 5)).toEqual([]);
});
