// `coin run --hypervisor opennebula` against the OpenNebula fake: a real instance, real agents
// started by the fake when their VM "boots", a real integration of a small module.
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { agentCommand } from '../../../runner/cli/run-command';
import { parseOneTemplate, oneVector } from '../../../runner/core/opennebula/one-template';
import { vmStates } from '../../../runner/core/opennebula/one-states';
import type { TemplateSets } from '../../../runner/core/opennebula/one-template-sets';
import { OneClient } from '../../../runner/node/hypervisors/opennebula/one-client';
import { OpenNebulaHypervisor } from '../../../runner/node/hypervisors/opennebula/opennebula-hypervisor';
import { templateSetsFile } from '../../../runner/node/hypervisors/opennebula/template-sets-file';
import { removeVm } from '../../../runner/node/hypervisors/opennebula/vm-removal';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { commitModule, startCoin } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

/** The API of the instance on `port` (the client checks the answer against the contract). */
const clientOf = (port: number) => new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) });

let root: TempDir;
let fake: OneFake;
let authFile: string;
let configs: string;
const template = 'qtci-linux-Ubuntu-22.04-x86_64-50';

beforeAll(async () => {
  root = await makeTempDir('one-run-');
  fake = await startOneFake({
    root: path.join(root.path, 'vms'),
    users: [
      { name: 'coin', password: 'pw' },
      { name: 'vmbuilder', password: 'real' },
    ],
    hosts: [
      { name: 'aquila-1', attributes: { NESTED_VIRT: 'false' } },
      { name: 'aquila-2', attributes: { NESTED_VIRT: 'true' }, state: 4 /* DISABLED */ },
    ],
    // FILES is a restricted CONTEXT attribute: the fake refuses an instantiate that re-sends it
    templates: [{ name: template, owner: 'oneadmin', context: { FILES: '/srv/one/agent-files.tar' } }],
    agentCommand: agentCommand(),
    stepMs: 100,
  });
  authFile = path.join(root.path, 'one_auth');
  await writeFile(authFile, 'coin:pw\n', { mode: 0o600 });
  configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  await writeFile(
    path.join(configs, 'demo.yaml'),
    [
      'Version: 2',
      'Configurations:',
      "- Id: 'ubuntu-22.04'",
      `  Template: '${template}'`,
      "  Compiler: 'GCC'",
      "- Id: 'android-on-ubuntu'",
      `  Template: '${template}'`,
      "  Compiler: 'GCC'",
      "  Target os: 'Android'",
      "  Target arch: 'arm64'",
      "  Target compiler: 'Clang'",
      '',
    ].join('\n'),
  );
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
});

afterAll(async () => {
  await fake.stop();
  await root.remove();
});

function oneArgs(extra: string[] = []): string[] {
  return [
    '--hypervisor',
    'opennebula',
    '--one-xmlrpc',
    fake.url,
    '--one-auth-file',
    authFile,
    '--own-ip',
    '127.0.0.1',
    '--platform-configs',
    configs,
    '--max-agents',
    '1',
    ...extra,
  ];
}

interface TaskJson {
  state: string;
  workItems: {
    kind: string;
    state: string;
    configuration: string;
    failure: { kind: string; reason: string } | null;
  }[];
}

async function integrate(
  work: string,
  config: string,
): Promise<{ code: number; task: TaskJson; stderr: string }> {
  const result = await runCoin(
    [
      'integrate',
      path.join(root.path, 'demo/tool'),
      '--ref',
      'main',
      '--working-dir',
      work,
      '--config',
      config,
      '--wait',
      '--json',
    ],
    { timeoutMs: 90_000 },
  );
  return { code: result.code, task: JSON.parse(result.stdout) as TaskJson, stderr: result.stderr };
}

const vmsNamed = (prefix: string) => fake.state.vms.filter((vm) => vm.name.startsWith(prefix));

describe('coin run --hypervisor opennebula', () => {
  test('integrates a module on VMs; removes its own stale VMs at start and leaves others alone', async () => {
    const work = path.join(root.path, 'work-1');
    await mkdir(work);
    await writeFile(path.join(work, 'instance-id'), 'abcd1234\n');
    const coinUser = new OneClient({ url: fake.url, session: 'coin:pw' });
    const realUser = new OneClient({ url: fake.url, session: 'vmbuilder:real' });
    const stale = await coinUser.templateInstantiate(0, 'coin-abcd1234-vm-00000001', '', true);
    const otherInstance = await coinUser.templateInstantiate(0, 'coin-ffff0000-vm-00000002', '', true);
    const otherUser = await realUser.templateInstantiate(0, 'coin-abcd1234-vm-00000003', '', true);
    const coin = await startCoin(work, oneArgs());
    try {
      const state = (id: number) => fake.state.vms.find((vm) => vm.id === id)!.state;
      expect(state(stale)).toBe(vmStates.DONE);
      expect(state(otherInstance)).toBe(vmStates.HOLD);
      expect(state(otherUser)).toBe(vmStates.HOLD);
      expect(coin.output()).toContain('removed 1 stale agent(s) at start');

      const { code, task, stderr } = await integrate(work, 'ubuntu-22.04');
      expect({ code, state: task.state }, `${stderr}\n${coin.output().slice(-3000)}`).toEqual({
        code: 0,
        state: 'Passed',
      });
      expect(task.workItems.map((w) => [w.kind, w.state])).toEqual([
        ['build', 'Done'],
        ['test', 'Done'],
      ]);
      const ours = vmsNamed('coin-abcd1234-vm-').filter((vm) => vm.uname === 'coin' && vm.id !== stale);
      expect(ours).toHaveLength(1); // one agent VM ran both work items
      expect(ours[0]!.state).toBe(vmStates.ACTIVE);
      expect(ours[0]!.context).toMatchObject({
        NETWORK: 'YES', // the template's own CONTEXT is kept, but for the restricted FILES
        COIN_MASTER_URL: `http://127.0.0.1:${coin.port}/coin`,
        COIN_AGENT_ID: ours[0]!.name.slice('coin-abcd1234-'.length),
      });
      expect(ours[0]!.context.FILES).toBeUndefined();
      expect(ours[0]!.userTemplate.SCHED_REQUIREMENTS).toBeUndefined();
      expect(await clientOf(coin.port).hosts()).toEqual({
        hypervisor: 'opennebula',
        hosts: [
          { name: 'aquila-1', state: 'on', agents: 1, capacity: 4 },
          { name: 'aquila-2', state: 'disabled', agents: 0, capacity: 4 },
        ],
      });
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    // stopping removed this instance's VMs and nobody else's
    expect(
      vmsNamed('coin-abcd1234-vm-')
        .filter((vm) => vm.uname === 'coin')
        .map((vm) => vm.state),
    ).toEqual(
      vmsNamed('coin-abcd1234-vm-')
        .filter((vm) => vm.uname === 'coin')
        .map(() => vmStates.DONE),
    );
    expect(fake.state.vms.find((vm) => vm.id === otherUser)!.state).toBe(vmStates.HOLD);
    expect(fake.state.vms.find((vm) => vm.id === otherInstance)!.state).toBe(vmStates.HOLD);
    await fake.agentsStopped();
    await removeVm(realUser, otherUser, { timeoutMs: 10_000 });
    await removeVm(coinUser, otherInstance, { timeoutMs: 10_000 });
  });

  test('SCHED_REQUIREMENTS from the runtime configuration reach OpenNebula; VMs that never bring an agent fail their work item', async () => {
    const work = path.join(root.path, 'work-2');
    await mkdir(work);
    await writeFile(path.join(work, 'instance-id'), '0badc0de\n');
    await writeFile(
      path.join(work, 'coin_configuration.json'),
      JSON.stringify({
        opennebula: {
          sched_rules: [{ SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'Android' } }],
        },
      }),
    );
    const coin = await startCoin(work, oneArgs(['--one-provision-timeout', '3']));
    try {
      // no enabled host has NESTED_VIRT: the VM stays PENDING until the provisioning timeout
      const pending = await integrate(work, 'android-on-ubuntu');
      expect(pending.code).toBe(1);
      const build = pending.task.workItems.find((w) => w.kind === 'build')!;
      expect(build.state).toBe('Failed');
      expect(build.failure!.kind).toBe('system');
      expect(build.failure!.reason).toMatch(
        /^no agent: agent vm-[0-9a-f]{8} did not connect within 3 s \(VM \d+ is PENDING: No host meets capacity and SCHED_REQUIREMENTS \(NESTED_VIRT = true\)\); it was stopped$/,
      );
      const instantiate = fake.calls
        .filter((c) => c.method === 'one.template.instantiate' && c.user === 'coin')
        .at(-1)!;
      const extra = parseOneTemplate(String(instantiate.params[3]));
      expect(extra.SCHED_REQUIREMENTS).toBe('NESTED_VIRT = true');
      expect(oneVector(extra, 'CONTEXT').COIN_AGENT_TOKEN).toMatch(/^[0-9a-f]{64}$/);
      expect(vmsNamed('coin-0badc0de-').map((vm) => vm.state)).toEqual([vmStates.DONE]);

      // a VM that fails to boot fails its work item at once, and is removed (terminate-hard, never recover)
      fake.failBoot(() => true);
      const started = Date.now();
      const failed = await integrate(work, 'ubuntu-22.04');
      fake.failBoot(() => false);
      expect(failed.code).toBe(1);
      expect(failed.task.workItems.find((w) => w.kind === 'build')!.failure!.reason).toMatch(
        /^no agent: agent vm-[0-9a-f]{8} failed to start \(VM \d+ is ACTIVE\/BOOT_FAILURE on host aquila-1\); it was stopped$/,
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(vmsNamed('coin-0badc0de-').map((vm) => vm.state)).toEqual([vmStates.DONE, vmStates.DONE]);
      expect(fake.calls.some((c) => c.method === 'one.vm.recover')).toBe(false);
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    await fake.agentsStopped();
  });

  test('after a crash (SIGKILL) the restarted instance removes the VMs it left', async () => {
    const work = path.join(root.path, 'work-crash');
    await mkdir(work);
    await writeFile(path.join(work, 'instance-id'), 'c0ffee00\n');
    const crashed = await startCoin(work, oneArgs());
    const { code } = await integrate(work, 'ubuntu-22.04');
    expect(code).toBe(0);
    const left = vmsNamed('coin-c0ffee00-');
    expect(left.map((vm) => [vm.state, vm.lcmState])).toEqual([[vmStates.ACTIVE, 3]]);
    await crashed.kill();
    const coin = await startCoin(work, oneArgs());
    try {
      expect(coin.output()).toContain('removed 1 stale agent(s) at start');
      expect(left[0]!.state).toBe(vmStates.DONE);
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    await fake.agentsStopped();
  });

  test('the hosts of a local instance: one row, this machine', async () => {
    const coin = await startCoin(path.join(root.path, 'work-local'), ['--max-agents', '3']);
    try {
      expect(await clientOf(coin.port).hosts()).toEqual({
        hypervisor: 'local',
        hosts: [{ name: hostname(), state: 'on', agents: 0, capacity: 3 }],
      });
    } finally {
      expect(await coin.stop()).toBe(0);
    }
  });

  test('coin provision clones each base template; coin run starts agents from the clones; --rollback goes back', async () => {
    const dir = path.join(root.path, 'provisioning');
    await mkdir(path.join(dir, template), { recursive: true });
    await mkdir(path.join(dir, 'common'));
    const work = path.join(root.path, 'work-provision');
    await mkdir(work);
    await writeFile(path.join(work, 'instance-id'), 'facefeed\n');
    const account = ['--one-xmlrpc', fake.url, '--one-auth-file', authFile];
    const args = ['provision', '--working-dir', work, ...account, '--templates-dir', dir];
    const first = await runCoin([...args, '--date', '2026-11-28', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const clone = fake.state.templates.find((t) => t.name === `${template}-provisioned-2026-11-28`)!;
    expect(clone).toMatchObject({ uname: 'coin', context: { NETWORK: 'YES' } });
    const report = JSON.parse(first.stdout) as {
      templates: unknown[];
      recorded: boolean;
      sets: TemplateSets;
    };
    expect(report.templates).toEqual([
      expect.objectContaining({ base: 'common', result: 'missing', id: null }),
      expect.objectContaining({ base: template, clone: clone.name, result: 'cloned', id: clone.id }),
    ]);
    expect(report.recorded).toBe(true);
    expect(report.sets.current!.templates).toEqual([
      { base: template, clone: clone.name, id: clone.id, registeredAt: expect.any(String) },
    ]);
    const again = await runCoin([...args, '--date', '2026-11-28']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`${clone.name}\\s+exists\\s+${clone.id}`));
    expect(fake.state.templates.filter((t) => t.name === clone.name)).toHaveLength(1);
    const next = await runCoin([...args, '--date', '2026-11-29']);
    expect(next.stdout).toContain('agents start from the clones of 2026-11-29 (1 template)');
    expect(next.stdout).toContain('coin provision --rollback goes back to the clones of 2026-11-28');
    const newer = fake.state.templates.find((t) => t.name === `${template}-provisioned-2026-11-29`)!;

    // coin run starts the agent from the newest clone, and the VM has no FILES
    const coin = await startCoin(work, oneArgs());
    try {
      const { code } = await integrate(work, 'ubuntu-22.04');
      expect(code).toBe(0);
      expect(vmsNamed('coin-facefeed-').map((vm) => vm.templateId)).toEqual([newer.id]);
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    await fake.agentsStopped();

    // back to the 28th's clones, then to the base templates; an agent started now uses them
    const client = new OneClient({ url: fake.url, session: 'coin:pw' });
    const hypervisor = new OpenNebulaHypervisor({
      client,
      namePrefix: 'coin-facefeed-',
      templateSetsFile: templateSetsFile(work),
    });
    const launch = { agentId: 'vm-rollback', masterUrl: 'http://127.0.0.1:9/coin', token: 't', template };
    const startedFrom = async () => {
      await hypervisor.startAgent(launch);
      const vm = vmsNamed('coin-facefeed-vm-rollback').at(-1)!;
      await hypervisor.stopAgent(launch.agentId);
      return vm.templateId;
    };
    const back = await runCoin(['provision', '--working-dir', work, '--rollback']);
    expect(back.stdout.trim()).toBe(
      'agents start from the clones of 2026-11-28 (1 template) (was: the clones of 2026-11-29)',
    );
    expect(await startedFrom()).toBe(clone.id);
    expect((await runCoin(['provision', '--working-dir', work, '--rollback'])).code).toBe(0);
    expect(await startedFrom()).toBe(0);
    const none = await runCoin(['provision', '--working-dir', work, '--rollback']);
    expect({ code: none.code, stderr: none.stderr }).toEqual({
      code: 1,
      stderr: 'coin: nothing to go back to: agents already start from the base templates\n',
    });
    const status = JSON.parse(
      (await runCoin(['provision', '--working-dir', work, '--status', '--json'])).stdout,
    );
    expect(status.sets).toMatchObject({ current: null, previous: [], lastSource: { templatesDir: dir } });
  });

  test('a wrong password is a one-line startup error', async () => {
    const work = path.join(root.path, 'work-3');
    const wrongAuth = path.join(root.path, 'wrong_auth');
    await writeFile(wrongAuth, 'coin:nope\n');
    const result = await runCoin([
      'run',
      '--working-dir',
      work,
      '--port',
      '0',
      ...oneArgs(['--one-auth-file', wrongAuth]),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `coin: OpenNebula at ${fake.url} refused user 'coin': [one.system.version] User couldn't be authenticated, aborting call.\n`,
    );
    const usage = await runCoin([
      'run',
      '--working-dir',
      work,
      '--hypervisor',
      'opennebula',
      '--one-xmlrpc',
      fake.url,
      '--one-auth-file',
      authFile,
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^coin: --hypervisor opennebula needs --own-ip ADDRESS or QT_CI_OWN_IP/);
    // ready agents would have no template to start from (they only warned, once started, before)
    const ready = await runCoin([
      'run',
      '--working-dir',
      work,
      '--port',
      '0',
      ...oneArgs(['--ready-agents', '1']),
    ]);
    expect(ready.code).toBe(2);
    expect(ready.stderr).toContain(
      'coin: --ready-agents is for local agents: an OpenNebula VM needs the template',
    );
  });
});
