// The event stream of a working directory (runner/node/store/event-stream.ts) with a real SQLite
// store: a clean stop hands the stream on, a run that never closed its store (a kill -9) makes the
// next one begin a new stream, and a store opened without beginning one (coin diagnose) leaves
// the stream's state alone.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SqliteStore } from '../../../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
const open: SqliteStore[] = [];
const openStore = () => {
  const store = SqliteStore.open(dir.path);
  open.push(store);
  return store;
};
/**
 * A run that ends without closing its store (a kill -9): what it wrote is committed, the clean
 * close never comes. Its connection is only closed after the test, when nothing reads any more.
 */
const crash = (store: SqliteStore) => store.commit();

beforeEach(async () => {
  dir = await makeTempDir('event-stream-');
});
afterEach(async () => {
  for (const store of open.splice(0).reverse()) store.close();
  await dir.remove();
});

test('the first run begins a stream; a clean stop hands it to the next run', () => {
  const first = openStore();
  const begun = first.beginEventStream();
  expect(begun.continued).toBe(false);
  expect(first.eventStream).toBe(begun.stream);
  first.appendEvent('test.event', 'x');
  first.close();
  open.splice(open.indexOf(first), 1);

  const next = openStore().beginEventStream();
  expect(next).toEqual({ stream: begun.stream, continued: true });
});

test('after a run that did not close its store the next run begins a new stream', () => {
  const first = openStore();
  const { stream } = first.beginEventStream();
  first.appendEvent('test.event', 'x');
  crash(first);

  const next = openStore().beginEventStream();
  expect(next.continued).toBe(false);
  expect(next.stream).not.toBe(stream);
});

test('a store opened without beginning a stream leaves its state alone', () => {
  const instance = openStore();
  const { stream } = instance.beginEventStream();
  const diagnose = openStore();
  expect(diagnose.eventStream).toBeUndefined();
  diagnose.close();
  open.splice(open.indexOf(diagnose), 1);
  // the instance still runs: its stream is open, and a run after its crash must not continue it
  crash(instance);
  expect(openStore().beginEventStream().stream).not.toBe(stream);
});
