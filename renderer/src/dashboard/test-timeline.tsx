/**
 * A test's timeline: one row per configuration, one column per integration that ran it (oldest
 * left), each cell coloured by the test's outcome there and linking to that integration's task.
 * Flaky runs (failed where the same revision also passed, or passed on a retry) are striped.
 */
import type { TestHistory, TestRun } from './api-types';
import { formatTime, shortSha } from './format';
import { routeHash } from './route';

/** How many integrations the timeline shows (the newest). */
export const timelineColumns = 60;

export const outcomeSymbols: Record<TestRun['outcome'], string> = {
  failed: '✖',
  flaky: '⚠',
  skipped: '○',
  passed: '✔',
};

interface Column {
  taskId: string;
  sha: string | null;
  recorded: string;
}

/** The integrations of the runs, oldest first (the newest `timelineColumns` of them). */
export function timelineOf(runs: readonly TestRun[]): { columns: Column[]; cells: Map<string, TestRun> } {
  const byTask = new Map<string, Column>();
  const cells = new Map<string, TestRun>();
  const oldestFirst = [...runs].sort((a, b) => a.recorded.localeCompare(b.recorded));
  for (const run of oldestFirst) {
    const column = byTask.get(run.taskId);
    if (!column) byTask.set(run.taskId, { taskId: run.taskId, sha: run.sha, recorded: run.recorded });
    const key = `${run.configurationId}\n${run.taskId}`;
    const seen = cells.get(key);
    // one cell per configuration and integration: a failure outweighs a pass of another work item
    if (!seen || (seen.outcome !== 'failed' && run.outcome === 'failed')) cells.set(key, run);
  }
  return { columns: [...byTask.values()].slice(-timelineColumns), cells };
}

function cellLabel(run: TestRun): string {
  const parts = [
    `${run.outcome}${run.flaky ? ' (flaky)' : ''}`,
    `task ${run.taskId.slice(0, 8)}`,
    `sha ${shortSha(run.sha)}`,
    formatTime(run.recorded),
  ];
  if (run.attempts > 1) parts.push(`${run.attempts} attempts`);
  if (run.message) parts.push(run.message);
  return parts.join(' · ');
}

/** The grid of outcomes; `marks` name the integrations to point out (first failing, last pass). */
export function TestTimeline({
  history,
  marks,
}: {
  history: TestHistory;
  marks: ReadonlyMap<string, string>;
}) {
  const { columns, cells } = timelineOf(history.runs);
  const template = `minmax(140px, 240px) repeat(${columns.length}, 22px)`;
  return (
    <div className="timeline-scroll">
      <div
        className="timeline"
        role="table"
        aria-label={`Outcomes of ${history.name} per configuration and integration`}
        data-testid="test-timeline"
        style={{ gridTemplateColumns: template }}
      >
        <div role="row" className="timeline-row">
          <span role="columnheader" className="timeline-head">
            Configuration
          </span>
          {columns.map((c) => (
            <span
              key={c.taskId}
              role="columnheader"
              className="timeline-mark"
              title={`${marks.get(c.taskId) ?? 'integration'} · ${shortSha(c.sha)} · ${formatTime(c.recorded)}`}
            >
              {marks.has(c.taskId) ? '▼' : ''}
            </span>
          ))}
        </div>
        {history.configurations.map(({ configurationId, summary }) => (
          <div key={configurationId} role="row" className="timeline-row" data-configuration={configurationId}>
            <span role="rowheader" className="timeline-config mono" title={configurationId}>
              {configurationId}
              <span className="muted"> · {Math.round(summary.flakyRate * 100)}% flaky</span>
            </span>
            {columns.map((c) => {
              const run = cells.get(`${configurationId}\n${c.taskId}`);
              if (!run) return <span key={c.taskId} role="cell" className="timeline-cell timeline-none" />;
              return (
                <span key={c.taskId} role="cell">
                  <a
                    href={routeHash({ page: 'task', taskId: run.taskId })}
                    className={`timeline-cell cell-${run.outcome}${run.flaky ? ' cell-flaky' : ''}`}
                    title={cellLabel(run)}
                    aria-label={cellLabel(run)}
                    data-testid="timeline-cell"
                    data-outcome={run.outcome}
                    data-flaky={run.flaky ? 'true' : 'false'}
                    data-task-id={run.taskId}
                  >
                    {run.flaky ? outcomeSymbols.flaky : outcomeSymbols[run.outcome]}
                  </a>
                </span>
              );
            })}
          </div>
        ))}
      </div>
      <p className="timeline-legend muted">
        Oldest integration left, newest right; each cell links to its task.{' '}
        <span className="timeline-cell cell-passed">✔</span> passed{' '}
        <span className="timeline-cell cell-failed">✖</span> failed{' '}
        <span className="timeline-cell cell-failed cell-flaky">⚠</span> flaky{' '}
        <span className="timeline-cell cell-skipped">○</span> skipped · ▼ first failing / last pass
      </p>
    </div>
  );
}
