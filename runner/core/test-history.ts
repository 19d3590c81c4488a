/**
 * A test case's history across integrations: which runs were flaky and the summary people ask
 * for (flaky rate, last pass, where it broke). A run is flaky when the test failed and then passed
 * inside it (outcome `flaky`: QtTest repetitions, JUnit rerun failures), or when it failed at a
 * revision and configuration where it also passed (a retry, or results alternating on the same
 * revision): the failure did not come from the code.
 */
import type { TestRun, TestSummary } from './instance-api-history';

/** A stored run before the flaky mark. */
export type StoredTestRun = Omit<TestRun, 'flaky'>;

const revisionOf = (run: StoredTestRun) => `${run.configurationId}\u0000${run.sha ?? run.taskId}`;

/** Marks each run flaky or not (see the file comment); keeps the order. */
export function markFlaky(runs: readonly StoredTestRun[]): TestRun[] {
  const passedAt = new Set(
    runs.filter((r) => r.outcome === 'passed' || r.outcome === 'flaky').map(revisionOf),
  );
  return runs.map((run) => ({
    ...run,
    flaky: run.outcome === 'flaky' || (run.outcome === 'failed' && passedAt.has(revisionOf(run))),
  }));
}

const refOf = (run: TestRun | undefined) =>
  run ? { taskId: run.taskId, sha: run.sha, recorded: run.recorded } : null;

/** Counts and landmarks of runs (any order); flaky runs count as passing for where it broke. */
export function summarizeTestRuns(runs: readonly TestRun[]): TestSummary {
  const ordered = [...runs].sort((a, b) => a.recorded.localeCompare(b.recorded));
  const count = (outcome: TestRun['outcome']) => ordered.filter((r) => r.outcome === outcome).length;
  const ran = ordered.filter((r) => r.outcome !== 'skipped');
  const flaky = ran.filter((r) => r.flaky).length;
  const lastPassIndex = ordered.findLastIndex((r) => r.outcome === 'passed' || r.outcome === 'flaky');
  const firstFailing = ordered.slice(lastPassIndex + 1).find((r) => r.outcome === 'failed' && !r.flaky);
  return {
    runs: ordered.length,
    passed: count('passed'),
    failed: count('failed'),
    flaky,
    skipped: count('skipped'),
    flakyRate: ran.length ? flaky / ran.length : 0,
    lastPass: refOf(lastPassIndex >= 0 ? ordered[lastPassIndex] : undefined),
    firstFailing: refOf(firstFailing),
  };
}

/** The summary per configuration, configurations in name order. */
export function summarizeByConfiguration(
  runs: readonly TestRun[],
): { configurationId: string; summary: TestSummary }[] {
  const byConfiguration = new Map<string, TestRun[]>();
  for (const run of runs) {
    const list = byConfiguration.get(run.configurationId) ?? [];
    list.push(run);
    byConfiguration.set(run.configurationId, list);
  }
  return [...byConfiguration.keys()].sort().map((configurationId) => ({
    configurationId,
    summary: summarizeTestRuns(byConfiguration.get(configurationId)!),
  }));
}
