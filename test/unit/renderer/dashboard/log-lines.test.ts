import { expect, test } from 'vitest';
import { LogLineCache, splitMatches } from '../../../../renderer/src/dashboard/log-lines';

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
