import { describe, expect, test } from 'vitest';
import type { InstanceStatus } from '../../../../../electron/common/instance-schemas';
import type { LocalRunnerState } from '../../../../../electron/common/local-runner-contract';
import { trayStateOf } from '../../../../../electron/services/notifications/tray-state';
import {
  watchedProfile,
  watchedRunner,
  type WatchHealth,
} from '../../../../../electron/services/notifications/watched-instance';

const connected = {
  state: 'connected' as const,
  attempt: 0,
  nextAttemptAt: null,
  error: null,
  hostKey: null,
};
const status = (over: Partial<InstanceStatus>): InstanceStatus => ({
  profileId: 'master',
  connection: connected,
  instance: null,
  service: null,
  version: null,
  disk: null,
  activity: null,
  problems: [],
  checkedAt: '2026-01-01T10:00:00Z',
  ...over,
});
const service = (state: NonNullable<InstanceStatus['service']>['state'], subState: string) => ({
  manager: 'systemd' as const,
  state,
  subState,
  since: '2026-01-01T09:00:00Z',
  pid: null,
  port: null,
  detail: '',
});

describe("a profile's status at a glance, as a watched instance", () => {
  test('the service state decides, with its latest tasks', () => {
    const tasks = [{ id: 't1', project: 'qt/qtbase', branch: 'dev', state: 'Running', created: '' }];
    const watched = watchedProfile(
      'master',
      'Master',
      status({ service: service('active', 'running'), activity: { agents: {}, tasks } }),
    );
    expect(watched).toEqual({
      key: 'profile:master',
      name: 'Master',
      health: 'running',
      detail: 'active (running)',
      since: '2026-01-01T09:00:00Z',
      tasks: [{ id: 't1', project: 'qt/qtbase', branch: 'dev', state: 'Running' }],
      stoppedOnRequest: false,
    });
    const healths = (['failed', 'inactive', 'activating', 'deactivating', 'unknown'] as const).map(
      (s) => watchedProfile('m', 'M', status({ service: service(s, 'x') })).health,
    );
    expect(healths).toEqual(['failed', 'stopped', 'starting', 'stopping', 'unknown']);
  });

  test('a connection that is not up makes it unreachable, with the reason', () => {
    const dropped = { ...connected, state: 'reconnecting' as const, attempt: 2, error: 'ECONNRESET' };
    expect(watchedProfile('m', 'M', status({ connection: dropped }))).toMatchObject({
      health: 'unreachable',
      detail: 'reconnecting: ECONNRESET',
      tasks: null,
    });
  });
});

test('a hosted runner that exited on its own counts as failed, with its problem as detail', () => {
  const runner: LocalRunnerState = {
    workingDir: '/w',
    phase: 'exited',
    pid: null,
    port: null,
    url: null,
    since: '2026-01-01T10:00:00Z',
    exit: null,
    problem: 'The runner was killed by SIGKILL.',
    startTimeoutMs: 60_000,
    other: null,
  };
  expect(watchedRunner(runner, null)).toMatchObject({
    key: 'local-runner:/w',
    name: 'Local runner /w',
    health: 'failed',
    detail: 'The runner was killed by SIGKILL.',
  });
  const running = { ...runner, phase: 'running' as const, port: 4000, problem: null };
  expect(watchedRunner(running, []).detail).toBe('running on port 4000');
  const exit = { code: 0, signal: null, requested: true, timedOut: false, at: '', lastLines: [] };
  expect(watchedRunner({ ...runner, phase: 'stopped', exit, problem: null }, null)).toMatchObject({
    health: 'stopped',
    stoppedOnRequest: true,
  });
});

describe('the tray for the pinned instance', () => {
  test('nothing pinned: grey, and it says so', () => {
    expect(trayStateOf(null)).toEqual({
      icon: 'idle',
      tooltip: 'Coin Admin: no instance pinned',
      statusLine: 'No instance pinned',
    });
  });

  test('each health has its colour; running integrations are counted', () => {
    const base = {
      key: 'k',
      name: 'Master',
      detail: 'active (running)',
      since: null,
      tasks: null,
      stoppedOnRequest: false,
    };
    const healths: WatchHealth[] = [
      'running',
      'starting',
      'stopping',
      'stopped',
      'unknown',
      'failed',
      'unreachable',
    ];
    expect(healths.map((health) => trayStateOf({ ...base, health }).icon)).toEqual([
      'ok',
      'busy',
      'busy',
      'idle',
      'idle',
      'error',
      'error',
    ]);
    const tasks = [
      { id: '1', project: 'p', branch: 'b', state: 'Running' },
      { id: '2', project: 'p', branch: 'b', state: 'Initializing' },
      { id: '3', project: 'p', branch: 'b', state: 'Failed' },
    ];
    expect(trayStateOf({ ...base, health: 'running', tasks })).toEqual({
      icon: 'ok',
      tooltip: 'Coin Admin — Master: running (active (running)), 2 integrations running',
      statusLine: 'Master: running (active (running)), 2 integrations running',
    });
  });
});
