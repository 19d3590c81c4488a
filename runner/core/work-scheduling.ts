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

/**
 * Queued items that can never run because something they depend on ended Insignificant (failed on
 * an insignificant configuration), directly or through another such item: they end Insignificant
 * too instead of holding the task open or failing it.
 */
export function blockedByInsignificant<T extends SchedulableItem>(items: readonly T[]): T[] {
  const state = new Map(items.map((i) => [i.id, i.state]));
  const blocked: T[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const item of items) {
      if (state.get(item.id) !== 'Queued') continue;
      if (!item.dependsOn.some((d) => state.get(d) === 'Insignificant')) continue;
      state.set(item.id, 'Insignificant');
      blocked.push(item);
      changed = true;
    }
  }
  return blocked;
}

/** Where a task stands given its work items. */
export function taskProgress(items: readonly SchedulableItem[]): 'running' | 'passed' | 'failed' {
  if (items.some((i) => i.state === 'Failed' || i.state === 'Cancelled')) return 'failed';
  if (items.every((i) => i.state === 'Done' || i.state === 'Insignificant')) return 'passed';
  return 'running';
}
