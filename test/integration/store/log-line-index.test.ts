// Lines of a log by number without reading the log (runner/node/server/log-line-index.ts), on
// real files: a million-line log, a log that grows while it is read, search and first error.
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LogLineIndex, maxLineChars } from '../../../runner/node/store/log-line-index';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let file: string;

beforeEach(async () => {
  dir = await makeTempDir('log-index-');
  file = path.join(dir.path, 'wi.log');
});

afterEach(async () => {
  await dir.remove();
});

function millionLines(): void {
  const chunk: string[] = [];
  const parts: string[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    chunk.push(`line ${i} \x1b[32mok\x1b[0m ${i % 7 === 0 ? 'seven' : ''}`);
    if (chunk.length === 100_000) parts.push(chunk.splice(0).join('\n') + '\n');
  }
  writeFileSync(file, parts.join(''));
}

test('a million-line log: its first lines answer before the pass over the rest; then any page', async () => {
  millionLines();
  const size = statSync(file).size;
  const index = new LogLineIndex();
  const first = await index.lines(file, 0, 50);
  expect(first.lines).toHaveLength(50);
  expect(first.lines[3]).toBe('line 3 \x1b[32mok\x1b[0m ');
  // the page did not wait for the whole file: its total is what the pass had counted by then
  expect(first.size).toBeLessThan(size);
  expect(first.total).toBeGreaterThanOrEqual(50);
  expect(first.total).toBeLessThan(1_000_000);
  // nor does a pass for a page go on by itself: a while later the index still ends near it
  await new Promise((resolve) => setTimeout(resolve, 300));
  const again = await index.lines(file, 0, 50);
  expect(again.total).toBeLessThan(100_000);
  expect(again.size).toBeLessThan(size / 10);
  expect(await index.count(file)).toBe(1_000_000);
  const middle = await index.lines(file, 654_321, 3);
  expect(middle.lines).toEqual([
    'line 654321 \x1b[32mok\x1b[0m ',
    'line 654322 \x1b[32mok\x1b[0m ',
    'line 654323 \x1b[32mok\x1b[0m ',
  ]);
  expect(middle.total).toBe(1_000_000);
  const end = await index.lines(file, 999_998, 10);
  expect(end.lines).toHaveLength(2);
});

test('a page deep in a log opened for the first time waits until the pass has counted its lines', async () => {
  millionLines();
  const index = new LogLineIndex();
  const deep = await index.lines(file, 654_321, 2);
  expect(deep.lines).toEqual(['line 654321 \x1b[32mok\x1b[0m ', 'line 654322 \x1b[32mok\x1b[0m ']);
  expect(deep.total).toBeGreaterThanOrEqual(654_323);
  expect(deep.total).toBeLessThan(1_000_000);
  expect(await index.count(file)).toBe(1_000_000);
});

test('pages read while a pass runs over the whole log get the same lines as after it', async () => {
  millionLines();
  const index = new LogLineIndex();
  const counting = index.count(file);
  const pages = await Promise.all([0, 1000, 250_000].map((from) => index.lines(file, from, 3)));
  expect(pages.map((p) => p.lines[0])).toEqual([
    'line 0 \x1b[32mok\x1b[0m seven',
    'line 1000 \x1b[32mok\x1b[0m ',
    'line 250000 \x1b[32mok\x1b[0m ',
  ]);
  expect(await counting).toBe(1_000_000);
});

test('search returns matching line numbers (capped), first error finds the first failure', async () => {
  millionLines();
  const index = new LogLineIndex();
  const found = await index.search(file, 'LINE 99999 ', 10);
  expect(found).toEqual({ matches: [99_999], truncated: false });
  const many = await index.search(file, 'seven', 5);
  expect(many).toEqual({ matches: [0, 7, 14, 21, 28], truncated: true });
  expect(await index.firstError(file)).toBeNull();
  appendFileSync(file, 'src/main.c:3:5: error: expected ; before }\n');
  expect(await index.firstError(file)).toBe(1_000_000);
});

test('a growing log is indexed as it grows; a partial last line is not a line yet', async () => {
  writeFileSync(file, 'a\nb\npart');
  const index = new LogLineIndex(2);
  expect(await index.lines(file, 0, 10)).toMatchObject({ total: 2, lines: ['a', 'b'] });
  appendFileSync(file, 'ial\nc\nd\n');
  expect(await index.lines(file, 1, 10)).toMatchObject({
    total: 5,
    from: 1,
    lines: ['b', 'partial', 'c', 'd'],
  });
  writeFileSync(file, 'replaced\n');
  expect(await index.lines(file, 0, 10)).toMatchObject({ total: 1, lines: ['replaced'] });
});

test('very long lines are cut in pages, a missing log has no lines', async () => {
  writeFileSync(file, `${'x'.repeat(maxLineChars * 3)}\nshort\n`);
  const index = new LogLineIndex();
  const page = await index.lines(file, 0, 2);
  expect(page.lines[0]!.length).toBeLessThan(maxLineChars + 100);
  expect(page.lines[1]).toBe('short');
  expect(await index.lines(path.join(dir.path, 'none.log'), 0, 5)).toMatchObject({ total: 0, lines: [] });
});

test('a line of 50 MB without a newline costs a bounded read and keeps the lines after it', async () => {
  writeFileSync(file, `first\n${'y'.repeat(50 * 1024 * 1024)}\nafter\n`);
  const index = new LogLineIndex();
  const page = await index.lines(file, 0, 3);
  expect(page.total).toBe(3);
  expect(page.lines[0]).toBe('first');
  expect(page.lines[1]!.length).toBeLessThan(maxLineChars + 100);
  expect(page.lines[2]).toBe('after');
  expect((await index.search(file, 'after')).matches).toEqual([2]);
});
