/** Decisions about the work items of one task, on plain values. */
import type { WorkItemState } from './model';

export interface SchedulableItem {
  id: string;
  state: WorkItemState;
  dependsOn: readonly string[];
}

/** Queued items whose dependencies are all Done, in the given order. */
export function readyItems<T extends SchedulableItem>(items: readonly T[]): T[] {
  const done = new Set(items.filter((i) => i.state === 'Done').map((i) => i.id));
  return items.filter((i) => i.state === 'Queued' && i.dependsOn.every((d) => done.has(d)));
}

/** Where a task stands given its work items. */
export function taskProgress(items: readonly SchedulableItem[]): 'running' | 'passed' | 'failed' {
  if (items.some((i) => i.state === 'Failed' || i.state === 'Cancelled')) return 'failed';
  if (items.every((i) => i.state === 'Done' || i.state === 'Insignificant')) return 'passed';
  return 'running';
}
