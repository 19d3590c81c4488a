import { expect, test } from 'vitest';
import { parseAnsi } from '../../../../renderer/src/dashboard/ansi';
import { formatOffset } from '../../../../renderer/src/dashboard/format';
import { LogLineCache, markMatches, splitMatches } from '../../../../renderer/src/dashboard/log-lines';

test('lines from any range fill the chunks; only chunks with missing lines are fetched', () => {
  const cache = new LogLineCache(4);
  cache.put(6, ['g', 'h', 'i'], 9);
  expect(cache.total).toBe(9);
  expect(cache.lineAt(7)).toBe('h');
  expect(cache.lineAt(0)).toBeUndefined();
  expect(cache.chunksToFetch(0, 100)).toEqual([0, 1]);
  cache.put(0, ['a', 'b', 'c', 'd', 'e', 'f'], 9);
  expect(cache.chunksToFetch(0, 100)).toEqual([]);
});

test('a growing log asks again for its last chunk', () => {
  const cache = new LogLineCache(4);
  cache.put(0, ['a', 'b'], 2);
  expect(cache.chunksToFetch(0, 10)).toEqual([]);
  cache.put(0, [], 3);
  expect(cache.chunksToFetch(0, 10)).toEqual([0]);
});

test('search matches are marked case-insensitively', () => {
  expect(splitMatches('Error: an ERROR', 'error')).toEqual([
    { text: 'Error', match: true },
    { text: ': an ', match: false },
    { text: 'ERROR', match: true },
  ]);
  expect(splitMatches('nothing', '')).toEqual([{ text: 'nothing', match: false }]);
});

test('lines keep when they arrived: each run of the page covers the lines up to the next', () => {
  const cache = new LogLineCache(4);
  cache.put(2, ['c', 'd', 'e', 'f', 'g'], 7, [
    { line: 3, at: 1000 },
    { line: 5, at: 1050 },
  ]);
  expect([2, 3, 4, 5, 6].map((i) => cache.timeAt(i))).toEqual([undefined, 1000, 1000, 1050, 1050]);
  expect(cache.timeAt(0)).toBeUndefined();
  cache.put(0, ['a', 'b'], 7);
  expect(cache.timeAt(1)).toBeUndefined();
  expect(cache.lineAt(1)).toBe('b');
});

test('a search match keeps the colours of the text it covers, also across colour changes', () => {
  const { segments } = parseAnsi('\x1b[32mstep 42\x1b[0m compiling part 42');
  expect(markMatches(segments, 'STEP 42')).toEqual([
    { style: { fg: 2 }, parts: [{ text: 'step 42', match: true }] },
    { style: {}, parts: [{ text: ' compiling part 42', match: false }] },
  ]);
  expect(markMatches(segments, '42 comp')).toEqual([
    {
      style: { fg: 2 },
      parts: [
        { text: 'step ', match: false },
        { text: '42', match: true },
      ],
    },
    {
      style: {},
      parts: [
        { text: ' comp', match: true },
        { text: 'iling part 42', match: false },
      ],
    },
  ]);
  expect(markMatches(segments, '')).toEqual([
    { style: { fg: 2 }, parts: [{ text: 'step 42', match: false }] },
    { style: {}, parts: [{ text: ' compiling part 42', match: false }] },
  ]);
});

test('line times read as the time after the work item started', () => {
  expect(formatOffset(3250)).toBe('+0:03.250');
  expect(formatOffset(62_003)).toBe('+1:02.003');
  expect(formatOffset(3_723_250)).toBe('+1:02:03.250');
  expect(formatOffset(-120)).toBe('-0:00.120');
});
