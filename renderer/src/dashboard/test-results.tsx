import { useCallback, useState } from 'react';
import type { TestResult, WorkItem } from './api-types';
import { formatDuration } from './format';
import { routeHash } from './route';
import { useDashboard, useLoad } from './use-dashboard';
import { sortTestResults } from './work-item-lanes';
import './test-results.css';

const symbols: Record<TestResult['outcome'], string> = { failed: '✖', flaky: '⚠', skipped: '○', passed: '✔' };
const shownFirst = 50;

/** Counts per outcome, in the order they are listed. */
function summary(results: readonly TestResult[]): string {
  const count = (o: TestResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return (['failed', 'flaky', 'skipped', 'passed'] as const).map((o) => `${count(o)} ${o}`).join(', ');
}

/** A test work item's results, failed and flaky tests first, in a table that fits its card. */
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
      <div className="test-results-scroll">
        <table className="table test-results" data-testid="test-results">
          <colgroup>
            <col className="col-outcome" />
            <col />
            <col className="col-time" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Test</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.name} data-outcome={r.outcome}>
                <td className={`outcome outcome-${r.outcome}`}>
                  <span aria-hidden="true">{symbols[r.outcome]}</span> {r.outcome}
                </td>
                <td>
                  <a
                    className="mono test-name"
                    href={routeHash({ page: 'test', name: r.name })}
                    title="This test's history: its outcome in every integration and its flaky rate"
                  >
                    {r.name}
                  </a>
                  {r.attempts > 1 && <span className="muted"> · {r.attempts} runs</span>}
                  {r.message && <span className="test-message">{r.message}</span>}
                </td>
                <td>{formatDuration(r.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!all && results.length > shownFirst && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {results.length} tests
        </button>
      )}
    </details>
  );
}
