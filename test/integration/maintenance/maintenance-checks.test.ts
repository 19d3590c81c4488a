// The Maintenance area's checks, garbage collection and artifact invalidation end to end in Node:
// a profile for a real OpenSSH server on loopback, one real runner under `coin service` from a
// deployment checkout, a real integration for artifacts, problems written to the real service log.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import type { ConnectionProfile } from '../../../electron/common/instance-schemas';
import type { ChecksReport, MaintenanceCheck } from '../../../electron/common/maintenance-contract';
import { type InstanceServices } from '../../../electron/services/instances/instance-services';
import {
  createMaintenanceServices,
  type MaintenanceServices,
} from '../../../electron/services/maintenance/maintenance-services';
import { commitModule } from '../../helpers/coin-process';
import { type CoinDeployment } from '../../helpers/coin-deployment';
import { runCoin } from '../../helpers/run-coin';
import { type SshdHandle } from '../../helpers/sshd';
import { startLoopbackMaster, type LoopbackMaster } from '../../helpers/loopback-master';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';
import { sshdProfile } from '../ssh/ssh-fixture';

let master: LoopbackMaster;
let sshd: SshdHandle;
let deployment: CoinDeployment;
let instances: InstanceServices;
let maintenance: MaintenanceServices;
let profile: ConnectionProfile;
let port: number;

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'maintenance-data-' });
  ({ sshd, deployment, instances, profile, port } = master);
  maintenance = createMaintenanceServices({ instances });
});
afterAll(async () => {
  await master?.stop();
});

function byId(report: ChecksReport): Record<MaintenanceCheck['id'], MaintenanceCheck> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c])) as Record<
    MaintenanceCheck['id'],
    MaintenanceCheck
  >;
}

function logLine(level: number, msg: string, time = Date.now()): string {
  return `${JSON.stringify({ level, time, pid: 4242, hostname: 'master', msg })}\n`;
}

test('a healthy instance: every check is ok, Gerrit is skipped', async () => {
  const report = await maintenance.api.maintenanceChecks({ profileId: profile.id });
  expect(report.checks.map((c) => c.id)).toEqual([
    'service',
    'journal-problems',
    'disk',
    'agents',
    'web-server',
    'latest-results',
    'gerrit',
  ]);
  const checks = byId(report);
  expect(checks.service).toMatchObject({
    status: 'ok',
    summary: expect.stringMatching(/^active \(running\) since /),
  });
  expect(checks['journal-problems']).toMatchObject({ status: 'ok', details: [] });
  expect(checks['journal-problems'].summary).toContain(
    path.join(deployment.workingDir, 'service', 'coin.log'),
  );
  expect(checks.disk.status).toBe('ok');
  expect(checks.disk.summary).toMatch(
    /free of .*the garbage collector's threshold is 10\.0 GiB \(the instance's --gc-min-free-gb\)/,
  );
  // none at work; the ready ones (coin run --ready-agents) may be starting or waiting
  expect(checks.agents.status).toBe('ok');
  expect(checks.agents.summary).toMatch(/^0 running, \d+ waiting \(\d+ agents? in the pool\)$/);
  expect(checks['web-server']).toMatchObject({
    status: 'ok',
    summary: `the dashboard and its API answer on port ${port} (HTTP 200)`,
  });
  expect(checks['latest-results']).toMatchObject({
    status: 'ok',
    summary: 'no task has finished yet; 0 queued or running',
  });
  expect(checks.gerrit).toMatchObject({
    status: 'skipped',
    summary: 'this instance does not watch Gerrit (coin run --gerrit)',
  });
  expect(report.overall).toBe('ok');
});

test('a warning of the last hour warns, an error fails, with the lines and their times; older lines do not count', async () => {
  const log = path.join(deployment.workingDir, 'service', 'coin.log');
  const twoHoursAgo = Date.now() - 2 * 3600_000;
  fs.appendFileSync(log, logLine(50, 'an error from two hours ago', twoHoursAgo));
  const warnedAt = Date.now();
  fs.appendFileSync(log, logLine(40, 'agent pool is slow to start agents', warnedAt));
  const warned = byId(await maintenance.api.maintenanceChecks({ profileId: profile.id }))['journal-problems'];
  expect(warned).toMatchObject({
    status: 'warn',
    summary: expect.stringMatching(/^1 warning in the last hour of /),
  });
  expect(warned.details).toEqual([
    `${new Date(warnedAt).toISOString()} WARNING agent pool is slow to start agents`,
  ]);

  fs.appendFileSync(log, logLine(50, 'could not clone the template'));
  fs.appendFileSync(log, 'Traceback (most recent call last):\n');
  const failed = byId(await maintenance.api.maintenanceChecks({ profileId: profile.id }))['journal-problems'];
  expect(failed.status).toBe('fail');
  expect(failed.summary).toMatch(/^2 error\/critical\/traceback lines and 1 warning in the last hour/);
  expect(failed.details).toHaveLength(3);
  expect(failed.details[1]).toMatch(/^\S+Z ERROR could not clone the template$/);
  expect(failed.details[2]).toMatch(/^\S+Z ERROR Traceback \(most recent call last\):$/);
  expect(failed.details.join('\n')).not.toContain('two hours ago');
});

test('after an integration: the latest result, a GC dry run listing its artifact, invalidation bumping the epoch', async () => {
  const modules = path.join(deployment.workingDir, '..', 'modules');
  await commitModule(modules, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  const integrated = await runCoin(
    [
      'integrate',
      path.join(modules, 'demo/tool'),
      '--ref',
      'main',
      '--working-dir',
      deployment.workingDir,
      '--wait',
      '--json',
    ],
    { timeoutMs: 90_000, launch: deployment.coin },
  );
  expect(integrated.code, integrated.stderr).toBe(0);
  const task = JSON.parse(integrated.stdout) as { id: string; state: string };
  expect(task.state).toBe('Passed');

  const results = byId(await maintenance.api.maintenanceChecks({ profileId: profile.id }))['latest-results'];
  expect(results.status).toBe('ok');
  expect(results.summary).toMatch(
    new RegExp(
      `^the newest finished task is demo/tool main \\(${task.id}\\), Passed 0 minutes ago; 0 queued or running$`,
    ),
  );

  const dry = await maintenance.api.maintenanceGc({
    profileId: profile.id,
    dryRun: true,
    minFreeGb: 100_000,
  });
  expect(dry).toMatchObject({ dryRun: true, satisfied: false, pinnedKept: 0 });
  expect(dry.removed).toHaveLength(1);
  expect(dry.removed[0]).toMatchObject({ reason: 'lru', size: expect.any(Number) });
  expect(dry.freedBytes).toBe(dry.removed[0]!.size);

  const { epoch } = await maintenance.api.maintenanceInvalidate({ profileId: profile.id, confirmed: true });
  const storage = await new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) }).storage();
  expect(storage.artifactEpoch).toBe(epoch);
  expect(epoch).toBeGreaterThan(0);
  const afterInvalidation = await maintenance.api.maintenanceGc({
    profileId: profile.id,
    dryRun: true,
    minFreeGb: 0,
  });
  expect(afterInvalidation.removed.map((r) => r.reason)).toEqual(['old-epoch']);
  expect(afterInvalidation.removed[0]!.key).toBe(dry.removed[0]!.key);
});

test('a real instance: GC for real needs confirmation; a CLI failure is reported with its words', async () => {
  const { id: _id, ...input } = sshdProfile(sshd, {
    name: 'Real master',
    coinDir: deployment.coinDir,
    workingDir: deployment.workingDir,
    instanceKind: 'real',
  });
  const real = await instances.api.profilesSave({ profile: input });
  await expect(maintenance.api.maintenanceGc({ profileId: real.id, dryRun: false })).rejects.toMatchObject({
    code: 'bad-input',
    message: expect.stringMatching(/is the real instance: .*confirm/),
  });
  const { id: _id2, ...broken } = sshdProfile(sshd, { name: 'Broken master', coinDir: '/nonexistent/coin' });
  const missing = await instances.api.profilesSave({ profile: broken });
  await expect(maintenance.api.maintenanceGc({ profileId: missing.id, dryRun: true })).rejects.toMatchObject({
    code: 'failed',
    message: expect.stringMatching(/^coin gc on .* failed: .*Cannot find module/s),
  });
});

test('a stopped instance: the service and the web server fail, the API-based checks say why they cannot be made', async () => {
  expect((await instances.api.serviceStop({ profileId: profile.id })).state).toBe('inactive');
  const report = await maintenance.api.maintenanceChecks({ profileId: profile.id });
  const checks = byId(report);
  expect(checks.service).toMatchObject({
    status: 'fail',
    summary: expect.stringMatching(/^inactive \(stopped\).*: the instance is not running$/),
  });
  expect(checks['web-server']).toMatchObject({
    status: 'fail',
    summary: expect.stringMatching(new RegExp(`^nothing answers on port ${port} \\(`)),
  });
  expect(checks.agents).toMatchObject({
    status: 'fail',
    summary: 'could not be checked: the instance is inactive, so its API cannot be asked',
  });
  expect(checks['latest-results'].status).toBe('fail');
  expect(checks.disk).toMatchObject({ status: 'ok', summary: expect.stringContaining("coin run's default") });
  expect(checks.gerrit).toMatchObject({
    status: 'fail',
    summary: 'could not be checked: the instance is inactive, so its API cannot be asked',
  });
  expect(report.overall).toBe('fail');
});
