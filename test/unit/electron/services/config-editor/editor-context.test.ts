import { expect, test } from 'vitest';
import type { KnownConfiguration } from '../../../../../electron/common/config-editor-contract';
import type { ConnectionProfile } from '../../../../../electron/common/instance-schemas';
import type { TaskRecord, WorkItemRecord } from '../../../../../runner/core/records';
import {
  gatherEditorContext,
  mergeConfigurations,
} from '../../../../../electron/services/config-editor/editor-context';
import type { InstanceReader } from '../../../../../electron/services/config-editor/instance-api-client';

const now = Date.parse('2030-01-10T00:00:00Z');
const hour = 3_600_000;

const local: ConnectionProfile = {
  id: 'local',
  name: 'Local',
  kind: 'local',
  coinDir: '',
  workingDir: '/srv/coin',
  instanceKind: 'local',
  serviceManager: 'coin-service',
  instancePort: 0,
};

/** A fake instance with `count` tasks, one per hour back from now, newest first; records every call. */
function fakeInstance(count: number) {
  const calls: string[] = [];
  const tasks: TaskRecord[] = Array.from({ length: count }, (_, i) => ({
    id: `T${i}`,
    type: 'Integration',
    project: i % 2 ? 'qt/qtbase' : 'qt/qtsvg',
    branch: 'dev',
    sha: null,
    testedChanges: [],
    state: 'Passed',
    created: new Date(now - i * hour).toISOString(),
    started: new Date(now - i * hour + 60_000).toISOString(),
    finished: new Date(now - i * hour + 600_000).toISOString(),
    source: {},
    resultReason: null,
  }));
  const reader: InstanceReader = {
    async tasks({ start, max }) {
      calls.push(`tasks ${start}+${max}`);
      return { total: tasks.length, start, tasks: tasks.slice(start, start + max) };
    },
    async taskDetail(id) {
      calls.push(`detail ${id}`);
      const workItems = [{ configurationId: id === 'T0' ? 'qnx' : 'local-linux-x86_64' } as WorkItemRecord];
      return { task: tasks.find((t) => t.id === id)!, workItems };
    },
  };
  return { reader, calls };
}

const offered: KnownConfiguration[] = [
  { id: 'local-linux-x86_64', source: 'local host', workItems: 0, properties: { 'host.os': 'Linux' } },
];

test('the context of a running instance: lanes, recorded integrations of the period, configurations in use', async () => {
  const { reader, calls } = fakeInstance(30);
  const context = await gatherEditorContext({
    profile: local,
    instance: { reader, url: 'http://127.0.0.1:1/coin/' },
    problem: null,
    days: 0.5,
    nowMs: now,
    limits: { maxTasks: 3000, minTasks: 10, detailTasks: 3 },
    localConfigurations: () => offered,
  });
  expect(context.instance).toEqual({ running: true, url: 'http://127.0.0.1:1/coin/', problem: null });
  expect(context.lanes.map((l) => [l.lane, l.tasks])).toEqual([
    ['qt/qtsvg/dev', 15],
    ['qt/qtbase/dev', 15],
  ]);
  expect(context.integrations.map((i) => i.id)).toEqual([
    'T12',
    'T11',
    'T10',
    'T9',
    'T8',
    'T7',
    'T6',
    'T5',
    'T4',
    'T3',
    'T2',
    'T1',
    'T0',
  ]);
  expect(context.configurations).toEqual([
    { ...offered[0], workItems: 2 },
    { id: 'qnx', source: 'task history', workItems: 1, properties: null },
  ]);
  expect(calls).toEqual(['tasks 0+500', 'detail T0', 'detail T1', 'detail T2']);
  expect([context.tasksRead, context.truncated, context.problems]).toEqual([30, false, []]);
});

test('history is read in pages until it is old enough, and never beyond the limit', async () => {
  const { reader, calls } = fakeInstance(1600);
  const week = await gatherEditorContext({
    profile: local,
    instance: { reader, url: 'u' },
    problem: null,
    days: 60,
    nowMs: now,
    limits: { maxTasks: 1000, minTasks: 10, detailTasks: 0 },
    localConfigurations: () => [],
  });
  expect(calls).toEqual(['tasks 0+500', 'tasks 500+500']);
  expect([week.tasksRead, week.truncated]).toEqual([1000, true]);
  calls.length = 0;
  await gatherEditorContext({
    profile: local,
    instance: { reader, url: 'u' },
    problem: null,
    days: 1,
    nowMs: now,
    limits: { maxTasks: 3000, minTasks: 500, detailTasks: 0 },
    localConfigurations: () => [],
  });
  expect(calls, 'one page reaches a day back and holds the minimum').toEqual(['tasks 0+500']);
});

test('an instance that does not run still gives the configurations of this computer, and says why', async () => {
  const context = await gatherEditorContext({
    profile: local,
    instance: null,
    problem: 'Local is not running: start it first',
    days: 7,
    nowMs: now,
    localConfigurations: () => offered,
  });
  expect(context.instance).toEqual({
    running: false,
    url: null,
    problem: 'Local is not running: start it first',
  });
  expect([context.lanes, context.integrations, context.configurations]).toEqual([[], [], offered]);
});

test('a remote profile has no local configurations; a failing read of work items is a problem, not a failure', async () => {
  const { reader } = fakeInstance(3);
  const broken = { ...reader, taskDetail: async () => Promise.reject(new Error('HTTP 500')) };
  const remote = {
    ...local,
    kind: 'ssh',
    host: 'h',
    port: 22,
    user: 'u',
    auth: { method: 'agent' },
    jump: null,
    coinDir: '/c',
  } as const;
  const context = await gatherEditorContext({
    profile: remote,
    instance: { reader: broken, url: 'u' },
    problem: null,
    days: 7,
    nowMs: now,
    localConfigurations: () => {
      throw new Error('must not be asked');
    },
  });
  expect(context.configurations).toEqual([]);
  expect(context.problems).toEqual(['work items of the recent tasks: HTTP 500']);
  expect(mergeConfigurations([], new Map([['x', 3]]))).toEqual([
    { id: 'x', properties: null, source: 'task history', workItems: 3 },
  ]);
});
