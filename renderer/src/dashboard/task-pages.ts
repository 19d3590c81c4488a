/**
 * The task list's data: pages of the API's answer, fetched as the user scrolls to them, patched
 * in place by task events (a state change shows at once) and marked stale when the list itself
 * changed (a new task shifts every row), so the visible pages are fetched again while the old
 * rows stay on screen.
 */
import { taskListPageSize } from '../../../runner/core/instance-api-history';
import { isFinalTaskState, type TaskState } from '../../../runner/core/model';
import type { StoreEvent, Task, TaskPage } from './api-types';

/** Loaded pages of one filtered task list. */
export class TaskPages {
  total: number | undefined;
  /** Grows at every invalidate(): a page fetched before it is kept but stays stale. */
  generation = 0;
  private readonly pages = new Map<number, Task[]>();
  private readonly stale = new Set<number>();

  constructor(readonly pageSize = taskListPageSize) {}

  /** The task at a row, or undefined while its page is not loaded. */
  rowAt(index: number): Task | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Pages covering rows first..last that are missing or stale. */
  pagesToFetch(first: number, last: number): number[] {
    const result: number[] = [];
    for (let page = Math.floor(first / this.pageSize); page <= Math.floor(last / this.pageSize); page++) {
      if (!this.pages.has(page) || this.stale.has(page)) result.push(page);
    }
    return result;
  }

  /** Keep a fetched page (asked for at `generation`). */
  store(page: number, answer: TaskPage, generation = this.generation): void {
    this.total = answer.total;
    this.pages.set(page, [...answer.tasks]);
    if (generation === this.generation) this.stale.delete(page);
    else this.stale.add(page);
  }

  /** Every loaded page must be fetched again (tasks were added or removed). */
  invalidate(): void {
    this.generation++;
    for (const page of this.pages.keys()) this.stale.add(page);
  }

  /**
   * Apply a task event; returns 'changed' (a row was patched), 'refetch' (the list moved: a new
   * task, or a state change under a state filter) or 'none'.
   */
  apply(event: StoreEvent, stateFiltered = false): 'changed' | 'refetch' | 'none' {
    if (event.kind === 'task.created') return 'refetch';
    if (event.kind !== 'task.state') return 'none';
    if (stateFiltered) return 'refetch';
    const to = event.payload.to as TaskState;
    for (const rows of this.pages.values()) {
      const at = rows.findIndex((t) => t.id === event.subject);
      if (at < 0) continue;
      rows[at] = withState(rows[at]!, to, event.time, event.payload.reason);
      return 'changed';
    }
    return 'none';
  }
}

/** The task after a state change at `time`, as the store records it. */
export function withState(task: Task, to: TaskState, time: string, reason: unknown): Task {
  const requeue = to === 'Initializing';
  return {
    ...task,
    state: to,
    started: requeue ? null : to === 'Running' ? (task.started ?? time) : task.started,
    finished: isFinalTaskState(to) ? time : null,
    resultReason: typeof reason === 'string' ? reason : requeue ? null : task.resultReason,
  };
}
