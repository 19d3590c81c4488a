// The Maintenance area's provisioning services against a real `coin` (this checkout's CLI, run on
// the local profile's host) and the OpenNebula fake: the template sets with their age, `coin
// provision` streamed into the run's output and making the new set current, one run at a time,
// --rollback going back, and a failing run's output and exit.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DeskError } from '../../../electron/common/desk-api';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import {
  createProvisioningServices,
  type ProvisioningServices,
} from '../../../electron/services/maintenance/provisioning';
import { agentCommand } from '../../../runner/cli/run-command';
import { templateSetsFile } from '../../../runner/node/hypervisors/opennebula/template-sets-file';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const base = 'qtci-linux-Ubuntu-22.04-x86_64-50';
let root: TempDir;
let fake: OneFake;
let instances: InstanceServices;
let provisioning: ProvisioningServices;
let profileId: string;
let work: string;
let templatesDir: string;
let authFile: string;

beforeAll(async () => {
  root = await makeTempDir('provisioning-');
  fake = await startOneFake({
    root: path.join(root.path, 'vms'),
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: {} }],
    templates: [{ name: base, owner: 'oneadmin' }],
    agentCommand: agentCommand(),
  });
  authFile = path.join(root.path, 'one_auth');
  await writeFile(authFile, 'coin:pw\n', { mode: 0o600 });
  templatesDir = path.join(root.path, 'provisioning');
  await mkdir(path.join(templatesDir, base), { recursive: true });
  work = path.join(root.path, 'work');
  await mkdir(work);
  instances = createInstanceServices({
    dataDir: path.join(root.path, 'app'),
    sshDir: path.join(root.path, 'ssh'),
  });
  provisioning = createProvisioningServices({ instances });
  const profile = await instances.api.profilesSave({
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
  profileId = profile.id;
});

afterAll(async () => {
  await provisioning?.idle();
  await instances?.closeAll();
  await fake?.stop();
  await root?.remove();
});

test('the sets with their age; coin provision streams its output and makes the new set current; rollback goes back', async () => {
  const api = provisioning.api;
  const none = await api.provisioningStatus({ profileId });
  expect(none).toMatchObject({
    summary: 'agents start from the base templates',
    current: null,
    previous: [],
    rollbackTarget: null,
    lastSource: null,
  });
  expect(await api.provisioningProgress({ profileId })).toMatchObject({ state: 'idle', output: [] });

  // an earlier provisioning, by hand on the host
  const account = ['--one-xmlrpc', fake.url, '--one-auth-file', authFile];
  const first = await runCoin([
    'provision',
    '--working-dir',
    work,
    '--templates-dir',
    templatesDir,
    ...account,
    '--date',
    '2026-11-28',
  ]);
  expect(first.code, first.stderr).toBe(0);
  const old = fake.state.templates.find((t) => t.name === `${base}-provisioned-2026-11-28`)!;
  const before = await api.provisioningStatus({ profileId });
  expect(before.summary).toBe('agents start from the clones of 2026-11-28 (1 template)');
  expect(before.current!.templates).toEqual([
    {
      base,
      clone: old.name,
      id: old.id,
      registeredAt: expect.any(String),
      age: expect.stringMatching(/^\d+ min$/),
    },
  ]);
  expect(before.rollbackTarget).toBe('the base templates');
  expect(before.lastSource).toEqual({ templatesDir, oneXmlrpc: fake.url, oneAuthFile: authFile });

  // the UI's run: the same source, one run at a time
  const request = {
    profileId,
    templatesDir,
    oneXmlrpc: fake.url,
    oneAuthFile: authFile,
    confirmed: true,
  } as const;
  const [started, second] = await Promise.allSettled([
    api.provisioningStart(request),
    api.provisioningStart(request),
  ]);
  expect(started.status).toBe('fulfilled');
  expect(second.status === 'rejected' && second.reason).toBeInstanceOf(DeskError);
  expect((second as PromiseRejectedResult).reason.message).toMatch(/already runs on this instance/);
  const run = (started as PromiseFulfilledResult<Awaited<ReturnType<typeof api.provisioningStart>>>).value;
  expect(run).toMatchObject({ state: 'running', action: 'provision', exitCode: null });
  expect(run.command).toContain(`provision --working-dir ${work} --templates-dir ${templatesDir}`);
  await provisioning.idle();
  const done = await api.provisioningProgress({ profileId });
  const clone = fake.state.templates.find((t) => /-provisioned-/.test(t.name) && t.id !== old.id)!;
  expect(done).toMatchObject({ state: 'done', exitCode: 0, detail: 'coin provision finished' });
  expect(done.output).toEqual(
    expect.arrayContaining([
      `cloning 1 base template(s) named in ${templatesDir} on ${fake.url}`,
      `${base}: cloned as ${clone.name} (id ${clone.id})`,
      expect.stringMatching(/^agents start from the clones of \d{4}-\d{2}-\d{2} \(1 template\)$/),
      'coin provision --rollback goes back to the clones of 2026-11-28',
    ]),
  );
  const after = await api.provisioningStatus({ profileId });
  expect(after.current!.templates.map((t) => [t.clone, t.id])).toEqual([[clone.name, clone.id]]);
  expect(after.previous.map((s) => s.date)).toEqual(['2026-11-28']);
  expect(after.rollbackTarget).toBe('the clones of 2026-11-28');

  const back = await api.provisioningRollback({ profileId, confirmed: true });
  expect(back).toMatchObject({ state: 'running', action: 'rollback' });
  await provisioning.idle();
  const rolled = await api.provisioningProgress({ profileId });
  expect(rolled).toMatchObject({ state: 'done', exitCode: 0 });
  expect(rolled.output.join('\n')).toContain(
    'agents start from the clones of 2026-11-28 (1 template) (was: the clones of',
  );
  expect((await api.provisioningStatus({ profileId })).current!.date).toBe('2026-11-28');
});

test("a failing run keeps coin's message and exit; a broken record is a one-line error", async () => {
  const api = provisioning.api;
  await api.provisioningStart({
    profileId,
    templatesDir: path.join(root.path, 'no-such-dir'),
    oneXmlrpc: fake.url,
    oneAuthFile: authFile,
    confirmed: true,
  });
  await provisioning.idle();
  const failed = await api.provisioningProgress({ profileId });
  expect(failed).toMatchObject({ state: 'failed', exitCode: 2 });
  expect(failed.detail).toBe('coin provision failed (exit 2)');
  expect(failed.output.join('\n')).toContain(
    `coin: --templates-dir: cannot read ${path.join(root.path, 'no-such-dir')}`,
  );

  await writeFile(templateSetsFile(work), '{"current": 3}\n');
  const broken = await api.provisioningStatus({ profileId }).catch((error: unknown) => error);
  expect(broken).toBeInstanceOf(DeskError);
  expect((broken as Error).message).toMatch(
    /^coin provision --status on this computer failed: coin: .* is not a record of provisioned templates/,
  );
});
