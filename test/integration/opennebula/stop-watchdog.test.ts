// `coin run --stop-timeout-seconds`: a stop that hangs ends with the store closed cleanly, the lock
// released and a line naming the step it hung in. The hang is a real one: OpenNebula (the fake)
// takes the terminate of the agent VM running a work item but never brings it to DONE, as a host
// that stopped answering leaves a VM in SHUTDOWN, and the instance waits for DONE at stop.
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { agentCommand } from '../../../runner/cli/run-command';
import { lcmStates, vmStates } from '../../../runner/core/opennebula/one-states';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { commitModule, startCoin } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let fake: OneFake;
let args: string[];
const template = 'qtci-linux-Ubuntu-22.04-x86_64-50';

beforeAll(async () => {
  root = await makeTempDir('stop-watchdog-');
  fake = await startOneFake({
    root: path.join(root.path, 'vms'),
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: {} }],
    templates: [{ name: template, owner: 'oneadmin' }],
    agentCommand: agentCommand(),
    stepMs: 100,
  });
  const authFile = path.join(root.path, 'one_auth');
  await writeFile(authFile, 'coin:pw\n', { mode: 0o600 });
  const configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  await writeFile(
    path.join(configs, 'demo.yaml'),
    `Version: 2\nConfigurations:\n- Id: 'ubuntu-22.04'\n  Template: '${template}'\n  Compiler: 'GCC'\n`,
  );
  await commitModule(root.path, 'demo/slow', {
    'coin/module_config.yaml': [
      'version: 2',
      'instructions:',
      '  Build:',
      '    - type: ExecuteCommand',
      '      command: "sleep 60"',
      '      userMessageOnFailure: "the build failed"',
      '  Test: []',
      '',
    ].join('\n'),
  });
  args = [
    ...['--hypervisor', 'opennebula', '--one-xmlrpc', fake.url, '--one-auth-file', authFile],
    ...['--own-ip', '127.0.0.1', '--platform-configs', configs, '--max-agents', '1'],
  ];
});

afterAll(async () => {
  await fake.stop();
  await root.remove();
});

const ours = () => fake.state.vms.filter((vm) => vm.name.startsWith('coin-5709d09e-'));

test('a stop stuck waiting for a VM to go ends after --stop-timeout-seconds, store closed and lock free', async () => {
  const work = path.join(root.path, 'work');
  await mkdir(work);
  await writeFile(path.join(work, 'instance-id'), '5709d09e\n');
  const coin = await startCoin(work, [...args, '--stop-timeout-seconds', '3']);
  let code: number | null;
  let seconds: number;
  try {
    const submitted = await runCoin([
      ...['integrate', path.join(root.path, 'demo/slow'), '--ref', 'main'],
      ...['--working-dir', work, '--config', 'ubuntu-22.04'],
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    // the build's agent connects from its VM
    await expect.poll(() => coin.output(), { timeout: 30_000 }).toMatch(/agent vm-\w+ connected/);
    expect(ours().map((vm) => [vm.state, vm.lcmState])).toEqual([[vmStates.ACTIVE, lcmStates.RUNNING]]);
    // from now on no VM of this instance moves on: a terminate leaves it in SHUTDOWN
    fake.stall((vm) => vm.name.startsWith('coin-5709d09e-'));
  } finally {
    const started = Date.now();
    code = await coin.stop(30_000);
    seconds = (Date.now() - started) / 1000;
  }
  expect(code, coin.output().slice(-3000)).toBe(1);
  expect(seconds).toBeGreaterThanOrEqual(3);
  expect(seconds).toBeLessThan(15);
  expect(coin.output()).toContain(
    'the instance did not stop within 3 s of SIGTERM (still stopping the agents): closing its store and exiting',
  );
  expect(ours().map((vm) => [vm.state, vm.lcmState])).toEqual([[vmStates.ACTIVE, lcmStates.SHUTDOWN]]);

  // what the run wrote is committed and its event stream ended cleanly, so clients resume by seq
  const store = SqliteStore.open(work);
  const events = store.eventsSince(0, 10_000).map((e) => e.kind);
  store.close();
  expect(events).toContain('workItem.state');

  // the lock is free: the next run starts, re-queues the interrupted integration and continues the
  // event stream; the VM finishes going once OpenNebula moves again (its terminate was sent)
  const [left] = ours();
  fake.stall(() => false);
  const again = await startCoin(work, args);
  try {
    expect(again.output()).toContain('"requeuedTasks":1');
    expect(again.output()).not.toContain('new event stream');
    await expect.poll(() => left!.state, { timeout: 30_000 }).toBe(vmStates.DONE);
  } finally {
    expect(await again.stop()).toBe(0);
  }
  await fake.agentsStopped();
}, 90_000);

test('--stop-timeout-seconds takes a whole number of seconds from 1, checked before anything starts', async () => {
  const work = path.join(root.path, 'never-started');
  for (const bad of ['0', '2.5', 'soon']) {
    const result = await runCoin(
      ['run', '--working-dir', work, '--port', '0', '--stop-timeout-seconds', bad],
      {
        timeoutMs: 60_000,
      },
    );
    expect(result.code, bad).toBe(2);
    expect(result.stderr).toContain(`--stop-timeout-seconds must be an integer >= 1, got '${bad}'`);
  }
  // refused before the working directory was made or locked
  await expect(access(work)).rejects.toThrow();
});
