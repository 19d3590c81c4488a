// When log lines arrived: the side file of batch times that LogStore writes next to each log
// (runner/node/instance/log-time-index.ts), read back by binary search, and mapped to lines.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LogStore } from '../../../../../runner/node/store/log-store';
import {
  encodeLogTime,
  lineTimes,
  LogTimeIndex,
  logTimeRecordBytes,
} from '../../../../../runner/node/store/log-time-index';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;

beforeEach(async () => {
  dir = await makeTempDir('log-times-');
});

afterEach(async () => {
  await dir.remove();
});

/** A times file with a batch every 10 bytes from offset 0, arriving 50 ms apart from t=1000. */
function timesFile(batches: number): string {
  const file = path.join(dir.path, 'wi.times');
  const records = Array.from({ length: batches }, (_, i) => encodeLogTime(i * 10, 1000 + i * 50));
  writeFileSync(file, Buffer.concat(records));
  return file;
}

const readLogTimes = (file: string, first: number, last: number, max?: number) =>
  new LogTimeIndex().read(file, first, last, max);

test('the batches of a byte range: the one holding its first byte and every one starting in it', async () => {
  const file = timesFile(100_000);
  expect(statSync(file).size).toBe(100_000 * logTimeRecordBytes);
  expect(await readLogTimes(file, 25, 41)).toEqual([
    { offset: 20, at: 1100 },
    { offset: 30, at: 1150 },
    { offset: 40, at: 1200 },
  ]);
  expect(await readLogTimes(file, 999_990, 2_000_000)).toEqual([{ offset: 999_990, at: 1000 + 99_999 * 50 }]);
  expect(await readLogTimes(file, 0, 0)).toEqual([{ offset: 0, at: 1000 }]);
  const many = await readLogTimes(file, 0, 1_000_000, 600);
  expect(many).toHaveLength(600);
  expect(many[599]).toEqual({ offset: 5990, at: 1000 + 599 * 50 });
});

test('a times file that grows is indexed as it grows, one that shrank is read again', async () => {
  const times = new LogTimeIndex(4);
  const file = timesFile(10);
  expect(await times.read(file, 55, 75)).toEqual([
    { offset: 50, at: 1250 },
    { offset: 60, at: 1300 },
    { offset: 70, at: 1350 },
  ]);
  writeFileSync(
    file,
    Buffer.concat([readFileSync(file), encodeLogTime(100, 9000), encodeLogTime(110, 9050)]),
  );
  expect(await times.read(file, 95, 200)).toEqual([
    { offset: 90, at: 1450 },
    { offset: 100, at: 9000 },
    { offset: 110, at: 9050 },
  ]);
  writeFileSync(file, Buffer.concat([encodeLogTime(0, 7), encodeLogTime(40, 8)]));
  expect(await times.read(file, 45, 200)).toEqual([{ offset: 40, at: 8 }]);
});

test('a missing file has no times, a torn last record is ignored', async () => {
  expect(await readLogTimes(path.join(dir.path, 'none.times'), 0, 100)).toEqual([]);
  const file = timesFile(2);
  writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from([1, 2, 3])]));
  expect(await readLogTimes(file, 0, 100)).toEqual([
    { offset: 0, at: 1000 },
    { offset: 10, at: 1050 },
  ]);
});

test('lines get the time of the batch they start in; runs of one time are one entry', () => {
  const records = [
    { offset: 0, at: 1000 },
    { offset: 30, at: 1050 },
    { offset: 40, at: 1050 },
    { offset: 60, at: 1100 },
  ];
  // Lines 7..11 start at bytes 10, 20, 30, 45, 60.
  expect(lineTimes(7, [10, 20, 30, 45, 60], records)).toEqual([
    { line: 7, at: 1000 },
    { line: 9, at: 1050 },
    { line: 11, at: 1100 },
  ]);
  // Lines written before times were kept have none.
  expect(lineTimes(0, [0, 5, 30], [{ offset: 30, at: 1 }])).toEqual([{ line: 2, at: 1 }]);
  expect(lineTimes(0, [0, 5], [])).toEqual([]);
});

test('the log store notes when each batch arrived, and discarding a log removes its times', async () => {
  let clock = 5000;
  const store = await LogStore.create(dir.path, () => clock);
  store.append('wi-1', ['one', 'two']);
  clock = 5040;
  store.append('wi-1', ['thrée']);
  await store.finish('wi-1');
  clock = 9000;
  store.append('wi-1', ['after a restart']);
  await store.finish('wi-1');
  expect(readFileSync(store.pathOf('wi-1'), 'utf8')).toBe('one\ntwo\nthrée\nafter a restart\n');
  expect(await readLogTimes(store.timesPathOf('wi-1'), 0, 1000)).toEqual([
    { offset: 0, at: 5000 },
    { offset: 8, at: 5040 },
    { offset: 15, at: 9000 },
  ]);
  await store.writeTestResults('wi-1', [{ name: 't' }]);
  await store.discard('wi-1');
  for (const file of [store.pathOf('wi-1'), store.timesPathOf('wi-1')]) expect(existsSync(file)).toBe(false);
  expect(await store.readTestResults('wi-1')).toEqual([]);
  await store.closeAll();
});
