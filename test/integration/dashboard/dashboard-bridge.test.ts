// The in-window dashboard's bridge in Node, against real instances: a `coin run` on this machine
// (reached on its own port) and one under `coin service` behind a real OpenSSH server on loopback
// (reached through the profile's tunnel). Reads of the API, the relayed event stream with a replay
// from `since`, log follow requests sent back through it, and the relay's bounds.
import fs from 'node:fs';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { parseDeskInput } from '../../../electron/common/desk-api';
import type { LocalRunnerState } from '../../../electron/common/local-runner-contract';
import { createDashboardBridgeServices } from '../../../electron/services/dashboard-bridge/dashboard-bridge-services';
import { EventRelay } from '../../../electron/services/dashboard-bridge/event-relay';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';
import { killDaemon } from '../service/service-fixture';
import { sshdProfile } from '../ssh/ssh-fixture';
import { instancePaths } from '../../../runner/core/instance-api';

let root: TempDir;
let coin: CoinProcess | undefined;
let instances: InstanceServices | undefined;
let sshd: SshdHandle | undefined;
let serviceWork: string | undefined;

beforeAll(async () => {
  root = await makeTempDir('dashboard-bridge-');
});
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  await instances?.closeAll();
  instances = undefined;
  if (serviceWork) await killDaemon(serviceWork);
  serviceWork = undefined;
  await sshd?.stop();
  sshd = undefined;
});
afterAll(async () => {
  await root.remove();
});

function stateOf(workingDir: string, port: number | null): LocalRunnerState {
  return {
    workingDir,
    phase: port === null ? 'stopped' : 'running',
    pid: null,
    port,
    url: port === null ? null : `http://127.0.0.1:${port}/coin/`,
    since: null,
    exit: null,
    problem: null,
    startTimeoutMs: 60_000,
    other: null,
  };
}

/** Messages of a stream until `done` says so (or 20 s pass). */
async function collect(
  next: () => Promise<{ messages: string[]; closed: boolean }>,
  done: (all: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const batch = await next();
    all.push(...batch.messages.map((m) => JSON.parse(m) as Record<string, unknown>));
    if (done(all) || batch.closed) break;
  }
  return all;
}

test('a local runner: reads, events relayed live and replayed from since', async () => {
  const work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  coin = await startCoin(work);
  const bridge = createDashboardBridgeServices({
    instances: {
      profilesList: async () => ({ profiles: [] }),
      instanceDashboard: () => Promise.reject(new Error('none')),
    },
    runners: {
      list: () => [],
      status: (dir) => stateOf(dir, dir === work ? coin!.port : null),
      defaultWorkingDir: work,
    },
  });
  try {
    const target = { kind: 'local-runner', workingDir: work } as const;
    expect((await bridge.api.dashboardTargets({})).targets).toEqual([
      { target, label: work, available: true, detail: `local runner on port ${coin.port}` },
    ]);
    const empty = await bridge.api.dashboardGet({ target, path: instancePaths.tasks({ max: 5 }) });
    expect(empty).toMatchObject({
      status: 200,
      body: { total: 0 },
      base: `http://127.0.0.1:${coin.port}/coin/`,
    });
    const missing = await bridge.api.dashboardGet({ target, path: instancePaths.taskDetail('nope') });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: expect.stringContaining('nope') });

    const { streamId } = await bridge.api.dashboardEventsOpen({ target, logs: 'none' });
    const hello = await collect(
      () => bridge.api.dashboardEventsNext({ streamId, waitMs: 2000 }),
      (all) => all.some((m) => m.kind === 'hello'),
    );
    const startSeq = hello.find((m) => m.kind === 'hello')!.lastSeq as number;

    const submitted = await runCoin(
      [
        'integrate',
        path.join(root.path, 'demo/tool'),
        '--ref',
        'main',
        '--working-dir',
        work,
        '--json',
        '--wait',
      ],
      { timeoutMs: 90_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const task = JSON.parse(submitted.stdout) as { id: string; workItems: { id: string; kind: string }[] };
    const live = await collect(
      () => bridge.api.dashboardEventsNext({ streamId, waitMs: 2000 }),
      (all) =>
        all.some(
          (m) =>
            m.kind === 'task.finished' || (m.kind === 'task.state' && JSON.stringify(m).includes('Passed')),
        ),
    );
    const liveSeqs = live.map((m) => m.seq as number);
    expect(liveSeqs.length).toBeGreaterThan(2);
    expect(liveSeqs).toEqual([...liveSeqs].sort((a, b) => a - b));
    await bridge.api.dashboardEventsClose({ streamId });
    expect(await bridge.api.dashboardEventsNext({ streamId, waitMs: 0 })).toEqual({
      open: false,
      messages: [],
      closed: true,
    });

    // A second stream from the first one's start replays exactly what the first one saw.
    const replay = await bridge.api.dashboardEventsOpen({ target, since: startSeq, logs: 'none' });
    const replayed = await collect(
      () => bridge.api.dashboardEventsNext({ streamId: replay.streamId, waitMs: 2000 }),
      (all) => all.filter((m) => typeof m.seq === 'number').length >= liveSeqs.length,
    );
    expect(
      replayed
        .filter((m) => typeof m.seq === 'number')
        .map((m) => m.seq)
        .slice(0, liveSeqs.length),
    ).toEqual(liveSeqs);
    await bridge.api.dashboardEventsClose({ streamId: replay.streamId });

    const detail = await bridge.api.dashboardGet({ target, path: instancePaths.taskDetail(task.id) });
    expect(detail.body).toMatchObject({ task: { id: task.id, state: 'Passed' } });
    const build = task.workItems.find((w) => w.kind === 'build')!;
    const lines = await bridge.api.dashboardGet({
      target,
      path: instancePaths.workItemLogLines(build.id, { from: 0, count: 5 }),
    });
    expect(lines.status).toBe(200);
  } finally {
    bridge.close();
  }
});

test('only paths of the read API pass the contract', () => {
  const target = { kind: 'local-runner', workingDir: '/w' };
  for (const path of ['api/tasks', 'api/tasks?max=5&state=Failed', 'api/workitems/abc/log/lines?from=0'])
    expect(parseDeskInput('dashboardGet', { target, path }).path).toBe(path);
  for (const path of ['websocket', '/api/tasks', 'http://evil/api', 'api/../maintenance', 'api/x#y', ''])
    expect(() => parseDeskInput('dashboardGet', { target, path }), path).toThrow(/^dashboard:get: path:/);
});

test('a runner that is not running is said so, with where to start it', async () => {
  const bridge = createDashboardBridgeServices({
    instances: {
      profilesList: async () => ({ profiles: [] }),
      instanceDashboard: () => Promise.reject(new Error('none')),
    },
    runners: { list: () => [], status: (dir) => stateOf(dir, null), defaultWorkingDir: '/srv/w' },
  });
  try {
    const target = { kind: 'local-runner', workingDir: '/srv/w' } as const;
    expect((await bridge.api.dashboardTargets({})).targets).toEqual([
      { target, label: '/srv/w', available: false, detail: 'local runner, stopped' },
    ]);
    await expect(bridge.api.dashboardGet({ target, path: instancePaths.tasks() })).rejects.toThrow(
      'no local runner runs in /srv/w: start it in the Instances area first',
    );
  } finally {
    bridge.close();
  }
});

test('a production master through the profile tunnel', async () => {
  sshd = await startSshd();
  const data = path.join(root.path, 'data');
  serviceWork = path.join(root.path, 'service-work');
  fs.mkdirSync(path.join(data, 'ssh'), { recursive: true });
  fs.writeFileSync(path.join(data, 'ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  instances = createInstanceServices({ dataDir: data, sshDir: path.join(data, 'ssh') });
  const { id: _id, ...input } = sshdProfile(sshd, { workingDir: serviceWork, name: 'Loopback master' });
  const profile = await instances.api.profilesSave({ profile: input });
  await instances.api.serviceStart({ profileId: profile.id });
  const bridge = createDashboardBridgeServices({
    instances: instances.api,
    runners: {
      list: () => [],
      status: (dir) => stateOf(dir, null),
      defaultWorkingDir: path.join(root.path, 'none'),
    },
  });
  try {
    const target = { kind: 'profile', profileId: profile.id } as const;
    expect((await bridge.api.dashboardTargets({})).targets).toContainEqual({
      target,
      label: 'Loopback master',
      available: true,
      detail: `ssh ${sshd.username}@${sshd.host}:${sshd.port}`,
    });
    const tasks = await bridge.api.dashboardGet({ target, path: instancePaths.tasks() });
    expect(tasks).toMatchObject({ status: 200, body: { total: 0 } });
    expect(tasks.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/coin\/$/);
    const { streamId } = await bridge.api.dashboardEventsOpen({ target });
    const hello = await collect(
      () => bridge.api.dashboardEventsNext({ streamId, waitMs: 2000 }),
      (all) => all.some((m) => m.kind === 'hello'),
    );
    expect(hello[0]).toMatchObject({ kind: 'hello' });
    expect(
      await bridge.api.dashboardEventsSend({
        streamId,
        data: JSON.stringify({ type: 'logs', workItemIds: [] }),
      }),
    ).toEqual({ sent: true });
    await bridge.api.dashboardEventsClose({ streamId });
  } finally {
    bridge.close();
    await instances.api.serviceStop({ profileId: profile.id, confirmed: true });
  }
});

test('the relay closes a stream whose queue outgrows its bound, one not read, and the oldest beyond the limit', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
  let floodClosed = false;
  server.on('connection', (socket, request) => {
    if (request.url?.includes('flood')) {
      socket.on('close', () => (floodClosed = true));
      for (let i = 0; i < 50; i++) socket.send('x'.repeat(1000));
    } else socket.send('hello');
  });
  const relay = new EventRelay({ maxQueuedBytes: 10_000, maxStreams: 2, idleMs: 300, maxMessageBytes: 4096 });
  try {
    // Nobody reads the flood: past 10 kB the relay hangs up, and the reader is told so, without the backlog.
    const flood = relay.open(`${url}flood`);
    await expect.poll(() => floodClosed, { timeout: 10_000 }).toBe(true);
    expect(await relay.next(flood, 0)).toEqual({ open: true, messages: [], closed: true });

    const a = relay.open(url);
    expect(await relay.next(a, 5000)).toMatchObject({ open: true });
    const b = relay.open(url);
    relay.open(url); // closes a, the least recently read
    expect(relay.size).toBe(2);
    expect((await relay.next(a, 0)).closed).toBe(true);
    const first = await relay.next(b, 5000);
    const rest = first.messages.length ? [] : (await relay.next(b, 5000)).messages;
    expect([...first.messages, ...rest]).toEqual(['hello']);
    // Unread for longer than idleMs, both are swept.
    await expect.poll(() => relay.size, { timeout: 10_000 }).toBe(0);
  } finally {
    relay.closeAll();
    await new Promise((resolve) => server.close(resolve));
  }
});
