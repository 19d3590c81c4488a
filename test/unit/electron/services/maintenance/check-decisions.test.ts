import { expect, test } from 'vitest';
import type { ServiceStatus } from '../../../../../electron/common/instance-schemas';
import { compareWithGerrit, type GerritOverview } from '../../../../../runner/core/gerrit/gerrit-overview';
import type { GerritChange } from '../../../../../runner/core/gerrit/gerrit-protocol';
import {
  check,
  entryLine,
  judgeAgents,
  judgeDisk,
  judgeGerrit,
  judgeJournal,
  judgeLatestResults,
  judgeService,
  judgeWebServer,
  overallStatus,
  problemSeverity,
  type FinishedTask,
} from '../../../../../electron/services/maintenance/check-decisions';

const GiB = 1024 ** 3;
const at = Date.UTC(2026, 0, 1, 12);

function service(state: ServiceStatus['state'], subState: string): ServiceStatus {
  return {
    manager: 'systemd',
    state,
    subState,
    since: '2026-01-01T10:00:00Z',
    pid: null,
    port: null,
    detail: 'x',
  };
}

test('service: active is ok, inactive and failed fail, activating warns', () => {
  expect(judgeService(service('active', 'running'))).toMatchObject({
    status: 'ok',
    summary: 'active (running) since 2026-01-01T10:00:00Z',
  });
  expect(judgeService(service('inactive', 'dead')).status).toBe('fail');
  expect(judgeService(service('failed', 'failed')).summary).toMatch(/ended on its own/);
  expect(judgeService(service('activating', 'start')).status).toBe('warn');
  expect(judgeService(service('unknown', '')).status).toBe('fail');
});

test('service: inactive while an instance it did not start runs in its directory warns, naming it', () => {
  const instance = {
    workingDir: '/w',
    state: 'running' as const,
    pid: 812,
    port: 41234,
    startedAt: null,
    owner: 'app-runner' as const,
    detail: "running on port 41234 (pid 812), the app's local runner",
  };
  const judged = judgeService(service('inactive', 'dead'), instance);
  expect(judged.status).toBe('warn');
  expect(judged.summary).toBe(
    "inactive (dead) since 2026-01-01T10:00:00Z, but the instance in its working directory is running on port 41234 (pid 812), the app's local runner: it is not under the service manager",
  );
  expect(judgeService(service('active', 'running'), { ...instance, owner: 'service' }).status).toBe('ok');
  expect(judgeService(service('inactive', 'dead'), { ...instance, state: 'none', owner: null }).status).toBe(
    'fail',
  );
});

test("journal lines: the guide's words or a problem level; error, critical and traceback fail, warnings warn", () => {
  const entry = (level: 'info' | 'warning' | 'error' | 'critical', message: string) => ({
    time: at,
    level,
    message,
  });
  expect(problemSeverity(entry('info', 'Coin is running at http://127.0.0.1:8080/coin'))).toBeNull();
  expect(problemSeverity(entry('warning', 'slow agent'))).toBe('warn');
  expect(problemSeverity(entry('info', 'DeprecationWarning: x'))).toBe('warn');
  expect(problemSeverity(entry('info', 'Traceback (most recent call last):'))).toBe('fail');
  expect(problemSeverity(entry('info', 'exit status 1: error'))).toBe('fail');
  expect(problemSeverity(entry('error', 'could not clone'))).toBe('fail');
  expect(problemSeverity(entry('critical', 'out of memory'))).toBe('fail');
  expect(entryLine({ time: at, level: 'error', message: 'first\n  at x\n  at y' })).toBe(
    '2026-01-01T12:00:00.000Z ERROR first (+2 lines)',
  );
});

test('journal check: counts, the latest 50 lines, notes first', () => {
  const ok = judgeJournal([{ time: at, level: 'info', message: 'fine' }], 'coin.log');
  expect(ok).toMatchObject({ status: 'ok', details: [] });
  const warnings = Array.from({ length: 60 }, (_, i) => ({
    time: at + i,
    level: 'warning' as const,
    message: `w${i}`,
  }));
  const warned = judgeJournal(warnings, 'coin.log', ['only the last 8 MiB were read']);
  expect(warned.status).toBe('warn');
  expect(warned.summary).toBe('60 warnings in the last hour of coin.log (the latest 49 shown)');
  expect(warned.details).toHaveLength(50);
  expect(warned.details[0]).toBe('only the last 8 MiB were read');
  expect(warned.details.at(-1)).toMatch(/WARNING w59$/);
  const failed = judgeJournal(
    [...warnings.slice(0, 1), { time: at, level: 'error', message: 'boom' }],
    'journald',
  );
  expect(failed).toMatchObject({
    status: 'fail',
    summary: '1 error/critical/traceback line and 1 warning in the last hour of journald',
  });
});

test('disk: under the GC threshold fails, under twice warns', () => {
  const facts = { totalBytes: 100 * GiB, gcMinFreeBytes: 10 * GiB, thresholdSource: 'x' };
  expect(judgeDisk({ ...facts, freeBytes: 9 * GiB }).status).toBe('fail');
  expect(judgeDisk({ ...facts, freeBytes: 19 * GiB }).status).toBe('warn');
  expect(judgeDisk({ ...facts, freeBytes: 20 * GiB })).toMatchObject({
    status: 'ok',
    summary: "20.0 GiB free of 100.0 GiB; the garbage collector's threshold is 10.0 GiB (x)",
  });
});

test('agents: many waiting with at most a tenth of them running warns', () => {
  const agents = (waiting: number, running: number) => [
    ...Array.from({ length: waiting }, (_, i) => ({ id: `w${i}`, state: 'waiting' })),
    ...Array.from({ length: running }, (_, i) => ({ id: `r${i}`, state: 'running' })),
  ];
  expect(judgeAgents(agents(200, 0)).status).toBe('warn');
  expect(judgeAgents(agents(20, 2)).status).toBe('warn');
  expect(judgeAgents(agents(20, 3)).status).toBe('ok');
  expect(judgeAgents(agents(19, 0))).toMatchObject({
    status: 'ok',
    summary: '0 running, 19 waiting (19 agents in the pool)',
    details: ['waiting: 19'],
  });
});

test('web server: the API must answer 200; the maintenance page fails; a page that is not built warns', () => {
  const ok = { kind: 'answered', status: 200, maintenance: null } as const;
  const page503 = { kind: 'answered', status: 503, maintenance: null } as const;
  const maintenance = {
    kind: 'answered',
    status: 503,
    maintenance: { error: 'Coin is under maintenance: updating' },
  } as const;
  expect(judgeWebServer({ port: 8080, page: ok, api: ok }).status).toBe('ok');
  expect(judgeWebServer({ port: 8080, page: maintenance, api: maintenance })).toMatchObject({
    status: 'fail',
    summary: 'the maintenance page answers on port 8080 (HTTP 503): Coin is under maintenance: updating',
  });
  expect(judgeWebServer({ port: 8080, page: page503, api: ok }).summary).toMatch(/not built/);
  expect(judgeWebServer({ port: 8080, page: page503, api: ok }).status).toBe('warn');
  expect(judgeWebServer({ port: 8080, page: ok, api: { kind: 'down', error: 'ECONNREFUSED' } }).summary).toBe(
    'nothing answers on port 8080 (ECONNREFUSED)',
  );
});

test('latest results: system failures among the last 20 and a day without results while tasks wait warn', () => {
  const task = (id: string, state: string, hoursAgo: number): FinishedTask => ({
    id,
    project: 'qt/qtbase',
    branch: 'dev',
    state,
    finished: new Date(at - hoursAgo * 3600_000).toISOString(),
  });
  const fresh = [task('t2', 'Passed', 1), task('t1', 'Failed', 2)];
  expect(
    judgeLatestResults({ finished: fresh, systemFailures: [], pending: 3, oldestPending: null, now: at }),
  ).toMatchObject({
    status: 'ok',
    summary: 'the newest finished task is qt/qtbase dev (t2), Passed 60 minutes ago; 3 queued or running',
  });
  const red = judgeLatestResults({
    finished: fresh,
    systemFailures: ['t1'],
    pending: 0,
    oldestPending: null,
    now: at,
  });
  expect(red.status).toBe('warn');
  expect(red.summary).toMatch(/^1 task of the last 2 finished failed on a system failure/);
  expect(red.details[1]).toMatch(/t1 \(system failure\)$/);
  const stale = [task('t0', 'Passed', 30)];
  const dayAgo = new Date(at - 25 * 3600_000).toISOString();
  const minuteAgo = new Date(at - 60_000).toISOString();
  const facts = { finished: stale, systemFailures: [], now: at };
  expect(judgeLatestResults({ ...facts, pending: 2, oldestPending: dayAgo }).summary).toMatch(
    /^nothing finished in the last 24 hours while 2 tasks are queued or running; the newest .* 30 hours ago/,
  );
  // A quiet instance that has just been given work is not hanging.
  expect(judgeLatestResults({ ...facts, pending: 1, oldestPending: minuteAgo }).status).toBe('ok');
  expect(judgeLatestResults({ ...facts, pending: 0, oldestPending: null }).status).toBe('ok');
  expect(judgeLatestResults({ ...facts, finished: [], pending: 1, oldestPending: dayAgo }).status).toBe(
    'warn',
  );
  expect(judgeLatestResults({ ...facts, finished: [], pending: 1, oldestPending: minuteAgo }).status).toBe(
    'ok',
  );
});

test('overall: the worst status of the checks made', () => {
  expect(overallStatus([check('gerrit', 'skipped', ''), check('disk', 'ok', '')])).toBe('ok');
  expect(
    overallStatus([check('disk', 'warn', ''), check('agents', 'fail', ''), check('service', 'ok', '')]),
  ).toBe('fail');
  expect(overallStatus([check('gerrit', 'skipped', '')])).toBe('skipped');
  expect(check('disk', 'ok', '', Array(60).fill('x')).details).toHaveLength(50);
});

function gerritAnswer(
  integrating: GerritChange[],
  overrides: Partial<GerritOverview> = {},
  taskOf: Record<number, string> = {},
): GerritOverview {
  const building = Object.entries(taskOf).map(([change, taskId]) => ({
    taskId,
    project: 'qt/qtbase',
    branch: 'dev',
    buildId: 'qtci/dev/1',
    state: 'Running',
    changes: [{ change: Number(change), patchSet: 1, subject: '', url: null }],
  }));
  const compared = compareWithGerrit(
    { staged: [], integrating },
    { write: true, building, preparing: [], waiting: [], looking: [], reportedSince: [], integrated: [] },
  );
  return {
    enabled: true,
    mode: 'write',
    server: 'ssh://qtci@codereview.example:29418',
    projects: [],
    connection: {
      state: 'connected',
      since: '2026-01-01T11:00:00Z',
      lastError: null,
      lastErrorAt: null,
      retryInMs: null,
    },
    ciStatus: { state: 'published', at: '2026-01-01T12:00:00Z', error: null, last: null },
    coin: { waiting: [], building, finished: [] },
    gerrit: {
      checkedAt: '2026-01-01T12:00:00Z',
      error: null,
      maxAgeMs: 30_000,
      staged: compared.staged,
      integrating: compared.integrating,
      prestaged: compared.prestaged,
    },
    convergence: compared.convergence,
    ...overrides,
  };
}

const integratingChange = (number: number): GerritChange => ({
  project: 'qt/qtbase',
  branch: 'dev',
  number,
  subject: `Fix ${number}`,
  status: 'INTEGRATING',
});

test('gerrit: not watching is skipped, and says how to', () => {
  expect(judgeGerrit({ enabled: false })).toMatchObject({
    status: 'skipped',
    summary: 'this instance does not watch Gerrit (coin run --gerrit)',
  });
});

test('gerrit: converged is ok with counts', () => {
  const result = judgeGerrit(gerritAnswer([integratingChange(7)], {}, { 7: 't7' }));
  expect(result).toMatchObject({
    status: 'ok',
    summary: 'converged: 0 staged, 1 integrating in Gerrit; 1 build running (writes to Gerrit)',
  });
  expect(result.details[0]).toBe('qt/qtbase dev 7 "Fix 7" (INTEGRATING)');
});

test('gerrit: a change integrating without a Coin task warns, listing it', () => {
  const result = judgeGerrit(gerritAnswer([integratingChange(7), integratingChange(8)], {}, { 7: 't7' }));
  expect(result).toMatchObject({
    status: 'warn',
    summary: 'not converged: 1 change integrating in Gerrit with no Coin task',
  });
  expect(result.details[0]).toBe('integrating with no Coin task: qt/qtbase dev 8 "Fix 8" (INTEGRATING)');
});

test('gerrit: a connection that is down fails with its last error; still connecting warns', () => {
  const down = judgeGerrit(
    gerritAnswer([], {
      connection: {
        state: 'reconnecting',
        since: '2026-01-01T11:58:00Z',
        lastError: 'connect ECONNREFUSED 10.0.0.1:29418',
        lastErrorAt: '2026-01-01T11:59:30Z',
        retryInMs: 30_000,
      },
    }),
  );
  expect(down).toMatchObject({
    status: 'fail',
    summary:
      'the connection to ssh://qtci@codereview.example:29418 is down since 2026-01-01T11:58:00Z, reconnecting: connect ECONNREFUSED 10.0.0.1:29418',
  });
  const connecting = judgeGerrit(
    gerritAnswer([], {
      connection: {
        state: 'connecting',
        since: '2026-01-01T11:59:00Z',
        lastError: null,
        lastErrorAt: null,
        retryInMs: null,
      },
    }),
  );
  expect(connecting.status).toBe('warn');
});

test('gerrit: a stream Gerrit refused for good fails as a connection that is down, saying so', () => {
  const refusal =
    'gerrit stream-events was refused (fatal: not permitted): give the account the "Stream Events" global capability, then restart the instance';
  const refused = judgeGerrit(
    gerritAnswer([], {
      connection: {
        state: 'refused',
        since: '2026-01-01T11:58:00Z',
        lastError: refusal,
        lastErrorAt: '2026-01-01T11:58:00Z',
        retryInMs: null,
      },
    }),
  );
  expect(refused).toMatchObject({
    status: 'fail',
    summary: `ssh://qtci@codereview.example:29418 refused the event stream since 2026-01-01T11:58:00Z, not retrying: ${refusal}`,
  });
  expect(refused.details).toContain(
    'ssh://qtci@codereview.example:29418 (writes to Gerrit): refused since 2026-01-01T11:58:00Z',
  );
});

test("gerrit: Gerrit's view that cannot be read warns", () => {
  const answer = gerritAnswer([]);
  const result = judgeGerrit({
    ...answer,
    gerrit: { ...answer.gerrit, checkedAt: null, error: 'gerrit query: timed out' },
    convergence: compareWithGerrit(null, {
      write: true,
      building: [],
      preparing: [],
      waiting: [],
      looking: [],
      reportedSince: [],
      integrated: [],
    }).convergence,
  });
  expect(result).toMatchObject({
    status: 'warn',
    summary: "Gerrit's view could not be read: gerrit query: timed out",
  });
});
