// The app's write path to an instance (dashboard:control) in Node, against real instances: a
// `coin run` on this machine, whose admin token the app reads from its working directory, and one
// reached as a master behind a real OpenSSH server on loopback, whose token the app reads over
// SFTP and which it reaches through the profile's tunnel. Cancel stops a running integration's
// processes; Re-run queues a linked task; the audit trail records the app's user and 'app' or
// 'app-ssh'; the token never reaches the answer; without a token file the app says why.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { LocalRunnerState } from '../../../electron/common/local-runner-contract';
import { localUserName, profileAccess } from '../../../electron/services/dashboard-bridge/control-access';
import { LocalHost } from '../../../electron/services/host/local-host';
import {
  createDashboardBridgeServices,
  type DashboardBridgeServices,
} from '../../../electron/services/dashboard-bridge/dashboard-bridge-services';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import type { WatchTarget } from '../../../electron/common/local-runner-contract';
import { instancePaths } from '../../../runner/core/instance-api';
import type { AuditEntry } from '../../../runner/core/instance-api-control';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';
import { sshdProfile } from '../ssh/ssh-fixture';
import { processesOf, slowModule } from './control-fixtures';

let root: TempDir;
let coin: CoinProcess | undefined;
let instances: InstanceServices | undefined;
let sshd: SshdHandle | undefined;
let bridge: DashboardBridgeServices | undefined;

beforeAll(async () => {
  root = await makeTempDir('app-control-');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  await commitModule(root.path, 'demo/slow', slowModule(3041));
  // Its test passes once the flag file exists.
  const config = toolModuleConfig().replace(
    'command: "{{.InstallDir}}/bin/tool"',
    `command: "test -e ${path.join(root.path, 'flag')}"`,
  );
  await commitModule(root.path, 'demo/flag', { 'coin/module_config.yaml': config, 'tool.c': toolSource });
});
afterEach(async () => {
  bridge?.close();
  bridge = undefined;
  await coin?.stop();
  coin = undefined;
  await instances?.closeAll();
  instances = undefined;
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

async function integrate(work: string, module: string, wait: boolean): Promise<string> {
  const args = ['integrate', path.join(root.path, module), '--ref', 'main', '--working-dir', work, '--json'];
  const result = await runCoin(wait ? [...args, '--wait'] : args, { timeoutMs: 180_000 });
  if (wait) expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { id: string }).id;
}

async function stateOfTask(b: DashboardBridgeServices, target: WatchTarget, id: string): Promise<string> {
  const answer = await b.api.dashboardGet({ target, path: instancePaths.taskDetail(id) });
  return (answer.body as { task: { state: string } }).task.state;
}

async function auditOf(b: DashboardBridgeServices, target: WatchTarget): Promise<AuditEntry[]> {
  const answer = await b.api.dashboardGet({ target, path: instancePaths.audit() });
  expect(answer.status).toBe(200);
  return (answer.body as { entries: AuditEntry[] }).entries;
}

test('a local runner: cancel and re-run from the app, with its token and its user in the audit trail', async () => {
  const work = path.join(root.path, 'work');
  coin = await startCoin(work, ['--max-agents', '1']);
  const port = coin.port;
  bridge = createDashboardBridgeServices({
    instances: {
      profilesList: async () => ({ profiles: [] }),
      instanceDashboard: () => Promise.reject(new Error('no profiles here')),
    },
    runners: { list: () => [], status: (dir) => stateOf(dir, port), defaultWorkingDir: work },
  });
  const target = { kind: 'local-runner', workingDir: work } as const;
  const token = fs.readFileSync(path.join(work, 'admin-token'), 'utf8').trim();

  const running = await integrate(work, 'demo/slow', false);
  await expect.poll(() => processesOf('sleep 3041').length, { timeout: 120_000, interval: 250 }).toBe(2);
  const cancelled = await bridge.api.dashboardControl({
    target,
    taskId: running,
    action: 'cancel',
    reason: 'stopped from the app',
  });
  expect(cancelled).toMatchObject({ taskId: running, newTaskId: null, origin: 'app' });
  expect(JSON.stringify(cancelled)).not.toContain(token);
  await expect.poll(() => processesOf('sleep 3041'), { timeout: 60_000 }).toEqual([]);
  await expect.poll(() => stateOfTask(bridge!, target, running), { timeout: 60_000 }).toBe('Cancelled');

  const rerun = await bridge.api.dashboardControl({ target, taskId: running, action: 'rerun' });
  expect(rerun.newTaskId).toMatch(/^[0-9a-f-]{36}$/);
  expect(rerun.newTaskId).not.toBe(running);
  await expect
    .poll(() => stateOfTask(bridge!, target, rerun.newTaskId!), { timeout: 120_000 })
    .toBe('Running');
  await expect.poll(() => processesOf('sleep 3041').length, { timeout: 120_000, interval: 250 }).toBe(2);
  await bridge.api.dashboardControl({ target, taskId: rerun.newTaskId!, action: 'cancel' });
  // The instance answers a cancel once the task ended, or after 30 s with its state then (a loaded machine).
  await expect.poll(() => processesOf('sleep 3041'), { timeout: 60_000 }).toEqual([]);
  await expect
    .poll(() => stateOfTask(bridge!, target, rerun.newTaskId!), { timeout: 60_000 })
    .toBe('Cancelled');

  const entries = await auditOf(bridge, target);
  expect(entries.map((e) => [e.action, e.subject, e.origin, e.actor])).toEqual([
    ['cancel', rerun.newTaskId, 'app', localUserName()],
    ['rerun', running, 'app', localUserName()],
    ['cancel', running, 'app', localUserName()],
  ]);
  expect(entries[1]!.details).toEqual({ newTaskId: rerun.newTaskId });
  expect(entries[2]!.details).toMatchObject({ reason: 'stopped from the app' });

  // Stopped, the instance has removed its token: the app says so and changes nothing.
  await coin.stop();
  coin = undefined;
  await expect(bridge.api.dashboardControl({ target, taskId: running, action: 'rerun' })).rejects.toThrow(
    /admin-token does not exist: is the runner running\?/,
  );
}, 300_000);

test('retry failed from the app runs the failed test again and takes the build from the first run', async () => {
  const work = path.join(root.path, 'work-retry');
  coin = await startCoin(work, ['--max-agents', '1']);
  const port = coin.port;
  bridge = createDashboardBridgeServices({
    instances: {
      profilesList: async () => ({ profiles: [] }),
      instanceDashboard: () => Promise.reject(new Error('no profiles here')),
    },
    runners: { list: () => [], status: (dir) => stateOf(dir, port), defaultWorkingDir: work },
  });
  const target = { kind: 'local-runner', workingDir: work } as const;
  const first = await integrate(work, 'demo/flag', false);
  await expect.poll(() => stateOfTask(bridge!, target, first), { timeout: 180_000 }).toBe('Failed');
  fs.writeFileSync(path.join(root.path, 'flag'), 'passes now');
  const retry = await bridge.api.dashboardControl({ target, taskId: first, action: 'retry' });
  expect(retry).toMatchObject({ taskId: first, origin: 'app', actor: localUserName() });
  await expect
    .poll(() => stateOfTask(bridge!, target, retry.newTaskId!), { timeout: 180_000 })
    .toBe('Passed');
  const detail = await bridge.api.dashboardGet({ target, path: instancePaths.taskDetail(retry.newTaskId!) });
  const items = (detail.body as { workItems: { kind: string; reused: boolean }[] }).workItems;
  expect(items.map((w) => [w.kind, w.reused])).toEqual([
    ['build', true],
    ['test', false],
  ]);
  const [entry] = await auditOf(bridge, target);
  expect(entry).toMatchObject({
    action: 'retry',
    subject: first,
    origin: 'app',
    details: { newTaskId: retry.newTaskId },
  });
}, 300_000);

test("a local profile's token is read through its host, and the app is named 'app'", async () => {
  const work = path.join(root.path, 'profile-work');
  fs.mkdirSync(work, { recursive: true });
  const profile = {
    id: 'here',
    name: 'Here',
    kind: 'local',
    coinDir: '',
    workingDir: work,
    instanceKind: 'local',
    serviceManager: 'coin-service',
    instancePort: 0,
  } as const;
  const host = new LocalHost();
  try {
    await expect(profileAccess({ profile, host })).rejects.toThrow(
      `${work}/admin-token does not exist: is Here running?`,
    );
    fs.writeFileSync(path.join(work, 'admin-token'), 'abc123\n', { mode: 0o600 });
    expect(await profileAccess({ profile, host })).toEqual({
      token: 'abc123',
      actor: localUserName(),
      origin: 'app',
      tokenSource: `${work}/admin-token`,
    });
  } finally {
    await host.close();
  }
});

test('a production master over SSH: the token read over SFTP, the audit trail says app-ssh and who', async () => {
  sshd = await startSshd();
  const data = path.join(root.path, 'data');
  const serviceWork = path.join(root.path, 'service-work');
  fs.mkdirSync(path.join(data, 'ssh'), { recursive: true });
  fs.writeFileSync(path.join(data, 'ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  instances = createInstanceServices({ dataDir: data, sshDir: path.join(data, 'ssh') });
  const { id: _id, ...input } = sshdProfile(sshd, { workingDir: serviceWork, name: 'Loopback master' });
  const profile = await instances.api.profilesSave({ profile: input });
  // The master's instance runs on this machine; the app reaches it only through the profile's SSH
  // connection (its lock and token over SFTP, its API through the tunnel).
  coin = await startCoin(serviceWork);
  const services = instances;
  bridge = createDashboardBridgeServices({
    instances: services.api,
    runners: { list: () => [], status: (dir) => stateOf(dir, null), defaultWorkingDir: root.path },
    profileSession: (id) => services.session(id),
  });
  const target = { kind: 'profile', profileId: profile.id } as const;
  {
    const first = await integrate(serviceWork, 'demo/tool', true);
    const rerun = await bridge.api.dashboardControl({ target, taskId: first, action: 'rerun' });
    const actor = `${localUserName()} as ${sshd.username}@${sshd.host}`;
    expect(rerun).toMatchObject({ taskId: first, origin: 'app-ssh', actor });
    await expect
      .poll(() => stateOfTask(bridge!, target, rerun.newTaskId!), { timeout: 120_000 })
      .toBe('Passed');
    const [entry] = await auditOf(bridge, target);
    expect(entry).toMatchObject({
      action: 'rerun',
      subject: first,
      origin: 'app-ssh',
      actor,
      details: { newTaskId: rerun.newTaskId },
    });
    // A task the instance does not have: its refusal comes back in words.
    await expect(
      bridge.api.dashboardControl({ target, taskId: 'no-such-task', action: 'rerun' }),
    ).rejects.toThrow(/no-such-task/);
  }
}, 300_000);
