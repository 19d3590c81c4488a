// The pure decisions of the history: which test runs are flaky and the summary, whether a
// duration is unusually long, and what "since green" reports as changed.
import { expect, test } from 'vitest';
import { durationVerdict, median } from '../../../../runner/core/duration-insight';
import {
  configChangesBetween,
  dependencyChanges,
  newlyFailingTests,
  planChanges,
} from '../../../../runner/core/since-green';
import { markFlaky, summarizeTestRuns, type StoredTestRun } from '../../../../runner/core/test-history';
import type { TaskRecord } from '../../../../runner/core/records';

const run = (
  taskId: string,
  sha: string,
  outcome: StoredTestRun['outcome'],
  recorded: string,
): StoredTestRun => ({
  taskId,
  workItemId: `${taskId}-test`,
  sha,
  configurationId: 'linux',
  outcome,
  attempts: 1,
  durationMs: 10,
  message: null,
  recorded,
});

test('a failure at a revision that also passed is flaky; a failure that reproduces is not', () => {
  const runs = markFlaky([
    run('t1', 'a', 'failed', '2026-01-01'),
    run('t2', 'a', 'passed', '2026-01-02'),
    run('t3', 'b', 'flaky', '2026-01-03'),
    run('t4', 'c', 'failed', '2026-01-04'),
    run('t5', 'c', 'failed', '2026-01-05'),
  ]);
  expect(runs.map((r) => r.flaky)).toEqual([true, false, true, false, false]);
  const summary = summarizeTestRuns(runs);
  expect(summary).toMatchObject({ runs: 5, passed: 1, failed: 3, flaky: 2, flakyRate: 2 / 5 });
  expect(summary.lastPass?.taskId).toBe('t3');
  expect(summary.firstFailing?.taskId).toBe('t4');
});

test('a duration is slow only against enough earlier runs, by ratio and by margin', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(durationVerdict(600_000, [100_000, 120_000])).toMatchObject({ slow: false, ratio: null });
  expect(durationVerdict(600_000, [100_000, 120_000, 110_000])).toMatchObject({
    slow: true,
    medianMs: 110_000,
  });
  expect(durationVerdict(20_000, [5_000, 5_000, 5_000]).slow).toBe(false);
});

test('since green: dependencies, plans, configuration versions and newly failing tests', () => {
  expect(
    dependencyChanges([{ project: '../qtbase', ref: 'b' }], [{ project: '../qtbase', ref: 'a' }]),
  ).toEqual([{ project: '../qtbase', from: 'a', to: 'b' }]);
  const plan = (kind: string, h: string, e = 'e') => ({
    project: 'qt/qtsvg',
    kind,
    configurationId: 'linux',
    instructionsHash: h,
    environmentHash: e,
  });
  expect(
    planChanges([plan('build', 'x'), plan('test', 'y', 'f')], [plan('build', 'x'), plan('test', 'y')]),
  ).toEqual([{ project: 'qt/qtsvg', kind: 'test', configurationId: 'linux', change: 'environment' }]);
  const task = (created: string) => ({ created, started: created }) as TaskRecord;
  const versions = [1, 2, 3].map((version) => ({
    version,
    time: `2026-01-0${version}T00:00:00.000Z`,
    appliedBy: 'admin',
    via: 'desktop editor',
    changes: [{ path: 'gerrit_monitor.parallel' }],
  }));
  expect(
    configChangesBetween(versions, task('2026-01-01T12:00:00.000Z'), task('2026-01-03T00:00:00.000Z')).map(
      (v) => v.version,
    ),
  ).toEqual([2, 3]);
  const t = (name: string, outcome: string) => ({ name, configurationId: 'linux', outcome, message: null });
  expect(
    newlyFailingTests([t('a', 'failed'), t('b', 'failed')], [t('a', 'failed'), t('b', 'passed')]),
  ).toEqual([{ name: 'b', configurationId: 'linux', message: null }]);
});
