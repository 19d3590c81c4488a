// One working directory seen by every service of the app: a local profile and the app's Local
// runner point at the same directory, and whichever real process holds it (the app's `coin run`,
// the profile's `coin service`, `coin run` from a terminal), the profile's status, its dashboard,
// the configuration editor, the daily checks, the runner card and the in-window dashboard list
// report the same instance: the pid and port of the lock, and who started it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DeskApi, DeskError } from '../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../electron/common/instance-schemas';
import { createDeskServices, type DeskServices } from '../../../electron/services/desk-services';
import { createInstanceServices } from '../../../electron/services/instances/instance-services';
import { createLocalHostingServices } from '../../../electron/services/local-runner/local-hosting-services';
import { readLockInfo } from '../../../runner/node/store/instance-lock';
import { startCoin } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { daemonPid, killDaemon } from '../service/service-fixture';

let temp: TempDir;
let work: string;
let desk: DeskServices;
let profile: ConnectionProfile;

beforeEach(async () => {
  temp = await makeTempDir('one-directory-');
  work = path.join(temp.path, 'work');
  const dataDir = path.join(temp.path, 'app-data');
  const instances = createInstanceServices({ dataDir, sshDir: path.join(temp.path, 'ssh') });
  const localHosting = createLocalHostingServices({ dataDir, defaultWorkingDir: work });
  desk = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work,
    instances,
    localHosting,
  });
  profile = await desk.profilesSave({
    profile: {
      kind: 'local',
      name: 'This laptop',
      coinDir: '',
      workingDir: work,
      instanceKind: 'local',
      serviceManager: 'coin-service',
      instancePort: 0,
    },
  });
});

afterEach(async () => {
  await desk.close();
  await killDaemon(work);
  await temp.remove();
});

/** What the lock of the directory says now. */
function lockOf(dir: string): { pid: number; port: number | undefined } {
  const lock = readLockInfo(dir);
  if (!lock) throw new Error(`no lock in ${dir}`);
  return { pid: lock.pid, port: lock.port };
}

/** The runner target of the in-window dashboard list for `dir`. */
async function runnerTarget(api: DeskApi, dir: string) {
  const { targets } = await api.dashboardTargets({});
  return targets.find((t) => t.target.kind === 'local-runner' && t.target.workingDir === dir);
}

/** Save a configuration change and wait until the instance says what it did with it. */
async function applyConfig(api: DeskApi, profileId: string, content: string) {
  const file = await api.configRead({ profileId });
  const { eventSeq } = await api.configEventSeq({ profileId });
  expect(eventSeq, 'the editor reaches the instance before the save').not.toBeNull();
  const written = await api.configWrite({ profileId, content, baseVersion: file.version });
  expect(written.ok).toBe(true);
  const sha256 = createHash('sha256').update(content).digest('hex');
  let since = eventSeq!;
  for (let attempt = 0; attempt < 6; attempt++) {
    const outcome = await api.configOutcome({ profileId, sha256, since, timeoutMs: 10_000 });
    if (outcome.kind !== 'pending') return outcome;
    since = outcome.since;
  }
  throw new Error('the instance never said what it did with the configuration');
}

describe('one working directory, one instance in every view', () => {
  test("the app's runner holds it: the profile, its dashboard, the editor, the checks and the card say so", async () => {
    const started = await desk.localRunnerStart({ workingDir: work });
    expect(started).toMatchObject({ phase: 'running', other: null });
    const lock = lockOf(work);
    expect([started.pid, started.port]).toEqual([lock.pid, lock.port]);

    const status = await desk.instanceStatus({ profileId: profile.id });
    expect(status.instance).toMatchObject({
      state: 'running',
      pid: lock.pid,
      port: lock.port,
      owner: 'app-runner',
      detail: `running on port ${lock.port} (pid ${lock.pid}), the app's local runner`,
    });
    expect(status.service).toMatchObject({ manager: 'coin-service', state: 'inactive' });
    expect(status.activity, 'agents and tasks come from the instance itself').toMatchObject({ tasks: [] });
    expect(status.problems).toEqual([]);

    const url = `http://127.0.0.1:${lock.port}/coin/`;
    expect((await desk.instanceDashboard({ profileId: profile.id })).url).toBe(url);
    const context = await desk.configContext({ profileId: profile.id });
    expect(context.instance).toEqual({ running: true, url, problem: null });
    const outcome = await applyConfig(
      desk,
      profile.id,
      '{ "gerrit_monitor": { "parallel_integration_delay": 120 } }\n',
    );
    expect(outcome).toMatchObject({ kind: 'applied', appliedBy: expect.any(String) });

    const checks = await desk.maintenanceChecks({ profileId: profile.id });
    const byId = new Map(checks.checks.map((c) => [c.id, c]));
    expect(byId.get('service')).toMatchObject({ status: 'warn' });
    expect(byId.get('service')!.summary).toContain(
      `the instance in its working directory is running on port ${lock.port} (pid ${lock.pid}), the app's local runner`,
    );
    expect(byId.get('web-server')).toMatchObject({ status: 'ok' });
    expect(byId.get('agents')!.summary).not.toMatch(/cannot be asked/);

    expect(await desk.localRunnerStatus({ workingDir: work })).toMatchObject({
      phase: 'running',
      pid: lock.pid,
      port: lock.port,
      other: null,
    });
    expect((await runnerTarget(desk, work))?.detail).toBe(`local runner on port ${lock.port}`);

    await desk.localRunnerStop({ workingDir: work });
    const after = await desk.instanceStatus({ profileId: profile.id });
    expect(after.instance).toMatchObject({
      state: 'none',
      owner: null,
      detail: `no Coin instance runs in ${work}`,
    });
    expect(after.activity).toBeNull();
  });

  test("the profile's coin service holds it: the card names the service, will not stop it, and agrees on pid and port", async () => {
    const service = await desk.serviceStart({ profileId: profile.id });
    expect(service.state).toBe('active');
    const lock = lockOf(work);
    expect(daemonPid(work)).toBe(lock.pid);

    const card = await desk.localRunnerStatus({ workingDir: work });
    expect(card).toMatchObject({
      phase: 'stopped',
      other: { pid: lock.pid, port: lock.port, owner: 'service' },
    });
    const status = await desk.instanceStatus({ profileId: profile.id });
    expect(status.instance).toMatchObject({
      state: 'running',
      pid: lock.pid,
      port: lock.port,
      owner: 'service',
    });
    expect(status.service).toMatchObject({ state: 'active', pid: lock.pid, port: lock.port });

    const refused = await desk.localRunnerStop({ workingDir: work }).catch((e: DeskError) => e);
    expect((refused as DeskError).message).toBe(
      `the instance in ${work} (pid ${lock.pid}) is its Coin service: stop it with its profile in Instances, or with coin service stop --working-dir ${work}`,
    );
    expect((await runnerTarget(desk, work))?.detail).toBe(
      `local runner on port ${lock.port} (pid ${lock.pid}, its coin service)`,
    );
    expect((await desk.instanceDashboard({ profileId: profile.id })).url).toBe(
      `http://127.0.0.1:${lock.port}/coin/`,
    );

    await desk.serviceStop({ profileId: profile.id });
    expect((await desk.localRunnerStatus({ workingDir: work })).other).toBeNull();
    expect((await desk.instanceStatus({ profileId: profile.id })).instance?.state).toBe('none');
  });

  test('coin run from a terminal holds it: every view says it was started outside the app', async () => {
    const outside = await startCoin(work);
    try {
      const status = await desk.instanceStatus({ profileId: profile.id });
      expect(status.instance).toMatchObject({
        state: 'running',
        pid: outside.pid,
        port: outside.port,
        owner: 'other',
        detail: `running on port ${outside.port} (pid ${outside.pid}), started outside this app`,
      });
      expect((await desk.localRunnerStatus({ workingDir: work })).other).toEqual({
        pid: outside.pid,
        port: outside.port,
        owner: 'other',
      });
      const context = await desk.configContext({ profileId: profile.id });
      expect(context.instance.running).toBe(true);
    } finally {
      await outside.stop();
    }
    expect((await desk.instanceStatus({ profileId: profile.id })).instance?.state).toBe('none');
  });
});
