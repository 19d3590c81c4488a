/**
 * How a task's work items are laid out: one lane per configuration, each lane in the order the
 * work runs (dependency builds, the module's build, its test), with what each item waits for.
 */
import {
  classifyWorkItems,
  failureClassMeaning,
  failureClassTitle,
  type FailureClass,
} from '../../../runner/core/failure-classification';
import { workItemKinds } from '../../../runner/core/model';
import type { TaskDetail, TestResult, WorkItem, WorkItemFailure } from './api-types';

/** One configuration's work items, in running order. */
export interface Lane {
  configurationId: string;
  items: WorkItem[];
}

/** The project a work item belongs to, read from its id (`<task>.<kind>.<owner_repo>.<configuration>`). */
export function projectOfWorkItem(item: WorkItem): string {
  const prefix = `${item.taskId}.${item.kind}.`;
  const suffix = `.${item.configurationId}`;
  if (!item.id.startsWith(prefix) || !item.id.endsWith(suffix)) return '';
  return item.id.slice(prefix.length, item.id.length - suffix.length).replace('_', '/');
}

/** A short name: `build qt/qtbase`. */
export function workItemLabel(item: WorkItem): string {
  const project = projectOfWorkItem(item);
  return project ? `${item.kind} ${project}` : item.kind;
}

function rank(item: WorkItem): number {
  return workItemKinds.indexOf(item.kind);
}

/** Orders items so each comes after what it depends on (ties: kind order, then label). */
function runningOrder(items: readonly WorkItem[]): WorkItem[] {
  const ids = new Set(items.map((i) => i.id));
  const waiting = new Map(
    items.map((i) => [i.id, i.dependsOn.filter((d) => ids.has(d) && d !== i.id).length]),
  );
  const ordered: WorkItem[] = [];
  const pending = [...items];
  while (pending.length) {
    const ready = pending.filter((i) => waiting.get(i.id) === 0);
    const next = (ready.length ? ready : pending).sort(
      (a, b) => rank(a) - rank(b) || workItemLabel(a).localeCompare(workItemLabel(b)),
    )[0]!;
    ordered.push(next);
    pending.splice(pending.indexOf(next), 1);
    for (const other of pending) {
      if (other.dependsOn.includes(next.id)) waiting.set(other.id, (waiting.get(other.id) ?? 1) - 1);
    }
  }
  return ordered;
}

/** The lanes of a task, by configuration id. */
export function workItemLanes(items: readonly WorkItem[]): Lane[] {
  const byConfiguration = new Map<string, WorkItem[]>();
  for (const item of items) {
    const lane = byConfiguration.get(item.configurationId) ?? [];
    lane.push(item);
    byConfiguration.set(item.configurationId, lane);
  }
  return [...byConfiguration]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([configurationId, laneItems]) => ({ configurationId, items: runningOrder(laneItems) }));
}

/** What kind of failure it was, in the words the guide asks administrators to tell apart. */
export function failureKindText(kind: FailureClass): string {
  return `${failureClassTitle(kind)}: ${failureClassMeaning(kind)}`;
}

/** The task's classified failures: the instance's, or classified here (without test results). */
export function taskFailures(detail: TaskDetail): readonly WorkItemFailure[] {
  return detail.failures ?? classifyWorkItems(detail.workItems);
}

const outcomeOrder: Record<TestResult['outcome'], number> = { failed: 0, flaky: 1, skipped: 2, passed: 3 };

/** Test results with failed, then flaky, first; by name within each. */
export function sortTestResults(results: readonly TestResult[]): TestResult[] {
  return [...results].sort(
    (a, b) => outcomeOrder[a.outcome] - outcomeOrder[b.outcome] || a.name.localeCompare(b.name),
  );
}
