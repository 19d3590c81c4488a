// The post-update watch's judgement and the kept state's reading after an app restart, from
// hand-made polls: what turns red, what is pending, what the end of the period changes.
import { expect, test } from 'vitest';
import type { UpdateProgress } from '../../../../../electron/common/maintenance-contract';
import type { WatchedTask } from '../../../../../electron/common/post-update-contract';
import type { WatchSnapshot } from '../../../../../electron/services/maintenance/post-update-signals';
import {
  initialWatch,
  judge,
  judgeUnreadable,
} from '../../../../../electron/services/maintenance/post-update-verdict';
import { idleProgress } from '../../../../../electron/services/maintenance/update-procedure';
import { interruptedProgress } from '../../../../../electron/services/maintenance/update-record';
import type { AgentRecord } from '../../../../../runner/core/instance-api';

const restart = Date.parse('2026-12-05T10:00:00.000Z');
const start = initialWatch({
  profileId: 'master',
  revision: 'b'.repeat(40),
  kind: 'update',
  restartedAt: new Date(restart).toISOString(),
  periodMinutes: 30,
});

function task(
  id: string,
  state: string,
  failureKinds: string[] = [],
  systemFailure: string | null = null,
): WatchedTask {
  const finished = ['Passed', 'Failed', 'Cancelled'].includes(state)
    ? new Date(restart + 60_000).toISOString()
    : null;
  return { id, project: 'qt/qtbase', branch: 'dev', state, finished, failureKinds, systemFailure };
}

function agent(id: string, state: AgentRecord['state']): AgentRecord {
  const at = new Date(restart).toISOString();
  return {
    id,
    hypervisor: 'local',
    state,
    workItemId: null,
    host: null,
    pid: null,
    started: at,
    updated: at,
  };
}

function snapshot(parts: Partial<WatchSnapshot>): WatchSnapshot {
  return {
    serviceState: 'active',
    journal: { source: 'coin.log', errors: [] },
    interrupted: [],
    finished: [],
    agents: [],
    ...parts,
  };
}

test('the queue not resumed yet is pending; resumed, built and passed with an agent seen running is green', () => {
  const seen = new Set<string>();
  const first = judge(start, snapshot({ interrupted: [task('t1', 'Initializing')] }), seen, restart + 5000);
  expect(first).toMatchObject({ verdict: 'watching', state: 'polling', reasons: [] });
  expect(first.pending).toEqual([
    '1 of 1 interrupted task(s) not running again yet: t1 (qt/qtbase dev)',
    'no agent has reached running since the restart',
  ]);
  const building = judge(
    first,
    snapshot({ interrupted: [task('t1', 'Running')], agents: [agent('a1', 'running')] }),
    seen,
    restart + 10_000,
  );
  expect(building.pending).toEqual(['1 interrupted task(s) building again, not finished yet']);
  expect(building.agents).toEqual({ byState: { running: 1 }, reachedRunning: 1 });
  const done = judge(
    building,
    snapshot({
      interrupted: [task('t1', 'Passed')],
      finished: [task('t1', 'Passed')],
      agents: [agent('a1', 'stopped')],
    }),
    seen,
    restart + 20_000,
  );
  expect(done).toMatchObject({ verdict: 'green', pending: [], reasons: [], agents: { reachedRunning: 1 } });
});

test('idle agents (kept ready, or done) wait for no work: green; one being started for work is pending', () => {
  const seen = new Set<string>();
  const idle = judge(
    start,
    snapshot({ agents: [agent('r1', 'waiting'), agent('r2', 'waiting')] }),
    seen,
    restart + 1000,
  );
  expect(idle).toMatchObject({ verdict: 'green', pending: [] });
  const starting = judge(
    idle,
    snapshot({ agents: [agent('r1', 'waiting'), agent('a3', 'provisioning')] }),
    seen,
    restart + 2000,
  );
  expect(starting).toMatchObject({
    verdict: 'watching',
    pending: ['no agent has reached running since the restart'],
  });
  const end = restart + 30 * 60_000;
  expect(judge(idle, snapshot({ agents: [agent('r1', 'waiting')] }), seen, end)).toMatchObject({
    state: 'ended',
    verdict: 'green',
    reasons: [],
  });
});

test('journal errors and system failures are red; build failures are not', () => {
  const seen = new Set<string>();
  const build = judge(start, snapshot({ finished: [task('t2', 'Failed', ['build'])] }), seen, restart + 1000);
  expect(build.verdict).toBe('green');
  const red = judge(
    build,
    snapshot({
      journal: {
        source: 'coin.log',
        errors: [{ time: restart + 500, level: 'error', message: 'pool gone' }],
      },
      finished: [
        task('t2', 'Failed', ['build']),
        task('t3', 'Failed', ['system'], 'agent lost: disconnected'),
      ],
    }),
    seen,
    restart + 2000,
  );
  expect(red.verdict).toBe('red');
  expect(red.reasons).toEqual([
    '1 error line(s) in the journal since the restart; the last: 2026-12-05T10:00:00.500Z ERROR pool gone',
    'task t3 (qt/qtbase dev) ended Failed with a system failure: agent lost: disconnected',
  ]);
  expect(red.journal).toEqual({
    source: 'coin.log',
    errors: ['2026-12-05T10:00:00.500Z ERROR pool gone'],
    count: 1,
  });
});

test('a service seen down stays a reason; one unreadable poll is not red, two in a row are', () => {
  const seen = new Set<string>();
  const down = judge(start, snapshot({ serviceState: 'inactive' }), seen, restart + 3000);
  const up = judge(down, snapshot({}), seen, restart + 8000);
  expect(up.verdict).toBe('red');
  expect(up.reasons).toEqual(['At 10:00:03 the service was inactive, not active']);
  const once = judgeUnreadable(start, 'connect ECONNREFUSED', restart + 1000);
  expect(once).toMatchObject({ verdict: 'watching', pollError: 'connect ECONNREFUSED' });
  const twice = judgeUnreadable(once, 'connect ECONNREFUSED', restart + 6000);
  expect(twice.reasons).toEqual([
    'At 10:00:06 the instance could not be read twice in a row: connect ECONNREFUSED',
  ]);
});

test('at the end of the period what never came is red, a build still going is not', () => {
  const seen = new Set<string>();
  const end = restart + 30 * 60_000;
  const stuck = judge(start, snapshot({ interrupted: [task('t1', 'Initializing')] }), seen, end);
  expect(stuck).toMatchObject({ state: 'ended', verdict: 'red', pending: [] });
  expect(stuck.reasons).toEqual([
    'at the end of the watch, 1 of 1 interrupted task(s) not running again yet: t1 (qt/qtbase dev)',
    'at the end of the watch, no agent has reached running since the restart',
  ]);
  const long = judge(
    start,
    snapshot({ interrupted: [task('t1', 'Running')], agents: [agent('a1', 'running')] }),
    new Set(),
    end,
  );
  expect(long).toMatchObject({ state: 'ended', verdict: 'green', reasons: [] });
  expect(long.pending).toEqual(['1 interrupted task(s) building again, not finished yet']);
});

test('a run the app stopped during is interrupted at the step it reached', () => {
  const running: UpdateProgress = {
    ...idleProgress('master'),
    state: 'running',
    from: 'a'.repeat(40),
    to: 'b'.repeat(40),
    startedAt: '2026-12-05T09:58:00.000Z',
  };
  const steps = running.steps.map((s, i) =>
    i < 2
      ? { ...s, state: 'done' as const }
      : i === 2
        ? { ...s, state: 'running' as const, startedAt: '2026-12-05T09:59:00.000Z' }
        : s,
  );
  const report = interruptedProgress({ ...running, steps });
  expect(report).toMatchObject({ state: 'interrupted', canRollback: true });
  expect(report.steps.map((s) => s.state)).toEqual([
    'done',
    'done',
    'pending',
    'pending',
    'pending',
    'pending',
  ]);
  expect(report.note).toBe(
    'The app stopped during the step “Pull the new code” (started 2026-12-05T09:59:00.000Z): the update did not finish. The steps up to “Maintenance page” were done. Continue runs it again from the step it reached; Roll back returns to the previous revision.',
  );
  expect(interruptedProgress({ ...running, state: 'done' }).state).toBe('done');
});
