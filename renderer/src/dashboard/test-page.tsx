/** One test case's history: its flaky rate, where it broke, its last pass and its timeline. */
import { useCallback, useMemo } from 'react';
import type { TestHistory, TestSummary } from './api-types';
import { formatTime, shortSha } from './format';
import { routeHash } from './route';
import { TestTimeline } from './test-timeline';
import { useDashboard, useLoad, useStreamListener, useThrottled } from './use-dashboard';
import './test-history.css';

export const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** A link to the integration a landmark of the history names, or a dash. */
function RunRef({ run, testId }: { run: TestSummary['lastPass']; testId: string }) {
  if (!run) return <span data-testid={testId}>never</span>;
  return (
    <span data-testid={testId}>
      <a href={routeHash({ page: 'task', taskId: run.taskId })} className="mono">
        {run.taskId.slice(0, 8)}
      </a>{' '}
      <span className="muted">
        at {shortSha(run.sha)} · {formatTime(run.recorded)}
      </span>
    </span>
  );
}

function Summary({ history }: { history: TestHistory }) {
  const s = history.summary;
  return (
    <div className="card test-summary" data-testid="test-summary">
      <div className="counts">
        <div className="count">
          <span className="count-value" data-testid="flaky-rate">
            {percent(s.flakyRate)}
          </span>
          <span className="muted">flaky ({s.flaky} of the runs that ran)</span>
        </div>
        <div className="count">
          <span className="count-value">{s.runs}</span>
          <span className="muted">runs</span>
        </div>
        <div className="count">
          <span className="count-value">{s.failed}</span>
          <span className="muted">failed</span>
        </div>
        <div className="count">
          <span className="count-value">{s.passed}</span>
          <span className="muted">passed</span>
        </div>
      </div>
      <dl className="test-facts">
        <dt>First failing</dt>
        <dd>
          <RunRef run={s.firstFailing} testId="first-failing" />
          {s.firstFailing && <span className="muted"> (failed in every integration since)</span>}
        </dd>
        <dt>Last pass</dt>
        <dd>
          <RunRef run={s.lastPass} testId="last-pass" />
        </dd>
      </dl>
    </div>
  );
}

/** The test's page (#/tests/<name>), reloaded when a work item finishes. */
export function TestPage({ name }: { name: string }) {
  const { client } = useDashboard();
  const history = useLoad(useCallback((signal) => client.testHistory(name, signal), [client, name]));
  const reload = useThrottled(history.reload, 2000);
  useStreamListener({ event: (e) => e.kind === 'workItem.state' && reload(), resync: reload });
  const data = history.data;
  const marks = useMemo(() => {
    const m = new Map<string, string>();
    if (data?.summary.lastPass) m.set(data.summary.lastPass.taskId, 'last pass');
    if (data?.summary.firstFailing) m.set(data.summary.firstFailing.taskId, 'first failing');
    return m;
  }, [data]);
  return (
    <section className="page" data-testid="page-test">
      <header className="page-header">
        <p className="crumbs">
          <a href={routeHash({ page: 'tests' })}>Tests</a> ›
        </p>
        <h1 className="mono test-title">{name}</h1>
      </header>
      {history.error && (
        <p className="error" role="alert">
          {history.error}
        </p>
      )}
      {data && <Summary history={data} />}
      {data && (
        <section className="card" aria-label="Timeline">
          <h2>Timeline</h2>
          <TestTimeline history={data} marks={marks} />
        </section>
      )}
    </section>
  );
}
