import { expect, test } from 'vitest';
import type { TaskRecord, WorkItemRecord } from '../../../../../runner/core/records';
import {
  configurationUsage,
  knownLanes,
  recordedIntegrations,
} from '../../../../../electron/services/config-editor/task-history';

const at = (minutes: number) => new Date(Date.parse('2030-01-01T08:00:00Z') + minutes * 60_000).toISOString();

function task(
  id: string,
  lane: string,
  created: number,
  run?: [number, number | null],
  extra: Partial<TaskRecord> = {},
) {
  const cut = lane.lastIndexOf('/');
  return {
    id,
    type: 'Integration',
    project: lane.slice(0, cut),
    branch: lane.slice(cut + 1),
    sha: null,
    testedChanges: [],
    state: run ? (run[1] === null ? 'Running' : 'Passed') : 'Initializing',
    created: at(created),
    started: run ? at(run[0]) : null,
    finished: run && run[1] !== null ? at(run[1]) : null,
    source: {},
    resultReason: null,
    ...extra,
  } satisfies TaskRecord as TaskRecord;
}

test('known project/branches come from every task, most recently used first, with their counts', () => {
  const lanes = knownLanes([
    task('t4', 'qt/qtsvg/dev', 30),
    task('t3', 'qt/qtbase/dev', 20),
    task('t2', 'qt/qtbase/dev', 10),
    task('t1', 'qt/qtbase/6.8', 0),
  ]);
  expect(lanes.map((l) => [l.lane, l.tasks, l.lastCreated])).toEqual([
    ['qt/qtsvg/dev', 1, at(30)],
    ['qt/qtbase/dev', 2, at(20)],
    ['qt/qtbase/6.8', 1, at(0)],
  ]);
});

test('recorded integrations: started integrations of the period, with how long they ran and what they tested', () => {
  const dependencyUpdate = [
    { kind: 'local-commit', owner: 'bot@example.org', onlyDependencies: true, stagedAt: at(1) },
  ];
  const recorded = recordedIntegrations(
    [
      task('running', 'qt/qtbase/dev', 50, [55, null]),
      task('queued', 'qt/qtbase/dev', 40),
      task('deps', 'qt/qt5/dev', 1, [2, 12], { testedChanges: dependencyUpdate }),
      task('too-old', 'qt/qtbase/dev', -100, [-99, -90]),
    ],
    Date.parse(at(0)),
    Date.parse(at(60)),
  );
  expect(recorded).toEqual([
    {
      id: 'deps',
      project: 'qt/qt5',
      branch: 'dev',
      queuedAt: Date.parse(at(1)),
      durationMs: 10 * 60_000,
      dependencyUpdate: true,
      changes: [{ owner: 'bot@example.org', stagedAt: Date.parse(at(1)), restagedByHand: false }],
      state: 'Passed',
    },
    expect.objectContaining({
      id: 'running',
      durationMs: 5 * 60_000,
      state: 'Running',
      dependencyUpdate: false,
    }),
  ]);
});

test('configuration usage counts the work items on each configuration', () => {
  const item = (configurationId: string) => ({ configurationId }) as WorkItemRecord;
  expect([...configurationUsage([item('a'), item('b'), item('a')])]).toEqual([
    ['a', 2],
    ['b', 1],
  ]);
});
