// One task summary for `coin task --json` and the desktop app (runner/core/task-summary.ts): the
// instance's classified failures when it sent them, classified here when it did not.
import { expect, test } from 'vitest';
import type { TaskDetail, WorkItemRecord } from '../../../../runner/core/instance-api';
import { failureLine, taskSummary } from '../../../../runner/core/task-summary';

const at = '2026-01-01T10:00:00.000Z';
const item = (id: string, extra: Partial<WorkItemRecord>): WorkItemRecord => ({
  id,
  taskId: 't1',
  kind: 'build',
  configurationId: 'linux',
  buildKey: null,
  dependsOn: [],
  state: 'Done',
  reused: false,
  agentId: null,
  created: at,
  started: at,
  finished: at,
  failureReason: null,
  failureKind: null,
  ...extra,
});
const detail: TaskDetail = {
  task: {
    id: 't1',
    type: 'Integration',
    project: 'demo/tool',
    branch: 'main',
    sha: 'abc',
    testedChanges: [],
    state: 'Failed',
    created: at,
    started: at,
    finished: at,
    source: {},
    resultReason: 'build failed',
  },
  workItems: [
    item('t1.build', { state: 'Failed', failureReason: 'cc: error', failureKind: 'build' }),
    item('t1.test', { kind: 'test', state: 'Cancelled', failureReason: 'its dependency failed' }),
    item('t1.other', { reused: true }),
  ],
};

test('a task with its work items; a failure has its class, reason and parts', () => {
  const summary = taskSummary(detail);
  expect(summary).toMatchObject({ id: 't1', state: 'Failed', reason: 'build failed', sha: 'abc' });
  expect(summary.workItems.map((w) => [w.id, w.configuration, w.state, w.reused])).toEqual([
    ['t1.build', 'linux', 'Failed', false],
    ['t1.test', 'linux', 'Cancelled', false],
    ['t1.other', 'linux', 'Done', true],
  ]);
  expect(summary.workItems[0]!.failure).toEqual({
    kind: 'build',
    reason: 'cc: error',
    failedTests: [],
    failedTestCount: 0,
    message: 'cc: error',
    cause: null,
    command: null,
    at: null,
  });
  // A cancelled work item is no failure class, but says why.
  expect(summary.workItems[1]!.failure).toEqual({ kind: null, reason: 'its dependency failed' });
  expect(summary.workItems[2]!.failure).toBeNull();
  expect(failureLine(summary.workItems[0]!.failure!)).toBe('build: cc: error');
  expect(failureLine(summary.workItems[1]!.failure!)).toBe('failure: its dependency failed');
});

test("the instance's classification wins over the one made here", () => {
  const failures = [
    {
      workItemId: 't1.build',
      kind: 'system' as const,
      failedTests: [],
      failedTestCount: 0,
      message: 'agent lost',
      cause: 'agent a1 disconnected',
      command: null,
      at: null,
    },
  ];
  const summary = taskSummary({ ...detail, failures });
  expect(summary.workItems[0]!.failure).toMatchObject({
    kind: 'system',
    reason: 'cc: error',
    cause: 'agent a1 disconnected',
  });
});
