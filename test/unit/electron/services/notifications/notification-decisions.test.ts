import { describe, expect, test } from 'vitest';
import {
  decideNotifications,
  NotificationLedger,
} from '../../../../../electron/services/notifications/notification-decisions';
import type { WatchedInstance } from '../../../../../electron/services/notifications/watched-instance';

const master = (over: Partial<WatchedInstance> = {}): WatchedInstance => ({
  key: 'profile:master',
  name: 'Production master',
  health: 'running',
  detail: 'active (running)',
  since: '2026-01-01T10:00:00Z',
  tasks: [],
  stoppedOnRequest: false,
  ...over,
});
const task = (id: string, state: string) => ({ id, project: 'qt/qtbase', branch: 'dev', state });
const snapshot = (...instances: WatchedInstance[]) => new Map(instances.map((i) => [i.key, i]));

describe('instances', () => {
  test('an instance that fails is announced once, however many polls see it failed', () => {
    const ledger = new NotificationLedger();
    const failed = master({ health: 'failed', detail: 'failed (exit-code)', since: '2026-01-01T11:00:00Z' });
    const first = decideNotifications(snapshot(master()), [failed], ledger);
    expect(first).toEqual([
      {
        key: 'instance-failed:profile:master:2026-01-01T11:00:00Z',
        kind: 'instance-failed',
        target: 'profile:master',
        title: 'Production master has failed',
        body: 'failed (exit-code)',
      },
    ]);
    expect(decideNotifications(snapshot(failed), [failed], ledger)).toEqual([]);
    // Unreachable for a poll, then failed again since the same moment: the same failure.
    const unreachable = master({ health: 'unreachable', since: null, tasks: null });
    expect(decideNotifications(snapshot(unreachable), [failed], ledger)).toEqual([]);
  });

  test('a new failure after a recovery is announced again', () => {
    const ledger = new NotificationLedger();
    const failedAt = (since: string) => master({ health: 'failed', since });
    decideNotifications(snapshot(master()), [failedAt('11:00')], ledger);
    expect(decideNotifications(snapshot(master()), [failedAt('12:00')], ledger)).toHaveLength(1);
  });

  test('an instance already failed when the watch starts is announced; one already stopped is not', () => {
    const ledger = new NotificationLedger();
    expect(decideNotifications(new Map(), [master({ health: 'failed' })], ledger)).toHaveLength(1);
    expect(decideNotifications(new Map(), [master({ key: 'b', health: 'stopped' })], ledger)).toEqual([]);
  });

  test('a running instance that becomes inactive is announced as no longer running', () => {
    const stopped = master({ health: 'stopped', detail: 'inactive (dead)', since: '2026-01-01T12:00:00Z' });
    const [news] = decideNotifications(snapshot(master()), [stopped], new NotificationLedger());
    expect(news).toMatchObject({ kind: 'instance-stopped', title: 'Production master is no longer running' });
    expect(
      decideNotifications(snapshot(master({ health: 'stopping' })), [stopped], new NotificationLedger()),
    ).toEqual([]);
    const asked = { ...stopped, stoppedOnRequest: true };
    expect(
      decideNotifications(snapshot(master()), [asked], new NotificationLedger()),
      'stopped from the app',
    ).toEqual([]);
  });
});

describe('tasks', () => {
  test('a task that turns Failed is announced once; one first seen Failed is history', () => {
    const ledger = new NotificationLedger();
    const before = master({ tasks: [task('t1', 'Running'), task('t0', 'Failed')] });
    const after = master({ tasks: [task('t2', 'Failed'), task('t1', 'Failed'), task('t0', 'Failed')] });
    const news = decideNotifications(snapshot(before), [after], ledger);
    expect(news.map((n) => n.key)).toEqual([
      'task-failed:profile:master:t2',
      'task-failed:profile:master:t1',
    ]);
    expect(news[1]).toMatchObject({
      title: 'Integration failed on Production master',
      body: 'qt/qtbase dev (task t1)',
    });
    const again = master({ tasks: [task('t0', 'Failed')] });
    expect(decideNotifications(snapshot(again), [after], ledger), 'already announced').toEqual([]);
  });

  test('without a previous list of tasks there is nothing to compare, so nothing is announced', () => {
    const after = master({ tasks: [task('t1', 'Failed')] });
    expect(decideNotifications(new Map(), [after], new NotificationLedger())).toEqual([]);
    expect(decideNotifications(snapshot(master({ tasks: null })), [after], new NotificationLedger())).toEqual(
      [],
    );
  });
});

test('the ledger forgets the oldest keys beyond its capacity', () => {
  const ledger = new NotificationLedger(2);
  const n = (key: string) => ({ key, kind: 'task-failed' as const, target: 't', title: '', body: '' });
  expect([ledger.admit(n('a')), ledger.admit(n('b')), ledger.admit(n('a'))]).toEqual([true, true, false]);
  ledger.admit(n('c'));
  expect(ledger.admit(n('a'))).toBe(true);
});
