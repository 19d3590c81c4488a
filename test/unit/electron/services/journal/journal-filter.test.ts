// The viewer's filters (electron/common/journal-entry.ts), pure functions over entries.
import { expect, test } from 'vitest';
import {
  entryMatches,
  filterEntries,
  lastMinutes,
  type JournalEntry,
} from '../../../../../electron/common/journal-entry';

const at = Date.UTC(2026, 10, 28, 12, 0, 0);
const entries: JournalEntry[] = [
  { seq: 1, time: at - 2 * 3600_000, level: 'info', message: 'Coin is running', pid: 1 },
  { seq: 2, time: at - 30 * 60_000, level: 'info', message: 'Traceback (most recent call last):', pid: 1 },
  { seq: 3, time: at - 10 * 60_000, level: 'warning', message: 'agent slow', pid: 1 },
  { seq: 4, time: at - 5 * 60_000, level: 'debug', message: 'a debug line about an ERROR budget', pid: 1 },
  { seq: 5, time: null, level: 'critical', message: 'FATAL', pid: null },
];
const seqs = (list: JournalEntry[]) => list.map((e) => e.seq);

test('minimum level', () => {
  expect(seqs(filterEntries(entries, { minLevel: 'warning' }))).toEqual([3, 5]);
  expect(seqs(filterEntries(entries, {}))).toEqual([1, 2, 3, 4, 5]);
});

test('text, case-insensitive', () => {
  expect(seqs(filterEntries(entries, { text: 'coin IS' }))).toEqual([1]);
});

test("the guide's traceback|warning|error|critical filter, by words or level", () => {
  expect(seqs(filterEntries(entries, { problemsOnly: true }))).toEqual([2, 3, 4, 5]);
});

test('time ranges: the last hour; entries without a time stay', () => {
  expect(seqs(filterEntries(entries, lastMinutes(60, at)))).toEqual([2, 3, 4, 5]);
  expect(seqs(filterEntries(entries, { since: at - 40 * 60_000, until: at - 8 * 60_000 }))).toEqual([
    2, 3, 5,
  ]);
});

test('filters combine', () => {
  expect(entryMatches(entries[3]!, { problemsOnly: true, minLevel: 'info' })).toBe(false);
});
