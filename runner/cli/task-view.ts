/** How the CLI shows tasks and work items (text; the JSON is runner/core/task-summary.ts). */
import { failureClassMeaning, failureHeadline } from '../core/failure-classification';
import type { TaskDetail, TaskRecord, WorkItemRecord } from '../core/instance-api';
import { failuresOf } from '../core/task-summary';
import { workItemName } from './short-ids';
import { textTable } from './text-table';

/** `12.3 s`, `2 min 5 s`: a duration for the terminal. */
export function formatSeconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function took(from: string | null, to: string | null): string {
  if (!from) return '';
  return formatSeconds((to ? Date.parse(to) : Date.now()) - Date.parse(from));
}

/** `test demo/tool on local-linux-x86_64`. */
export function workItemTitle(item: WorkItemRecord): string {
  const name = workItemName(item);
  const [start, end] = [`${item.kind}.`, `.${item.configurationId}`];
  const project =
    name.startsWith(start) && name.endsWith(end) && name.length > start.length + end.length
      ? ` ${name.slice(start.length, -end.length).replace('_', '/')}`
      : '';
  return `${item.kind}${project} on ${item.configurationId}`;
}

/** The failures of a task: headline, where, the module's message and cause, the command. */
function failureLines(detail: TaskDetail): string[] {
  const lines: string[] = [];
  for (const failure of failuresOf(detail)) {
    const item = detail.workItems.find((w) => w.id === failure.workItemId);
    lines.push('', `${failureHeadline(failure)}`);
    lines.push(
      `  ${failureClassMeaning(failure.kind)}; in ${item ? workItemTitle(item) : failure.workItemId}`,
    );
    for (const test of failure.failedTests.slice(1, 5))
      lines.push(`  also failed: ${test.name}${test.message ? `: ${test.message}` : ''}`);
    const said = [failure.message, failure.cause && `(${failure.cause})`].filter(Boolean).join(' ');
    if (said) lines.push(`  ${said}`);
    if (failure.at) lines.push(`  at ${failure.at}`);
    if (failure.command) lines.push(`  $ ${failure.command}`);
  }
  return lines;
}

/** A task, its failures and its work items as text, with the ids `--log` takes. */
export function formatTask(detail: TaskDetail): string {
  const { task, workItems } = detail;
  const head = [
    `Task ${task.id}  ${task.state}`,
    `${task.project} ${task.branch} ${task.sha?.slice(0, 12) ?? ''}, created ${task.created}` +
      (task.started ? `, ran ${took(task.started, task.finished)}` : ''),
  ];
  const rows = workItems.map((w) => [
    workItemName(w),
    w.state + (w.reused ? ' (reused)' : ''),
    took(w.started, w.finished),
  ]);
  const table = textTable(['work item', 'state', 'time'], rows);
  const example = workItems.find((w) => w.state === 'Failed') ?? workItems[0];
  const hint = example
    ? `Read a log: coin task ${task.id.slice(0, 8)} --log ${workItemName(example)} ` +
      '(or any unique start of a work item above)'
    : 'No work items yet.';
  return [...head, ...failureLines(detail), '', table, '', hint].join('\n');
}

/** The task list as text. */
export function formatTasks(tasks: readonly TaskRecord[]): string {
  const rows = tasks.map((t) => [
    t.id.slice(0, 8),
    t.project,
    t.branch,
    t.state,
    t.created,
    t.sha?.slice(0, 12) ?? '',
  ]);
  return textTable(['id', 'project', 'branch', 'state', 'created', 'sha'], rows);
}
