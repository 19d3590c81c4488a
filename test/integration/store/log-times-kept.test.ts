// The batch times of short logs are kept by the store (no file per log), of long ones in their
// times file; readers get them either way, while the log is written and after; they go with a
// discarded or deleted work item.
import { appendFileSync, existsSync } from 'node:fs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LogStore } from '../../../runner/node/store/log-store';
import { LogLineIndex } from '../../../runner/node/store/log-line-index';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let store: SqliteStore;
let logs: LogStore;
let clock: number;

beforeEach(async () => {
  dir = await makeTempDir('log-times-kept-');
  store = SqliteStore.open(dir.path);
  store.createTask({ id: 't', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
  store.createWorkItems('t', [
    { id: 'short', kind: 'build', configurationId: 'c' },
    { id: 'long', kind: 'build', configurationId: 'c' },
  ]);
  clock = 1000;
  logs = await LogStore.create(dir.path, () => clock, store.logTimes);
});

afterEach(async () => {
  await logs.closeAll();
  store.close();
  await dir.remove();
});

test('a short log makes no times file: its times are read from memory, then from the store', async () => {
  const index = new LogLineIndex();
  logs.append('short', ['one', 'two']);
  clock = 1050;
  logs.append('short', ['three']);
  const expected = [
    { line: 0, at: 1000 },
    { line: 2, at: 1050 },
  ];
  expect((await index.lines(logs.pathOf('short'), 0, 10, logs.timesOf('short'))).times).toEqual(expected);
  await logs.finish('short');
  expect(existsSync(logs.timesPathOf('short'))).toBe(false);
  expect(store.logTimes.get('short')?.length).toBe(32);
  expect((await index.lines(logs.pathOf('short'), 1, 10, logs.timesOf('short'))).times).toEqual([
    { line: 1, at: 1000 },
    { line: 2, at: 1050 },
  ]);
  // appended to again (after a restart): the times go on from those kept
  clock = 2000;
  logs.append('short', ['four']);
  await logs.finish('short');
  expect((await index.lines(logs.pathOf('short'), 0, 10, logs.timesOf('short'))).times).toEqual([
    ...expected,
    { line: 3, at: 2000 },
  ]);
  await logs.discard('short');
  expect(store.logTimes.get('short')).toBeUndefined();
});

test('a long log spills its times into its file; nothing of it is kept in the store', async () => {
  for (let i = 0; i < 300; i++) {
    clock = 1000 + i;
    logs.append('long', [`line ${i}`]);
  }
  expect(existsSync(logs.timesPathOf('long'))).toBe(true);
  await logs.finish('long');
  expect(store.logTimes.get('long')).toBeUndefined();
  const page = await new LogLineIndex().lines(logs.pathOf('long'), 297, 10, logs.timesOf('long'));
  expect(page.lines).toEqual(['line 297', 'line 298', 'line 299']);
  expect(page.times).toEqual([
    { line: 297, at: 1297 },
    { line: 298, at: 1298 },
    { line: 299, at: 1299 },
  ]);
});

test('kept times go with their work item; a log of no known work item keeps them in a file', async () => {
  store.setTaskState('t', 'Running');
  logs.append('short', ['x']);
  await logs.finish('short');
  expect(store.logTimes.get('short')).toBeDefined();
  // a restart discards the unfinished work items of an unfinished task
  expect(store.recoverAfterRestart().discardedWorkItems).toBe(2);
  expect(store.logTimes.get('short')).toBeUndefined();
  logs.append('stranger', ['y']);
  await logs.finish('stranger');
  expect(existsSync(logs.timesPathOf('stranger'))).toBe(true);
  expect(
    (await new LogLineIndex().lines(logs.pathOf('stranger'), 0, 5, logs.timesOf('stranger'))).times,
  ).toEqual([{ line: 0, at: 1000 }]);
});

test('a log its agent wrote keeps its times readable while the instance still reads it after the end', async () => {
  const file = logs.share('short');
  appendFileSync(file, 'a\nb\n');
  logs.grown('short', 4);
  const finished = logs.finish('short'); // the reading of the rest goes on behind the work item
  // asked in the same turn, before that reading has ended
  const meanwhile = logs.timesOf('short')(0, 3, 10);
  expect(await meanwhile).toEqual([{ offset: 0, at: 1000 }]);
  await finished;
  expect(store.logTimes.get('short')?.length).toBe(16);
  expect((await new LogLineIndex().lines(file, 0, 5, logs.timesOf('short'))).times).toEqual([
    { line: 0, at: 1000 },
  ]);
});
