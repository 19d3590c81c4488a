// What "Draft bug report" on a failed task's page hands the builder: the task's failure, the links
// on the dashboard's URL, the failing log lines; and the draft the web dashboard makes on its own.
import { expect, test } from 'vitest';
import { draftBugReport } from '../../../../runner/core/bug-report';
import type { TaskDetail, WorkItem } from '../../../../renderer/src/dashboard/api-types';
import { draftInDashboard, taskReportSource } from '../../../../renderer/src/dashboard/task-report-source';

const base = 'http://127.0.0.1:41234/coin/';

function item(id: string, kind: WorkItem['kind'], state: WorkItem['state'], reason: string | null): WorkItem {
  return {
    id,
    taskId: 't1',
    kind,
    configurationId: 'linux-gcc',
    buildKey: null,
    dependsOn: [],
    state,
    reused: false,
    agentId: null,
    created: '2026-12-05T10:00:00Z',
    started: '2026-12-05T10:00:01Z',
    finished: '2026-12-05T10:00:09Z',
    failureReason: reason,
    failureKind: reason ? 'build' : null,
  };
}

const detail: TaskDetail = {
  task: {
    id: 't1',
    type: 'Integration',
    project: 'demo/broken',
    branch: 'dev',
    sha: 'a'.repeat(40),
    testedChanges: [],
    state: 'Failed',
    created: '2026-12-05T10:00:00Z',
    started: '2026-12-05T10:00:01Z',
    finished: '2026-12-05T10:00:09Z',
    source: {},
    resultReason: 'build failed',
  },
  workItems: [
    item(
      't1.build.demo_broken.linux-gcc',
      'build',
      'Failed',
      'Build the module: command exited with code 2: make',
    ),
    item('t1.test.demo_broken.linux-gcc', 'test', 'Cancelled', null),
  ],
};

const excerpt = {
  workItemId: 't1.build.demo_broken.linux-gcc',
  line: 41,
  lines: ['main.c:3: error: expected ; (push https://bob:hunter2@git.example/x)', 'FAILED ExecuteCommand'],
};

test('a failed task maps to its failure, its links on the dashboard and the failing lines', () => {
  const source = taskReportSource(detail, base, excerpt);
  expect(source).toEqual({
    kind: 'task',
    taskId: 't1',
    project: 'demo/broken',
    branch: 'dev',
    state: 'Failed',
    failureKind: 'build',
    failureReason: 'Build the module: command exited with code 2 in build demo/broken on linux-gcc',
    integrationUrl: 'http://127.0.0.1:41234/coin/#/tasks/t1',
    buildLogUrl: 'http://127.0.0.1:41234/coin/?log=t1.build.demo_broken.linux-gcc&line=42',
    lines: ['# build demo/broken on linux-gcc, log from line 42', ...excerpt.lines],
  });
});

test('without an excerpt the log link still names the failing item; a base without slash is joined', () => {
  const source = taskReportSource(detail, 'http://master.example/coin', null);
  expect(source).toMatchObject({
    integrationUrl: 'http://master.example/coin/#/tasks/t1',
    buildLogUrl: 'http://master.example/coin/?log=t1.build.demo_broken.linux-gcc',
    lines: [],
  });
});

test('a failed task without failed work items falls back to the reason it was given', () => {
  const none = { ...detail, workItems: [] };
  expect(taskReportSource(none, base, null)).toMatchObject({
    failureKind: null,
    failureReason: 'build failed',
    buildLogUrl: null,
  });
});

test('the draft masks the secret in the lines and says what the web dashboard cannot know', () => {
  const draft = draftInDashboard(taskReportSource(detail, base, excerpt), '127.0.0.1:41234');
  expect(draft.title).toBe('127.0.0.1:41234: demo/broken dev Failed (build failure)');
  expect(draft.markdown).toContain('https://bob:[masked]@git.example/x');
  expect(draft.markdown).not.toContain('hunter2');
  expect(draft.markdown).toContain('- Integration: <http://127.0.0.1:41234/coin/#/tasks/t1>');
  expect(draft.markdown).toMatch(
    /- Coin Admin: none \(drafted in the web dashboard; the tracker URL is a profile setting/,
  );
  expect(draft.markdown).toMatch(/- COIN revision: \d+/);
  expect(draft.markdown).toContain('- Runner revision: unknown');
  expect(draft.markdown).toMatch(/- Node: unknown in the web dashboard/);
  expect(draft.trackerUrl).toBeNull();
  // With what the serving runner reports (api/version), its versions are in the draft.
  const served = draftInDashboard(taskReportSource(detail, base, excerpt), '127.0.0.1:41234', {
    name: 'Coin Admin',
    version: '0.1.0',
    revision: '0123456789ab',
    coinRevision: 42,
    node: 'v20.20.2',
    platform: 'linux-x64',
  });
  expect(served.markdown).toContain('- Runner revision: coin 0.1.0 (0123456789ab)');
  expect(served.markdown).toContain('- COIN revision: 42');
  expect(served.markdown).toContain("- Node: v20.20.2 (linux-x64, the instance's)");
  // The same source through the builder with the app's context carries the app's versions.
  const inApp = draftBugReport(taskReportSource(detail, base, excerpt), {
    instance: 'Loopback master',
    versions: {
      app: '1.2.3',
      appRevision: 'abc',
      runnerRevision: 'coin 1.2.3',
      coinRevision: 7,
      node: 'v22',
    },
    trackerUrl: 'https://bugreports.example/COIN',
  });
  expect(inApp.markdown).toContain(
    'Integration t1 of demo/broken (dev) ended Failed on Loopback master: Build the module',
  );
  expect(inApp.markdown).toContain('- Runner revision: coin 1.2.3');
});
