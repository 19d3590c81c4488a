/**
 * Durations on a task's page: whether this run is unusually slow (each work item against the
 * median of the same step's earlier runs, GET api/tasks/<id>/durations), and a chart of one work
 * item's duration over time on its configuration (GET api/durations).
 */
import { useCallback, useState } from 'react';
import type { DurationPoint, Task, TaskDurations } from './api-types';
import { formatDuration } from './format';
import { LineChart } from './line-chart';
import { useDashboard, useLoad } from './use-dashboard';
import './pool-pages.css';
import './since-green.css';

type Item = TaskDurations['items'][number];

const itemLabel = (item: Item) => `${item.kind} on ${item.configurationId}`;
const times = (ratio: number) => `${ratio.toFixed(1)}×`;

/** The page's one-line verdict. */
function verdict(items: readonly Item[]): { slow: boolean; text: string } {
  const slow = items.filter((i) => i.slow);
  if (slow.length)
    return {
      slow: true,
      text: `Unusually slow: ${slow
        .map(
          (i) =>
            `${itemLabel(i)} took ${formatDuration(i.durationMs!)}, ${times(i.ratio!)} its usual ${formatDuration(i.medianMs!)}`,
        )
        .join('; ')}.`,
    };
  const judged = items.filter((i) => i.ratio !== null);
  if (judged.length === 0)
    return { slow: false, text: 'Not judged yet: too few earlier runs of these work items (3 are needed).' };
  return { slow: false, text: `Not unusually slow: ${judged.length} work item(s) within their usual time.` };
}

const dayTime = (ms: number) =>
  new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

/** The chart of a work item's step (project, branch, configuration, phase) over its runs. */
function DurationChart({ task, item }: { task: Task; item: Item }) {
  const { client } = useDashboard();
  const load = useCallback(
    (signal: AbortSignal) =>
      client.durations(
        {
          project: task.project,
          branch: task.branch,
          configuration: item.configurationId,
          kind: item.kind,
          max: 200,
        },
        signal,
      ),
    [client, task.project, task.branch, item.configurationId, item.kind],
  );
  const loaded = useLoad<readonly DurationPoint[]>(load);
  const points = (loaded.data ?? []).map((p) => ({ timeMs: Date.parse(p.finished), value: p.durationMs }));
  if (loaded.error) return <p className="error">{loaded.error}</p>;
  if (points.length === 0)
    return <p className="muted">{loaded.loading ? 'Loading durations…' : 'No finished run yet.'}</p>;
  const fromMs = points[0]!.timeMs;
  const toMs = Math.max(points[points.length - 1]!.timeMs, fromMs + 60_000);
  return (
    <div data-testid="duration-chart" data-points={points.length}>
      <LineChart
        title={`Duration of ${itemLabel(item)} on ${task.branch}, ${points.length} run(s)`}
        series={[{ name: 'duration', className: 'series-running', points }]}
        fromMs={fromMs}
        toMs={toMs}
        formatValue={(v) => formatDuration(v)}
        formatTime={dayTime}
      />
    </div>
  );
}

function DurationRow({ item, chosen, choose }: { item: Item; chosen: boolean; choose: () => void }) {
  return (
    <tr data-slow={item.slow ? 'true' : 'false'} aria-selected={chosen}>
      <td>
        <button type="button" className="link-button" onClick={choose} aria-pressed={chosen}>
          {itemLabel(item)}
        </button>
      </td>
      <td className="num">{item.durationMs === null ? 'reused' : formatDuration(item.durationMs)}</td>
      <td className="num">{item.medianMs === null ? '–' : formatDuration(item.medianMs)}</td>
      <td className="num">{item.ratio === null ? '–' : times(item.ratio)}</td>
      <td className="num">{item.samples}</td>
      <td>{item.slow ? 'slow' : item.ratio === null ? 'not judged' : 'usual'}</td>
    </tr>
  );
}

/** The durations card of a task (mounted anew by the page when the task finishes). */
export function TaskDurationsCard({ task }: { task: Task }) {
  const { client } = useDashboard();
  const loaded = useLoad(useCallback((signal) => client.taskDurations(task.id, signal), [client, task.id]));
  const items = loaded.data?.items ?? [];
  const [chosen, setChosen] = useState<string>();
  if (loaded.error) return <p className="error">Durations could not be read: {loaded.error}</p>;
  if (!loaded.data || items.length === 0) return null;
  const shown = items.find((i) => i.workItemId === chosen) ?? items.find((i) => i.slow) ?? items[0]!;
  const v = verdict(items);
  return (
    <section className="card durations" aria-label="Durations" data-testid="task-durations">
      <h2>Durations</h2>
      <p className={v.slow ? 'slow-verdict' : 'muted'} data-testid="slow-verdict" data-slow={v.slow}>
        {v.text}
      </p>
      <table className="table durations-table">
        <thead>
          <tr>
            <th scope="col">Work item</th>
            <th scope="col" className="num">
              This run
            </th>
            <th scope="col" className="num">
              Usual (median)
            </th>
            <th scope="col" className="num">
              Ratio
            </th>
            <th scope="col" className="num">
              Earlier runs
            </th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <DurationRow
              key={item.workItemId}
              item={item}
              chosen={item === shown}
              choose={() => setChosen(item.workItemId)}
            />
          ))}
        </tbody>
      </table>
      <DurationChart key={shown.workItemId} task={task} item={shown} />
    </section>
  );
}
