import { expect, test } from 'vitest';
import type { WorkItem } from '../../../../renderer/src/dashboard/api-types';
import {
  projectOfWorkItem,
  sortTestResults,
  workItemLanes,
} from '../../../../renderer/src/dashboard/work-item-lanes';

function item(kind: WorkItem['kind'], project: string, config: string, dependsOn: string[] = []): WorkItem {
  return {
    id: `t1.${kind}.${project.replace('/', '_')}.${config}`,
    taskId: 't1',
    kind,
    configurationId: config,
    buildKey: null,
    dependsOn: dependsOn.map((d) => `t1.${d}.${config}`),
    state: 'Queued',
    reused: false,
    agentId: null,
    created: '2026-11-28T00:00:00Z',
    started: null,
    finished: null,
    failureReason: null,
    failureKind: null,
  };
}

test('one lane per configuration, each in running order: dependency builds, build, test', () => {
  const items = [
    item('test', 'qt/qtsvg', 'linux', ['build.qt_qtsvg']),
    item('build', 'qt/qtsvg', 'linux', ['build.qt_qtbase']),
    item('build', 'qt/qtbase', 'linux'),
    item('build', 'qt/qtsvg', 'macos'),
  ];
  const lanes = workItemLanes(items);
  expect(lanes.map((l) => l.configurationId)).toEqual(['linux', 'macos']);
  expect(lanes[0]!.items.map((i) => `${i.kind} ${projectOfWorkItem(i)}`)).toEqual([
    'build qt/qtbase',
    'build qt/qtsvg',
    'test qt/qtsvg',
  ]);
});

test('failed and flaky tests come first', () => {
  const sorted = sortTestResults([
    { name: 'a', outcome: 'passed', attempts: 1, durationMs: 1 },
    { name: 'b', outcome: 'flaky', attempts: 2, durationMs: 1 },
    { name: 'c', outcome: 'skipped', attempts: 1, durationMs: 1 },
    { name: 'd', outcome: 'failed', attempts: 1, durationMs: 1 },
  ]);
  expect(sorted.map((r) => r.outcome)).toEqual(['failed', 'flaky', 'skipped', 'passed']);
});
