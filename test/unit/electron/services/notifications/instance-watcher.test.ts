// The watcher against fake sources: which instances it reads, what the tray shows, what it announces.
import { expect, test } from 'vitest';
import type { InstanceStatus } from '../../../../../electron/common/instance-schemas';
import type { LocalRunnerState, WatchSettings } from '../../../../../electron/common/local-runner-contract';
import {
  InstanceWatcher,
  type WatcherSources,
} from '../../../../../electron/services/notifications/instance-watcher';
import type { DeskNotification } from '../../../../../electron/services/notifications/notification-decisions';
import type { TrayState } from '../../../../../electron/services/notifications/tray-state';

const connected = {
  state: 'connected' as const,
  attempt: 0,
  nextAttemptAt: null,
  error: null,
  hostKey: null,
};

function statusOf(state: 'active' | 'failed', tasks: { id: string; state: string }[]): InstanceStatus {
  return {
    profileId: 'master',
    connection: connected,
    instance: null,
    service: {
      manager: 'systemd',
      state,
      subState: state === 'active' ? 'running' : 'failed',
      since: state,
      pid: null,
      port: null,
      detail: '',
    },
    version: null,
    disk: null,
    activity: {
      agents: {},
      tasks: tasks.map((t) => ({ ...t, project: 'qt/qtbase', branch: 'dev', created: '' })),
    },
    problems: [],
    checkedAt: '',
  };
}

const runner = (phase: LocalRunnerState['phase']): LocalRunnerState => ({
  workingDir: '/w',
  phase,
  pid: null,
  port: phase === 'running' ? 4000 : null,
  url: null,
  since: phase,
  exit: null,
  problem: phase === 'exited' ? 'The runner was killed by SIGKILL.' : null,
  startTimeoutMs: 60_000,
  other: null,
});

/** Sources whose answers the test changes between polls; every status request is recorded. */
function fakeSources(settings: WatchSettings) {
  const world = {
    settings,
    master: statusOf('active', [{ id: 't1', state: 'Running' }]),
    runners: [runner('running')],
    runnerTasks: [{ id: 'r1', project: 'demo/tool', branch: 'main', state: 'Running' }],
    asked: [] as string[],
  };
  const sources: WatcherSources = {
    api: {
      watchRead: async () => world.settings,
      profilesList: async () => ({
        profiles: [
          { id: 'master', name: 'Production master' },
          { id: 'other', name: 'Other' },
        ] as never,
      }),
      instanceStatus: async ({ profileId }) => {
        world.asked.push(profileId);
        if (profileId !== 'master') throw new Error('connection refused');
        return world.master;
      },
    },
    runners: { list: () => world.runners, status: () => runner('stopped') },
    runnerTasks: async () => world.runnerTasks,
  };
  return { world, sources };
}

function recorder() {
  const trays: TrayState[] = [];
  const notes: DeskNotification[] = [];
  return {
    trays,
    notes,
    outputs: { tray: (s: TrayState) => trays.push(s), notify: (n: DeskNotification) => notes.push(n) },
  };
}

test('the pinned profile drives the tray; its failed task and failure are announced once each', async () => {
  const { world, sources } = fakeSources({
    pinned: { kind: 'profile', profileId: 'master' },
    watchedProfiles: [],
    notifications: true,
  });
  const { trays, notes, outputs } = recorder();
  const watcher = new InstanceWatcher(sources, outputs);
  await watcher.poll();
  expect(trays.at(-1)).toMatchObject({
    icon: 'ok',
    statusLine: 'Production master: running (active (running)), 1 integration running',
  });
  expect(notes).toEqual([]);

  world.master = statusOf('active', [{ id: 't1', state: 'Failed' }]);
  await watcher.poll();
  world.master = statusOf('failed', [{ id: 't1', state: 'Failed' }]);
  await watcher.poll();
  await watcher.poll();
  expect(notes.map((n) => n.title)).toEqual([
    'Integration failed on Production master',
    'Production master has failed',
  ]);
  expect(trays.at(-1)?.icon).toBe('error');
  expect(world.asked.every((id) => id === 'master')).toBe(true);
});

test('hosted runners are always watched: a crash is announced, with the reason as its body', async () => {
  const { world, sources } = fakeSources({ pinned: null, watchedProfiles: [], notifications: true });
  const { trays, notes, outputs } = recorder();
  const watcher = new InstanceWatcher(sources, outputs);
  await watcher.poll();
  world.runners = [runner('exited')];
  await watcher.poll();
  expect(notes).toEqual([
    expect.objectContaining({
      title: 'Local runner /w has failed',
      body: 'The runner was killed by SIGKILL.',
    }),
  ]);
  expect(trays.at(-1)).toMatchObject({ icon: 'idle', statusLine: 'No instance pinned' });
});

test('notifications off: the tray still follows, nothing is announced; an unreadable profile is no error', async () => {
  const { world, sources } = fakeSources({
    pinned: { kind: 'local-runner', workingDir: '/w' },
    watchedProfiles: ['other', 'deleted'],
    notifications: false,
  });
  const { trays, notes, outputs } = recorder();
  const watcher = new InstanceWatcher(sources, outputs);
  await watcher.poll();
  world.runners = [runner('exited')];
  await watcher.poll();
  expect(notes).toEqual([]);
  expect(trays.map((t) => t.icon)).toEqual(['ok', 'error']);
  expect(world.asked).toEqual(['other', 'other']);
});

test('start polls at once and on the interval; stop ends it', async () => {
  const { sources } = fakeSources({ pinned: null, watchedProfiles: [], notifications: true });
  const { trays, outputs } = recorder();
  const watcher = new InstanceWatcher(sources, outputs, 20);
  watcher.start();
  await expect.poll(() => trays.length).toBeGreaterThanOrEqual(3);
  await watcher.stop();
  const count = trays.length;
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(trays.length).toBe(count);
});
