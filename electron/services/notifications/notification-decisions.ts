/**
 * Which changes of the watched instances deserve a native notification: an instance that fails,
 * one that stops running, a task that fails. Pure functions of two snapshots, plus a ledger that
 * makes sure one event is announced once, however often it is seen.
 */
import type { WatchedInstance } from './watched-instance';

/** What a notification is about. */
export type NotificationKind = 'instance-failed' | 'instance-stopped' | 'task-failed';

/** One notification to show. */
export interface DeskNotification {
  /** The same event always has the same key (the ledger's de-duplication). */
  key: string;
  kind: NotificationKind;
  /** The watched instance's key. */
  target: string;
  title: string;
  body: string;
}

const upStates = new Set(['running', 'starting']);

/** Notifications about the instance itself: failed (also when first seen failed), or no longer running unasked. */
export function instanceNotifications(
  previous: WatchedInstance | undefined,
  next: WatchedInstance,
): DeskNotification[] {
  const base = { target: next.key };
  if (next.health === 'failed' && previous?.health !== 'failed')
    return [
      {
        ...base,
        key: `instance-failed:${next.key}:${next.since ?? ''}`,
        kind: 'instance-failed',
        title: `${next.name} has failed`,
        body: next.detail,
      },
    ];
  if (next.health === 'stopped' && !next.stoppedOnRequest && previous && upStates.has(previous.health))
    return [
      {
        ...base,
        key: `instance-stopped:${next.key}:${next.since ?? ''}`,
        kind: 'instance-stopped',
        title: `${next.name} is no longer running`,
        body: next.detail,
      },
    ];
  return [];
}

/** Tasks that are Failed now and were not before; nothing on first sight (that is history). */
export function taskNotifications(
  previous: WatchedInstance | undefined,
  next: WatchedInstance,
): DeskNotification[] {
  if (!previous?.tasks || !next.tasks) return [];
  const before = new Map(previous.tasks.map((t) => [t.id, t.state]));
  return next.tasks
    .filter((task) => task.state === 'Failed' && before.get(task.id) !== 'Failed')
    .map((task) => ({
      key: `task-failed:${next.key}:${task.id}`,
      kind: 'task-failed' as const,
      target: next.key,
      title: `Integration failed on ${next.name}`,
      body: `${task.project} ${task.branch} (task ${task.id})`,
    }));
}

/** Remembers announced keys (the newest `capacity` of them). */
export class NotificationLedger {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  /** True the first time a key is offered. */
  admit(notification: DeskNotification): boolean {
    if (this.seen.has(notification.key)) return false;
    this.seen.add(notification.key);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

/** Everything new between two snapshots of the watched instances, de-duplicated by the ledger. */
export function decideNotifications(
  previous: ReadonlyMap<string, WatchedInstance>,
  next: readonly WatchedInstance[],
  ledger: NotificationLedger,
): DeskNotification[] {
  return next
    .flatMap((instance) => [
      ...instanceNotifications(previous.get(instance.key), instance),
      ...taskNotifications(previous.get(instance.key), instance),
    ])
    .filter((notification) => ledger.admit(notification));
}
