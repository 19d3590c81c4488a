/**
 * What people may do to integrations besides queueing them: cancel (queued or running), dequeue
 * and reprioritise queued ones, re-run a finished one at the same revisions, and retry only its
 * failed items. Every action is written to the audit trail in the same transaction as its intent,
 * so a kill in the middle leaves either nothing or something the next start completes.
 */
import type { AuditOrigin, ControlAnswer } from '../../core/instance-api-control';
import { InstanceRequestError } from '../../core/instance-errors';
import { isFinalTaskState, type TaskState } from '../../core/model';
import type { SqliteStore } from '../store/sqlite-store';
import type { TaskRecord } from '../store/store-records';
import type { TaskQueue } from './task-queue';
import type { TaskRunner } from './task-runner';

/** Who asks, and from where (the request's actor and origin headers). */
export interface Actor {
  readonly actor: string;
  readonly origin: AuditOrigin;
}

export interface TaskControlDeps {
  store: SqliteStore;
  queue: TaskQueue;
  runner: TaskRunner;
  now?: () => Date;
}

function refuse(problem: 'not-found' | 'conflict', message: string): never {
  throw new InstanceRequestError(problem, message);
}

/** The instance's control actions on tasks. */
export class TaskControl {
  constructor(private readonly deps: TaskControlDeps) {}

  private task(taskId: string): TaskRecord {
    return (
      this.deps.store.getTask(taskId) ??
      refuse('not-found', `no task ${taskId}: check the id with coin tasks`)
    );
  }

  private answer(taskId: string, newTaskId: string | null = null): ControlAnswer {
    return { taskId, state: this.task(taskId).state, newTaskId };
  }

  /**
   * Cancel a queued or running task. The request is stored first; a running task ends once its
   * agents stopped the commands, a queued one at once. Resolves when the task has ended.
   */
  async cancel(taskId: string, by: Actor, reason?: string, action: 'cancel' | 'dequeue' = 'cancel') {
    const task = this.task(taskId);
    if (isFinalTaskState(task.state))
      refuse('conflict', `task ${taskId} already ended ${task.state}: there is nothing to cancel`);
    const { store, queue, runner } = this.deps;
    const requested = (this.deps.now?.() ?? new Date()).toISOString();
    store.transaction(() => {
      store.controls.requestCancel(taskId, {
        by: by.actor,
        origin: by.origin,
        reason: reason ?? null,
        requested,
      });
      store.audit.record({
        ...by,
        action,
        subject: taskId,
        details: { reason: reason ?? null, state: task.state },
      });
    });
    if (!runner.cancel(taskId) && !queue.isStarted(taskId)) store.finishCancel(taskId);
    await this.ended(taskId);
    queue.schedule();
    return this.answer(taskId);
  }

  /** Take a queued task out of the queue (it ends Cancelled, marked as dequeued). */
  async dequeue(taskId: string, by: Actor, reason?: string): Promise<ControlAnswer> {
    this.requireQueued(taskId, 'dequeue');
    return this.cancel(taskId, by, reason ?? 'dequeued', 'dequeue');
  }

  /** Set a queued task's priority: higher starts first, 0 is everyone's default. */
  priority(taskId: string, by: Actor, priority: number): ControlAnswer {
    this.requireQueued(taskId, 'reprioritise');
    const { store } = this.deps;
    store.transaction(() => {
      const before = store.controls.priority(taskId);
      store.controls.setPriority(taskId, priority);
      store.audit.record({
        ...by,
        action: 'priority',
        subject: taskId,
        details: { before, after: priority },
      });
    });
    this.deps.queue.schedule();
    return this.answer(taskId);
  }

  /** A new integration at the same revisions, linked to this one; builds are reused by key as usual. */
  rerun(taskId: string, by: Actor): ControlAnswer {
    return this.again(taskId, by, 'rerun', ['Passed', 'Failed', 'Cancelled', 'Insignificant']);
  }

  /** A new integration that runs only the failed and cancelled items and what depends on them. */
  retry(taskId: string, by: Actor): ControlAnswer {
    const items = this.deps.store.workItemsOf(this.task(taskId).id);
    if (!items.some((i) => i.state === 'Failed' || i.state === 'Cancelled'))
      refuse('conflict', `task ${taskId} has no failed or cancelled work item to retry: use coin rerun`);
    return this.again(taskId, by, 'retry', ['Failed', 'Cancelled']);
  }

  private again(taskId: string, by: Actor, action: 'rerun' | 'retry', from: TaskState[]): ControlAnswer {
    const task = this.task(taskId);
    if (!from.includes(task.state))
      refuse('conflict', `task ${taskId} is ${task.state}: only a ${from.join(', ')} task can ${action}`);
    const { store, queue } = this.deps;
    const created = store.transaction(() => {
      const next = queue.queueAgain(task, action === 'rerun' ? 'rerunOf' : 'retryOf');
      store.audit.record({ ...by, action, subject: taskId, details: { newTaskId: next.id } });
      return next;
    });
    queue.schedule();
    return this.answer(taskId, created.id);
  }

  private requireQueued(taskId: string, what: string): void {
    const task = this.task(taskId);
    if (task.state !== 'Initializing' || this.deps.queue.isStarted(taskId))
      refuse(
        'conflict',
        `task ${taskId} is ${task.state === 'Initializing' ? 'starting' : task.state}: only a queued task can ${what}; use coin cancel`,
      );
  }

  /** Resolves once the task is in a final state (a running one ends when its agents stopped). */
  private ended(taskId: string): Promise<void> {
    if (isFinalTaskState(this.task(taskId).state)) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = this.deps.store.subscribe((event) => {
        if (event.subject !== taskId || event.kind !== 'task.state') return;
        if (!isFinalTaskState(event.payload.to as TaskState)) return;
        stop();
        resolve();
      });
      if (isFinalTaskState(this.task(taskId).state)) {
        stop();
        resolve();
      }
    });
  }
}
