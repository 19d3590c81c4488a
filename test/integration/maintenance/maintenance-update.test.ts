// The update procedure end to end in Node: a real deployment checkout following a bare upstream,
// a real runner under `coin service` started from it behind a real OpenSSH server on loopback, the
// real maintenance page; the plan, a blocked plan, a whole update and a pull that cannot
// fast-forward.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { instancePaths } from '../../../runner/core/instance-api';
import type { ConnectionProfile } from '../../../electron/common/instance-schemas';
import type { UpdateProgress, UpdateStep } from '../../../electron/common/maintenance-contract';
import { type InstanceServices } from '../../../electron/services/instances/instance-services';
import {
  createMaintenanceServices,
  type MaintenanceServices,
} from '../../../electron/services/maintenance/maintenance-services';
import { type CoinDeployment } from '../../helpers/coin-deployment';
import { startLoopbackMaster, type LoopbackMaster } from '../../helpers/loopback-master';

let master: LoopbackMaster;
let deployment: CoinDeployment;
let instances: InstanceServices;
let maintenance: MaintenanceServices;
let profile: ConnectionProfile;
let port: number;
// What the test does right before a step of the update starts.
const beforeStep = new Map<UpdateStep['id'], () => Promise<unknown>>();

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'update-data-', instanceKind: 'real' });
  ({ deployment, instances, profile, port } = master);
  maintenance = createMaintenanceServices({
    instances,
    beforeUpdateStep: async (_profileId, step) => {
      await beforeStep.get(step)?.();
      beforeStep.delete(step);
    },
  });
});
afterAll(async () => {
  await maintenance?.idle();
  await master?.stop();
});

/** The state and a piece of the sentence of each step. */
function outline(progress: UpdateProgress): [string, string][] {
  return progress.steps.map((s) => [s.id, s.state]);
}

async function finished(): Promise<UpdateProgress> {
  await maintenance.idle();
  return maintenance.api.maintenanceUpdateProgress({ profileId: profile.id });
}

async function answer(relative: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/coin/${relative}`);
  return { status: response.status, body: await response.text() };
}

test('the plan shows the incoming commit; a dirty checkout blocks the update', async () => {
  const idle = await maintenance.api.maintenanceUpdateProgress({ profileId: profile.id });
  expect(idle).toMatchObject({ state: 'idle', from: null, to: null, startedAt: null });
  expect(outline(idle).map(([, state]) => state)).toEqual(Array(6).fill('pending'));

  const before = await deployment.head();
  const nothing = await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id });
  expect(nothing).toMatchObject({ head: before, target: before, incoming: [], ahead: 0, dirty: [] });
  expect(nothing.blockers).toEqual([`already at origin/${deployment.branch}: nothing to update`]);

  const target = await deployment.pushUpstream();
  fs.appendFileSync(path.join(deployment.coinDir, 'README.md'), '\nedited on the server\n');
  const plan = await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id });
  expect(plan).toMatchObject({
    coinDir: deployment.coinDir,
    branch: deployment.branch,
    upstream: `origin/${deployment.branch}`,
    head: before,
    target,
    incoming: [{ sha: target, subject: 'docs: a note for the update test', author: 'Coin Test' }],
    ahead: 0,
    dirty: [' M README.md'],
    dependenciesChange: false,
  });
  expect(plan.fetchOutput).toContain(`${before.slice(0, 7)}..${target.slice(0, 7)}`);
  expect(plan.blockers).toEqual([
    'the checkout has local changes (1 path in git status): production must follow its upstream branch; bring the changes upstream or discard them',
  ]);
  await expect(
    maintenance.api.maintenanceUpdateStart({ profileId: profile.id, target, confirmed: true }),
  ).rejects.toMatchObject({
    code: 'bad-input',
    message: expect.stringMatching(/^the update cannot run: the checkout has local changes/),
  });
  await deployment.git('checkout', '--', 'README.md');
  expect((await instances.api.serviceStatus({ profileId: profile.id })).state).toBe('active');
});

test('the whole update: stop, maintenance page, pull, dependencies skipped, start, verify', async () => {
  const from = await deployment.head();
  const plan = await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id });
  expect(plan.blockers).toEqual([]);
  const target = plan.target!;
  expect(target).not.toBe(from);
  await expect(
    maintenance.api.maintenanceUpdateStart({ profileId: profile.id, target: from, confirmed: true }),
  ).rejects.toThrow(/the upstream moved since the plan you reviewed/);

  // While the page is up, the instance's port says so.
  let duringPull: { status: number; body: string } | undefined;
  beforeStep.set('pull', async () => (duringPull = await answer(instancePaths.tasks())));
  const started = await maintenance.api.maintenanceUpdateStart({
    profileId: profile.id,
    target,
    confirmed: true,
  });
  expect(started).toMatchObject({ state: 'running', from, to: target });
  await expect(
    maintenance.api.maintenanceUpdateStart({ profileId: profile.id, target, confirmed: true }),
  ).rejects.toThrow(/already running/);
  expect((await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id })).blockers[0]).toMatch(
    /^an update of this instance is already running \(since /,
  );

  const progress = await finished();
  expect(progress.state, JSON.stringify(progress, null, 2)).toBe('done');
  expect(outline(progress)).toEqual([
    ['stop', 'done'],
    ['maintenance-page', 'done'],
    ['pull', 'done'],
    ['dependencies', 'skipped'],
    ['start', 'done'],
    ['verify', 'done'],
  ]);
  const [stop, page, pull, deps, start, verify] = progress.steps;
  expect(stop!.detail).toBe('stopped: the service manager reads back inactive (stopped)');
  expect(page!.detail).toBe(
    `started coin maintenance: the maintenance page answers on port ${port} (HTTP 503)`,
  );
  expect(pull!.detail).toBe(
    `fast-forwarded ${deployment.coinDir} from ${from.slice(0, 12)} to ${target.slice(0, 12)}`,
  );
  expect(pull!.output.join('\n')).toMatch(/Fast-forward/);
  expect(deps!.detail).toBe('package-lock.json did not change: the installed dependencies are kept');
  expect(start!.detail).toMatch(/^started: the service manager reads back active \(running\), pid \d+$/);
  expect(verify!.detail).toBe(
    `the deployment is at ${target.slice(0, 12)} and its web server answers on port ${port} (HTTP 200)`,
  );
  for (const step of progress.steps) {
    expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt!));
  }
  expect(duringPull).toMatchObject({
    status: 503,
    body: expect.stringContaining('Coin is under maintenance'),
  });

  expect(await deployment.head()).toBe(target);
  expect((await answer(instancePaths.tasks())).status).toBe(200);
  // The page the update turned on is in the audit trail, as the app over SSH and who was at it.
  const audit = JSON.parse((await answer(instancePaths.audit({ action: 'maintenance-on' }))).body) as {
    entries: { actor: string; origin: string }[];
  };
  if (profile.kind !== 'ssh') throw new Error('the fixture master is reached over SSH');
  expect(audit.entries[0]).toMatchObject({
    origin: 'app-ssh',
    actor: expect.stringMatching(new RegExp(` as ${profile.user}@${profile.host}$`)),
  });
  expect((await instances.api.serviceStatus({ profileId: profile.id })).state).toBe('active');
  expect((await maintenance.api.maintenanceUpdatePlan({ profileId: profile.id })).blockers).toEqual([
    `already at origin/${deployment.branch}: nothing to update`,
  ]);
});

test('a pull that cannot fast-forward leaves the instance stopped behind the maintenance page', async () => {
  const from = await deployment.head();
  const target = await deployment.pushUpstream();
  // Production gets a commit of its own after the plan was checked: the checkouts diverge.
  beforeStep.set('pull', () => deployment.commitLocally({ 'LOCAL.md': 'a hotfix nobody pushed\n' }));
  await maintenance.api.maintenanceUpdateStart({ profileId: profile.id, target, confirmed: true });
  const progress = await finished();
  expect(progress.state).toBe('failed');
  expect(outline(progress)).toEqual([
    ['stop', 'done'],
    ['maintenance-page', 'done'],
    ['pull', 'failed'],
    ['dependencies', 'pending'],
    ['start', 'pending'],
    ['verify', 'pending'],
  ]);
  // The instance had replaced a maintenance page when it started, so it left one when it stopped.
  expect(progress.steps[1]!.detail).toBe(
    `the maintenance page answers on port ${port} (HTTP 503), as the stopped instance left it`,
  );
  const pull = progress.steps[2]!;
  expect(pull.detail).toMatch(
    new RegExp(
      `^Git could not fast-forward ${deployment.coinDir} to ${target.slice(0, 12)} \\(exit 128; .*\\)\\. The instance is left stopped behind the maintenance page\\. Make the checkout follow its upstream branch again`,
    ),
  );
  expect(pull.output.join('\n')).toMatch(/Not possible to fast-forward/);

  expect(await deployment.git('rev-parse', 'HEAD~1')).toBe(from);
  expect((await instances.api.serviceStatus({ profileId: profile.id })).state).toBe('inactive');
  expect(await answer(instancePaths.tasks())).toMatchObject({
    status: 503,
    body: expect.stringContaining('"maintenance":true'),
  });
});
