import { useCallback, useMemo } from 'react';
import type { StoreEvent, TaskDetail } from './api-types';
import { elapsed, formatDuration, formatTime, shortSha } from './format';
import { routeHash } from './route';
import { servedByRunner } from './served-by-runner';
import { StateBadge } from './state-badge';
import { SinceGreenPanel } from './since-green-panel';
import { TaskBugReport } from './task-bug-report';
import { TaskControls } from './task-controls';
import { TaskDurationsCard } from './task-durations';
import { useDashboard, useLoad, useNow, useStreamListener, useThrottled } from './use-dashboard';
import { FailureLead } from './failure-view';
import { FailureReason, WorkItemCard, type TimeSpan } from './work-item-card';
import { taskFailures, workItemLabel, workItemLanes } from './work-item-lanes';

/** True when the event changes the task or one of its work items. */
function concerns(event: StoreEvent, taskId: string): boolean {
  return event.subject === taskId || event.payload.taskId === taskId;
}

function TaskSummary({ detail, nowMs }: { detail: TaskDetail; nowMs: number }) {
  const { task } = detail;
  const duration = elapsed(task.started, task.finished, nowMs);
  const reused = detail.workItems.filter((w) => w.reused).length;
  return (
    <div className="card task-summary" data-testid="task-summary">
      <div className="summary-line">
        <StateBadge state={task.state} />
        <span className="strong">{task.project}</span>
        <span>{task.branch}</span>
        <span className="mono">{shortSha(task.sha, 12)}</span>
        <span>{task.type}</span>
      </div>
      <dl className="facts facts-wide">
        <dt>Created</dt>
        <dd>{formatTime(task.created)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(task.started)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(task.finished)}</dd>
        <dt>Duration</dt>
        <dd>{duration === undefined ? '–' : formatDuration(duration)}</dd>
        <dt>Work items</dt>
        <dd>
          {detail.workItems.length}
          {reused ? ` (${reused} reused)` : ''}
        </dd>
      </dl>
      <TaskReason detail={detail} />
    </div>
  );
}

/** Why the task failed: its first failed work item's failure, led by the failing test; else the reason it was given. */
function TaskReason({ detail }: { detail: TaskDetail }) {
  const lead = taskFailures(detail)[0];
  const reason = detail.task.resultReason;
  if (!lead && !reason) return null;
  return (
    <div className="task-reason" data-testid="task-reason">
      {lead ? (
        <FailureLead item={detail.workItems.find((w) => w.id === lead.workItemId)} failure={lead} />
      ) : (
        <FailureReason reason={reason!} />
      )}
    </div>
  );
}

/** The task's time axis: from its first work item's start to the last one's end (or now). */
function timeSpan(detail: TaskDetail, nowMs: number): TimeSpan {
  const starts = detail.workItems.filter((w) => w.started).map((w) => Date.parse(w.started!));
  const ends = detail.workItems.map((w) => (w.finished ? Date.parse(w.finished) : w.started ? nowMs : 0));
  const startMs = starts.length ? Math.min(...starts) : nowMs;
  return { startMs, endMs: Math.max(startMs + 1, ...ends) };
}

/** One task: its summary, and its work items as lanes per configuration, live. */
export function TaskDetailPage({ taskId }: { taskId: string }) {
  const dashboard = useDashboard();
  const { client } = dashboard;
  const nowMs = useNow(1000);
  const detail = useLoad(useCallback((signal) => client.taskDetail(taskId, signal), [client, taskId]));
  const reload = useThrottled(detail.reload, 300);
  useStreamListener({ event: (e) => concerns(e, taskId) && reload(), resync: reload });
  const data = detail.data;
  const lanes = useMemo(() => workItemLanes(data?.workItems ?? []), [data]);
  const labels = useMemo(() => new Map((data?.workItems ?? []).map((w) => [w.id, workItemLabel(w)])), [data]);
  const failures = useMemo(
    () => new Map((data ? taskFailures(data) : []).map((f) => [f.workItemId, f])),
    [data],
  );
  const span = data ? timeSpan(data, nowMs) : { startMs: 0, endMs: 1 };
  return (
    <section className="page" data-testid="page-task">
      <header className="page-header">
        <p className="crumbs">
          <a href={routeHash({ page: 'integrations', filters: {} })}>Integrations</a> ›
        </p>
        <h1>
          Task <span className="mono">{taskId}</span>
        </h1>
      </header>
      {detail.error && (
        <p className="error" role="alert">
          {detail.error}
        </p>
      )}
      {data && <TaskSummary detail={data} nowMs={nowMs} />}
      {data && (servedByRunner(document) || dashboard.control) && (
        <TaskControls detail={data} base={client.base} />
      )}
      {data && <TaskBugReport detail={data} />}
      {data?.task.state === 'Failed' && (
        <SinceGreenPanel key={`since-green ${data.task.finished}`} task={data.task} />
      )}
      {data && lanes.length === 0 && <p className="muted">No work items planned yet.</p>}
      {lanes.map((lane) => (
        <section
          key={lane.configurationId}
          className="lane"
          aria-label={`Configuration ${lane.configurationId}`}
        >
          <h2 className="lane-title mono">{lane.configurationId}</h2>
          <div className="lane-items">
            {lane.items.map((item, index) => (
              <div key={item.id} className="lane-step">
                {index > 0 && (
                  <span className="arrow" aria-hidden="true">
                    →
                  </span>
                )}
                <WorkItemCard
                  item={item}
                  failure={failures.get(item.id)}
                  labels={labels}
                  span={span}
                  nowMs={nowMs}
                />
              </div>
            ))}
          </div>
        </section>
      ))}
      {data && <TaskDurationsCard key={`durations ${data.task.finished}`} task={data.task} />}
    </section>
  );
}
