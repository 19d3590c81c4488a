// The events of the tick's writes are written to the table in batches just before its COMMIT
// (event-log.ts): until then this store reads them from memory (replay, newest seq), another
// connection sees them only once committed, a failed write leaves none of its events behind, an
// event appended outside the tick's writes meanwhile gets its own seq, and every row written is
// the event that was published, seq for seq. Real SQLite, a second connection as the reader.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { eventJson } from '../../../runner/node/store/event-log';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import type { JsonObject, StoreEvent } from '../../../runner/node/store/store-records';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let store: SqliteStore;
let reader: Database.Database;
let published: StoreEvent[];

beforeEach(async () => {
  dir = await makeTempDir('event-batches-');
  store = SqliteStore.open(dir.path);
  reader = new Database(path.join(dir.path, 'coin.db'), { readonly: true });
  published = [];
  store.subscribe((event) => published.push(event));
});

afterEach(async () => {
  reader.close();
  store.close();
  await dir.remove();
});

interface Row {
  seq: number;
  time: string;
  kind: string;
  subject: string;
  payload: string;
}

/** What another connection sees: committed rows only. */
const committedRows = () => reader.prepare('SELECT * FROM events ORDER BY seq').all() as Row[];
const asEvent = (row: Row): StoreEvent => ({ ...row, payload: JSON.parse(row.payload) as JsonObject });
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('120 events of one tick: published at once, read from memory, written in batches at the commit', async () => {
  const before = store.lastEventSeq();
  for (let i = 0; i < 120; i++) store.appendEvent('test.batch', `s${i}`, { i, text: `"quoted" ${i}\n` });
  expect(published).toHaveLength(120);
  expect(published.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => before + 1 + i));
  // this store reads them before they are written; another connection does not see them yet
  expect(store.lastEventSeq()).toBe(before + 120);
  expect(store.eventsSince(before, 1000)).toEqual(published);
  expect(store.eventsSince(before + 100, 5).map((e) => e.seq)).toEqual(
    [101, 102, 103, 104, 105].map((n) => before + n),
  );
  expect(committedRows().filter((r) => r.seq > before)).toHaveLength(0);
  await tick();
  expect(
    committedRows()
      .filter((r) => r.seq > before)
      .map(asEvent),
  ).toEqual(published);
  // and read back from the table alone
  expect(store.eventsSince(before, 1000)).toEqual(published);
});

test('a failed write leaves none of its events; the others of the tick are written, seqs increasing', async () => {
  store.appendEvent('test.kept', 'a');
  expect(() =>
    store.transaction(() => {
      store.appendEvent('test.doomed', 'b');
      store.appendEvent('test.doomed', 'c');
      throw new Error('planner failed');
    }),
  ).toThrow('planner failed');
  // a payload JSON cannot hold fails where it is appended, alone
  expect(() => store.appendEvent('test.broken', 'd', { n: 1n } as unknown as JsonObject)).toThrow();
  store.appendEvent('test.kept', 'e');
  expect(published.map((e) => e.kind)).toEqual(['test.kept', 'test.kept']);
  expect(published[1]!.seq).toBeGreaterThan(published[0]!.seq);
  await tick();
  const rows = committedRows();
  expect(rows.map((r) => r.kind)).not.toContain('test.doomed');
  expect(rows.filter((r) => r.kind === 'test.kept').map(asEvent)).toEqual(published);
  // seqs keep increasing across transactions, never given twice
  store.appendEvent('test.next', 'f');
  await tick();
  const seqs = committedRows().map((r) => r.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(published.at(-1)!.seq).toBeGreaterThan(published[1]!.seq);
});

test('an event appended outside the tick writes while its transaction holds seqs is written with the next seq', async () => {
  store.appendEvent('test.tick', 'a');
  // HealthTable.record runs its own (nested) transaction, outside the tick's writes
  store.health.record({
    checkedAt: new Date().toISOString(),
    trigger: 'request',
    overall: 'ok',
    ms: 1,
    checks: [],
  });
  store.appendEvent('test.tick', 'b');
  await tick();
  const rows = committedRows();
  const kinds = rows.map((r) => r.kind);
  expect(kinds.slice(-3)).toEqual(['test.tick', 'health.checked', 'test.tick']);
  const seqs = rows.map((r) => r.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
});

test('close writes and commits what the tick appended', () => {
  store.appendEvent('test.closing', 'a', { last: true });
  const seq = published.at(-1)!.seq;
  reader.close();
  store.close();
  const again = SqliteStore.open(dir.path);
  try {
    expect(again.eventsSince(seq - 1, 10).map((e) => [e.seq, e.kind, e.payload])).toEqual([
      [seq, 'test.closing', { last: true }],
    ]);
  } finally {
    again.close();
  }
  // reopened for afterEach
  store = SqliteStore.open(dir.path);
  reader = new Database(path.join(dir.path, 'coin.db'), { readonly: true });
});

test('listeners get each payload as the row stores it, and eventJson of it is JSON.stringify of the event', async () => {
  const texts: string[] = [];
  const payloads: string[] = [];
  store.subscribe((event, payloadJson) => {
    payloads.push(payloadJson);
    texts.push(eventJson(event, payloadJson));
  });
  const awkward = [
    { text: '"quoted"\\ and \n newline\t\u0000', nested: { list: [1, 2.5, -0, null, true] } },
    { emoji: '\u{1F600} \u00e9', lone: '\ud800 half a pair', html: '</script><!--' },
    { dropped: undefined, kept: 'x', date: new Date('2024-01-02T03:04:05Z') } as unknown as JsonObject,
    {},
  ];
  const subjects = ['plain', 'sub"ject\\', '\u2028line separator', ''];
  awkward.forEach((payload, i) => store.appendEvent('test."kind"', subjects[i]!, payload));
  expect(texts).toEqual(published.slice(-4).map((event) => JSON.stringify(event)));
  // what the socket sends parses back to the event as a reader of the table gets it
  await tick();
  const rows = committedRows().slice(-4);
  expect(rows.map((row) => row.payload)).toEqual(payloads);
  expect(texts.map((text) => JSON.parse(text) as StoreEvent)).toEqual(rows.map(asEvent));
});

test('the texts of a replay are the JSON of the events read back, stored and not yet written alike', async () => {
  const before = store.lastEventSeq();
  for (let i = 0; i < 5; i++) store.appendEvent('test.replay', `written ${i}`, { i, text: 'a"b\\c\u2028' });
  await tick();
  for (let i = 0; i < 4; i++) store.appendEvent('test.replay', `in the open transaction ${i}`, { i });
  const asTexts = (events: StoreEvent[]) =>
    events.map((event) => ({ seq: event.seq, kind: event.kind, text: JSON.stringify(event) }));
  expect(store.eventTextsSince(before, 100)).toEqual(asTexts(store.eventsSince(before, 100)));
  expect(store.eventTextsSince(before, 100)).toHaveLength(9);
  // a limit that ends among the stored events, one that ends among the unwritten ones
  expect(store.eventTextsSince(before + 1, 3)).toEqual(asTexts(store.eventsSince(before + 1, 3)));
  expect(store.eventTextsSince(before + 3, 4).map((e) => e.seq)).toEqual([4, 5, 6, 7].map((n) => before + n));
  expect(() => store.eventTextsSince(before, 0)).toThrow(RangeError);
  await tick();
  expect(store.eventTextsSince(before, 100)).toEqual(asTexts(published.slice(-9)));
});
