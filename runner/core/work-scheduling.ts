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

/**
 * The decisions above kept up to date as the items of a running task change state: what is ready
 * to start, what an insignificant failure blocks, and where the task stands, each at the cost of
 * the change (the item and those that depend on it) rather than of the whole task. A drive loop
 * that ran the functions above over every item at every change cost a task of n items n² steps.
 */
export class WorkSchedule<T extends SchedulableItem> {
  private readonly items = new Map<string, T>();
  private readonly order = new Map<string, number>();
  private readonly dependents = new Map<string, string[]>();
  private readonly counts = new Map<WorkItemState, number>();
  /** Queued items whose dependencies are all Done and that were not taken yet. */
  private readonly ready = new Set<string>();
  private readonly taken = new Set<string>();
  /** Queued items that depend on an Insignificant one. */
  private readonly blocked = new Set<string>();

  constructor(items: readonly T[]) {
    items.forEach((item, index) => {
      this.order.set(item.id, index);
      this.items.set(item.id, item);
      this.count(item.state, 1);
      for (const dependency of item.dependsOn) {
        const list = this.dependents.get(dependency);
        if (list) list.push(item.id);
        else this.dependents.set(dependency, [item.id]);
      }
    });
    for (const item of items) this.judge(item.id);
  }

  /** The item's new record (a state change). */
  update(item: T): void {
    const before = this.items.get(item.id);
    if (!before) return;
    this.items.set(item.id, item);
    this.count(before.state, -1);
    this.count(item.state, 1);
    this.judge(item.id);
    for (const dependent of this.dependents.get(item.id) ?? []) this.judge(dependent);
  }

  /** Ready items not taken before, in the task's order; each is handed out once. */
  take(): T[] {
    const ids = [...this.ready].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    this.ready.clear();
    ids.forEach((id) => this.taken.add(id));
    return ids.map((id) => this.items.get(id)!);
  }

  /** Queued items an Insignificant dependency keeps from running, in the task's order. */
  blockedItems(): T[] {
    return [...this.blocked]
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!)
      .map((id) => this.items.get(id)!);
  }

  /** Where the task stands (taskProgress, from the counts). */
  progress(): 'running' | 'passed' | 'failed' {
    if (this.counted('Failed') + this.counted('Cancelled') > 0) return 'failed';
    if (this.counted('Done') + this.counted('Insignificant') === this.items.size) return 'passed';
    return 'running';
  }

  private counted(state: WorkItemState): number {
    return this.counts.get(state) ?? 0;
  }

  private count(state: WorkItemState, by: number): void {
    this.counts.set(state, this.counted(state) + by);
  }

  private judge(id: string): void {
    const item = this.items.get(id);
    this.ready.delete(id);
    this.blocked.delete(id);
    if (!item || item.state !== 'Queued') return;
    const states = item.dependsOn.map((d) => this.items.get(d)?.state);
    if (states.includes('Insignificant')) this.blocked.add(id);
    else if (!this.taken.has(id) && states.every((s) => s === 'Done')) this.ready.add(id);
  }
}
