// What the "Draft bug report" buttons of a failed check and a journal signature hand the builder.
import { expect, test } from 'vitest';
import type { JournalEntry } from '../../../../electron/common/journal-entry';
import {
  checkSource,
  errorSignature,
  errorSignatures,
  journalSource,
} from '../../../../renderer/src/areas/maintenance/bug-report-sources';

const at = Date.parse('2026-12-05T10:00:00.000Z');
let seq = 0;
const entry = (level: JournalEntry['level'], message: string, time: number | null = at): JournalEntry => ({
  seq: seq++,
  time,
  level,
  message,
  pid: null,
});

test('a signature keeps what stays the same between occurrences', () => {
  expect(errorSignature('could not clone the template 7f3a9c2e1b on host 3\n    at clone (x.ts:1:2)')).toBe(
    'could not clone the template <id> on host <n>',
  );
  expect(errorSignature('agent "a-17" lost after 30000 ms')).toBe('agent "…" lost after <n> ms');
});

test('errors and critical lines are grouped by signature, the most frequent first', () => {
  const groups = errorSignatures([
    entry('error', 'could not clone the template 7f3a9c2e1b', at + 2000),
    entry('warning', 'could not clone the template 7f3a9c2e1b'),
    entry('critical', 'database is locked'),
    entry('error', 'could not clone the template 0be4d81c9a', at + 1000),
    entry('error', 'could not clone the template 0be4d81c9a', null),
  ]);
  expect(groups.map((g) => [g.signature, g.count])).toEqual([
    ['could not clone the template <id>', 3],
    ['database is locked', 1],
  ]);
  expect(journalSource(groups[0]!)).toEqual({
    kind: 'journal',
    signature: 'could not clone the template <id>',
    count: 3,
    firstSeen: '2026-12-05T10:00:01.000Z',
    lastSeen: '2026-12-05T10:00:02.000Z',
    lines: [
      '2026-12-05T10:00:02.000Z ERROR could not clone the template 7f3a9c2e1b',
      '2026-12-05T10:00:01.000Z ERROR could not clone the template 0be4d81c9a',
      '(no time) ERROR could not clone the template 0be4d81c9a',
    ],
  });
});

test("a check's summary and its first evidence lines make the report's detail", () => {
  const check = {
    id: 'journal-problems' as const,
    title: 'Problems in the journal (last hour)',
    status: 'fail' as const,
    summary: '7 problem line(s), 7 of them errors',
    details: ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'],
  };
  expect(checkSource(check, '2026-12-05T10:00:00.000Z')).toEqual({
    kind: 'check',
    title: 'Problems in the journal (last hour)',
    detail: '7 problem line(s), 7 of them errors. Evidence: l1; l2; l3; l4; l5 (+2 more)',
    checkedAt: '2026-12-05T10:00:00.000Z',
  });
});
