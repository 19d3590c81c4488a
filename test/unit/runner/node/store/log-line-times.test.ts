// Pages of log lines with when they arrived: LogLineIndex maps the batch times LogStore keeps to
// the lines of a page, from any line (checkpoints, skipped lines, lines longer than the cut).
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LogStore } from '../../../../../runner/node/store/log-store';
import { LogLineIndex, maxLineChars } from '../../../../../runner/node/store/log-line-index';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: LogStore;
let clock: number;

beforeEach(async () => {
  dir = await makeTempDir('log-line-times-');
  clock = 1_000;
  store = await LogStore.create(dir.path, () => clock);
});

afterEach(async () => {
  await store.closeAll();
  await dir.remove();
});

/** Batches of lines `n-k`, the i-th batch arriving at 1000 + 50 i. */
async function writeBatches(sizes: readonly number[], long?: number): Promise<void> {
  let n = 0;
  for (const [i, size] of sizes.entries()) {
    clock = 1000 + 50 * i;
    const lines = Array.from({ length: size }, (_, k) =>
      n + k === long ? 'x'.repeat(maxLineChars * 20) : `n-${n + k}`,
    );
    n += size;
    store.append('wi', lines);
  }
  await store.finish('wi');
}

test('every line of a page gets the time of its batch, from any line of the log', async () => {
  await writeBatches([4, 1, 3, 5, 2]);
  const index = new LogLineIndex(3);
  const all = await index.lines(store.pathOf('wi'), 0, 100, store.timesOf('wi'));
  expect(all.total).toBe(15);
  expect(all.times).toEqual([
    { line: 0, at: 1000 },
    { line: 4, at: 1050 },
    { line: 5, at: 1100 },
    { line: 8, at: 1150 },
    { line: 13, at: 1200 },
  ]);
  const middle = await index.lines(store.pathOf('wi'), 6, 4, store.timesOf('wi'));
  expect(middle.lines).toEqual(['n-6', 'n-7', 'n-8', 'n-9']);
  expect(middle.times).toEqual([
    { line: 6, at: 1100 },
    { line: 8, at: 1150 },
  ]);
  expect((await index.lines(store.pathOf('wi'), 99, 4, store.timesOf('wi'))).times).toEqual([]);
  expect((await index.lines(store.pathOf('wi'), 0, 2)).times).toBeUndefined();
});

test('a line longer than the cut (and the read buffer) does not shift the times of the lines after it', async () => {
  await writeBatches([2, 2, 2], 2);
  const index = new LogLineIndex(2);
  const page = await index.lines(store.pathOf('wi'), 1, 5, store.timesOf('wi'));
  expect(page.lines[1]).toMatch(/line cut at/);
  expect(page.lines.slice(2)).toEqual(['n-3', 'n-4', 'n-5']);
  expect(page.times).toEqual([
    { line: 1, at: 1000 },
    { line: 2, at: 1050 },
    { line: 4, at: 1100 },
  ]);
});

test('a log kept before times were recorded has lines without times', async () => {
  const index = new LogLineIndex();
  writeFileSync(store.pathOf('old'), 'a\nb\nc\n');
  const page = await index.lines(store.pathOf('old'), 0, 3, store.timesOf('old'));
  expect(page).toMatchObject({ total: 3, times: [] });
});
