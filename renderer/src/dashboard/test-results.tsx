import { useCallback, useState } from 'react';
import type { TestResult, WorkItem } from './api-types';
import { formatDuration } from './format';
import { useDashboard, useLoad } from './use-dashboard';
import { sortTestResults } from './work-item-lanes';

const symbols: Record<TestResult['outcome'], string> = { failed: '✖', flaky: '⚠', skipped: '○', passed: '✔' };
const shownFirst = 50;

/** Counts per outcome, in the order they are listed. */
function summary(results: readonly TestResult[]): string {
  const count = (o: TestResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return (['failed', 'flaky', 'skipped', 'passed'] as const).map((o) => `${count(o)} ${o}`).join(', ');
}

/** A test work item's results, failed and flaky tests first. */
export function TestResults({ item }: { item: WorkItem }) {
  const { client } = useDashboard();
  const [all, setAll] = useState(false);
  const loaded = useLoad(useCallback((signal) => client.tests(item.id, signal), [client, item.id]));
  if (loaded.error) return <p className="error">Test results could not be read: {loaded.error}</p>;
  const results = sortTestResults(loaded.data ?? []);
  if (results.length === 0) return loaded.loading ? null : <p className="muted">No test results reported.</p>;
  const shown = all ? results : results.slice(0, shownFirst);
  return (
    <details className="tests" open={results.some((r) => r.outcome === 'failed' || r.outcome === 'flaky')}>
      <summary>Tests: {summary(results)}</summary>
      <table className="table" data-testid="test-results">
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Test</th>
            <th scope="col">Runs</th>
            <th scope="col">Time</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.name} data-outcome={r.outcome}>
              <td className={`outcome outcome-${r.outcome}`}>
                <span aria-hidden="true">{symbols[r.outcome]}</span> {r.outcome}
              </td>
              <td className="mono">{r.name}</td>
              <td>{r.attempts}</td>
              <td>{formatDuration(r.durationMs)}</td>
              <td>{r.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!all && results.length > shownFirst && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {results.length} tests
        </button>
      )}
    </details>
  );
}
