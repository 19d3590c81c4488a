/** How the CLI shows tasks and work items (text and JSON). */
import type { TaskRecord, WorkItemRecord } from '../node/store/store-records';
import { textTable } from './text-table';

export interface TaskDetail {
  task: TaskRecord;
  workItems: WorkItemRecord[];
}

/** The JSON `--json` prints for one task. */
export function taskJson(detail: TaskDetail): object {
  const { task, workItems } = detail;
  return {
    id: task.id,
    project: task.project,
    branch: task.branch,
    sha: task.sha,
    state: task.state,
    reason: task.resultReason,
    created: task.created,
    started: task.started,
    finished: task.finished,
    workItems: workItems.map((w) => ({
      id: w.id,
      kind: w.kind,
      configuration: w.configurationId,
      state: w.state,
      reused: w.reused,
      started: w.started,
      finished: w.finished,
      failure: w.failureReason ? { kind: w.failureKind, reason: w.failureReason } : null,
    })),
  };
}

function seconds(from: string | null, to: string | null): string {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A task and its work items as text. */
export function formatTask(detail: TaskDetail): string {
  const { task, workItems } = detail;
  const head = `Task ${task.id}: ${task.project} ${task.branch} ${task.sha?.slice(0, 12) ?? ''}  ${task.state}`;
  const rows = workItems.map((w) => [
    w.kind,
    w.configurationId,
    w.state + (w.reused ? ' (reused)' : ''),
    seconds(w.started, w.finished),
    w.failureReason ? `${w.failureKind}: ${w.failureReason}` : '',
  ]);
  const reason = task.resultReason ? `\n${task.resultReason}` : '';
  return `${head}${reason}\n\n${textTable(['kind', 'configuration', 'state', 'time', 'failure'], rows)}`;
}

/** The task list as text. */
export function formatTasks(tasks: readonly TaskRecord[]): string {
  const rows = tasks.map((t) => [t.id, t.project, t.branch, t.state, t.created, t.sha?.slice(0, 12) ?? '']);
  return textTable(['id', 'project', 'branch', 'state', 'created', 'sha'], rows);
}
