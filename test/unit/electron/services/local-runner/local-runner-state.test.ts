import { expect, test } from 'vitest';
import { stateOf } from '../../../../../electron/services/local-runner/local-runner-host';
import { runnerTaskOf } from '../../../../../electron/services/local-runner/runner-integration';
import type { TaskDetail } from '../../../../../runner/core/instance-api';
import { failureLine } from '../../../../../runner/core/task-summary';

const since = '2026-01-01T10:00:00.000Z';

test('a running runner has its pid, port and dashboard URL', () => {
  const state = stateOf('/w', { phase: 'running', pid: 10, port: 4000, since, exit: null }, null, 60_000);
  expect(state).toEqual({
    workingDir: '/w',
    phase: 'running',
    pid: 10,
    port: 4000,
    url: 'http://127.0.0.1:4000/coin/',
    since,
    exit: null,
    problem: null,
    startTimeoutMs: 60_000,
    other: null,
  });
});

test('an exited runner keeps how it ended and says why, but no pid or port', () => {
  const exit = {
    code: 1,
    signal: null,
    requested: false,
    timedOut: false,
    at: since,
    lastLines: ['Error: no space left'],
  };
  const other = { pid: 77, port: 9, owner: 'service' as const };
  const state = stateOf('/w', { phase: 'exited', pid: 10, port: 4000, since, exit }, other, 60_000);
  expect(state).toMatchObject({
    phase: 'exited',
    pid: null,
    port: null,
    url: null,
    exit,
    other: { pid: 77 },
  });
  expect(state.problem).toBe('The runner exited with code 1: Error: no space left');
});

test('a directory the app never ran anything in is stopped', () => {
  expect(stateOf('/w', undefined, null, 60_000)).toMatchObject({ phase: 'stopped', since: null, exit: null });
});

test("the runner's task detail becomes the UI's task with its dashboard page", () => {
  const detail = {
    task: {
      id: 't1',
      project: 'demo/tool',
      branch: 'main',
      sha: 'abc',
      state: 'Failed',
      resultReason: 'build failed',
      created: since,
      finished: since,
    },
    workItems: [
      {
        id: 'w1',
        kind: 'build',
        configurationId: 'linux',
        state: 'Failed',
        reused: false,
        failureReason: 'cc: error',
        failureKind: 'build',
      },
      {
        id: 'w2',
        kind: 'test',
        configurationId: 'linux',
        state: 'Cancelled',
        reused: false,
        failureReason: null,
        failureKind: null,
      },
    ],
  } as unknown as TaskDetail;
  const task = runnerTaskOf(detail, 'http://127.0.0.1:1/coin/#/tasks/t1');
  expect(task).toMatchObject({
    id: 't1',
    state: 'Failed',
    reason: 'build failed',
    url: 'http://127.0.0.1:1/coin/#/tasks/t1',
  });
  expect(task.workItems.map((w) => [w.id, w.state, w.failure && failureLine(w.failure)])).toEqual([
    ['w1', 'Failed', 'build: cc: error'],
    ['w2', 'Cancelled', null],
  ]);
  expect(task.workItems[0]).toMatchObject({
    kind: 'build',
    configuration: 'linux',
    reused: false,
    failure: { kind: 'build', reason: 'cc: error', message: 'cc: error', failedTests: [] },
  });
});
