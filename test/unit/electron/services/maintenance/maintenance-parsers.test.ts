import { expect, test } from 'vitest';
import {
  parseGcJson,
  parseInvalidateOutput,
} from '../../../../../electron/services/maintenance/coin-artifacts';
import { logEntriesSince } from '../../../../../electron/services/maintenance/journal-window';
import {
  parseIncoming,
  planBlockers,
  type PlanFacts,
} from '../../../../../electron/services/maintenance/update-plan';

const line = (level: number, time: number, msg: string) => JSON.stringify({ level, time, pid: 1, msg });

test('the service log of the last hour: JSON lines by their time, plain lines at the time of the line before', () => {
  const text = [
    'coin service: starting coin run in /srv/coin',
    line(30, 1000, 'old'),
    line(50, 5000, 'recent error'),
    'Traceback (most recent call last):',
    line(40, 6000, 'recent warning'),
    '',
  ].join('\n');
  const { entries, oldest } = logEntriesSince(text, false, 4000);
  expect(oldest).toBe(1000);
  expect(entries).toEqual([
    { time: 5000, level: 'error', message: 'recent error' },
    { time: 5000, level: 'error', message: 'Traceback (most recent call last):' },
    { time: 6000, level: 'warning', message: 'recent warning' },
  ]);
  // A text that starts in the middle of a line skips that part line.
  expect(logEntriesSince(`l": 40}\n${line(40, 7000, 'w')}\n`, true, 0).entries).toEqual([
    { time: 7000, level: 'warning', message: 'w' },
  ]);
  // The first plain lines take the first known time.
  expect(logEntriesSince(`crash\n${line(30, 9000, 'x')}`, false, 9000).entries[0]).toMatchObject({
    time: 9000,
  });
});

test('coin gc --json and coin invalidate-artifacts output', () => {
  // The report as runner/core/instance-api-schemas.ts defines it, which coin gc --json prints.
  const report = {
    dryRun: true,
    removed: [{ key: 'k', sha256: 's', size: 10, reason: 'lru', freedBytes: 10 }],
    freedBytes: 10,
    freeBytesBefore: 1,
    freeBytesAfter: 11,
    satisfied: false,
    pinnedKept: 0,
    sweep: { orphanBlobs: [], staleTempFiles: [], freedBytes: 0 },
  };
  expect(parseGcJson(JSON.stringify(report))).toEqual(report);
  expect(() => parseGcJson(JSON.stringify({ ...report, removed: [{ key: 'k' }] }))).toThrow();
  expect(() => parseGcJson('removed 1 artifact')).toThrow(
    /did not print its JSON report: removed 1 artifact/,
  );
  expect(
    parseInvalidateOutput(
      'artifact epoch is now 3: every earlier artifact misses; coin gc removes them first\n',
    ),
  ).toBe(3);
  expect(() => parseInvalidateOutput('')).toThrow(/did not say the new epoch/);
});

test('incoming commits from git log', () => {
  expect(
    parseIncoming(
      'a1\x1fFix: x\x1fAnna\x1f2026-01-01T10:00:00+02:00\nb2\x1fDocs\x1fBo\x1f2026-01-01T09:00:00Z\n',
    ),
  ).toEqual([
    { sha: 'a1', subject: 'Fix: x', author: 'Anna', date: '2026-01-01T10:00:00+02:00' },
    { sha: 'b2', subject: 'Docs', author: 'Bo', date: '2026-01-01T09:00:00Z' },
  ]);
});

test('what blocks an update', () => {
  const clean: PlanFacts = {
    branch: 'main',
    upstream: 'origin/main',
    behind: 2,
    ahead: 0,
    dirty: [],
    fetchError: null,
    runningSince: null,
  };
  expect(planBlockers(clean)).toEqual([]);
  expect(planBlockers({ ...clean, behind: 0 })).toEqual(['already at origin/main: nothing to update']);
  expect(planBlockers({ ...clean, dirty: [' M a', '?? b'] })[0]).toMatch(
    /^the checkout has local changes \(2 paths/,
  );
  expect(planBlockers({ ...clean, ahead: 1 })[0]).toMatch(
    /have diverged \(1 local commit\(s\), 2 incoming\)/,
  );
  expect(planBlockers({ ...clean, ahead: 1, behind: 0 })[0]).toMatch(
    /1 commit\(s\) origin\/main does not have/,
  );
  expect(planBlockers({ ...clean, upstream: null })).toEqual([
    'the branch main has no upstream: set it with git branch --set-upstream-to',
  ]);
  expect(planBlockers({ ...clean, branch: null, upstream: null })).toEqual([
    'HEAD is detached: check out the production branch',
  ]);
  expect(planBlockers({ ...clean, runningSince: '2026-01-01T00:00:00Z' })[0]).toMatch(/already running/);
  expect(planBlockers({ ...clean, fetchError: 'Could not resolve host' })[0]).toMatch(/^git fetch failed/);
});
