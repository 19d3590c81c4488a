import { isFinalWorkItemState } from '../../../runner/core/model';
import type { WorkItem, WorkItemFailure } from './api-types';
import { FailureDetails } from './failure-view';
import { elapsed, formatDuration, formatTime, splitReason } from './format';
import { routeHash } from './route';
import { ReusedBadge, StateBadge } from './state-badge';
import { TestResults } from './test-results';
import { projectOfWorkItem, workItemLabel } from './work-item-lanes';

/** Where a work item sits on the task's time axis, in percent. */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

function TimingBar({ item, span, nowMs }: { item: WorkItem; span: TimeSpan; nowMs: number }) {
  if (!item.started) return null;
  const total = Math.max(span.endMs - span.startMs, 1);
  const start = Date.parse(item.started);
  const end = item.finished ? Date.parse(item.finished) : nowMs;
  const left = ((start - span.startMs) / total) * 100;
  const width = Math.max(((end - start) / total) * 100, 0.5);
  return (
    <div className="timing" aria-hidden="true">
      <div className={`timing-bar timing-${item.state}`} style={{ left: `${left}%`, width: `${width}%` }} />
    </div>
  );
}

/** A failure reason stored by the runner (a task's result reason): its headline, the rest below. */
export function FailureReason({ reason }: { reason: string }) {
  const { headline, details } = splitReason(reason);
  return (
    <div className="failure-reason" data-testid="failure-reason">
      <p className="headline">{headline}</p>
      {details && <p className="details mono">{details}</p>}
    </div>
  );
}

function Failure({ item, failure }: { item: WorkItem; failure: WorkItemFailure | undefined }) {
  if (item.state === 'Cancelled')
    return <p className="muted">Cancelled{item.failureReason ? `: ${item.failureReason}` : ''}.</p>;
  return failure ? <FailureDetails item={item} failure={failure} /> : null;
}

/** One work item: what it is, its state, timings, what it waits for, its failure and tests. */
export function WorkItemCard({
  item,
  failure,
  labels,
  span,
  nowMs,
}: {
  item: WorkItem;
  /** Its classified failure, when it failed. */
  failure: WorkItemFailure | undefined;
  labels: ReadonlyMap<string, string>;
  span: TimeSpan;
  nowMs: number;
}) {
  // A reused item never started: it did not wait, it was done at once.
  const queued =
    item.reused || (item.finished && !item.started)
      ? undefined
      : elapsed(item.created, item.started ?? null, nowMs);
  const ran = elapsed(item.started, item.finished, nowMs);
  const needs = item.dependsOn.map((d) => labels.get(d) ?? d);
  return (
    <article
      className={`work-item work-item-${item.state}`}
      data-testid="work-item"
      data-kind={item.kind}
      data-project={projectOfWorkItem(item)}
      aria-label={workItemLabel(item)}
    >
      <header>
        <h3>{workItemLabel(item)}</h3>
        <StateBadge state={item.state} />
        {item.reused && <ReusedBadge />}
      </header>
      <dl className="facts">
        <dt>Ran</dt>
        <dd>{item.reused ? 'nothing (reused)' : ran === undefined ? 'not yet' : formatDuration(ran)}</dd>
        <dt>Waited</dt>
        <dd>{queued === undefined ? '–' : formatDuration(queued)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(item.started)}</dd>
        {item.agentId && (
          <>
            <dt>Agent</dt>
            <dd className="mono">{item.agentId}</dd>
          </>
        )}
        {needs.length > 0 && (
          <>
            <dt>Needs</dt>
            <dd>{needs.join(', ')}</dd>
          </>
        )}
      </dl>
      <TimingBar item={item} span={span} nowMs={nowMs} />
      <Failure item={item} failure={failure} />
      <p>
        <a href={routeHash({ page: 'log', workItemId: item.id })}>
          {item.state === 'Running' ? 'Follow the log' : 'Log'}
        </a>
      </p>
      {item.kind === 'test' && isFinalWorkItemState(item.state) && !item.reused && (
        <TestResults item={item} />
      )}
    </article>
  );
}
