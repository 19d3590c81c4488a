// The OpenNebula fake's contract: each fact of ../shared/reference/protocol-facts.md (OpenNebula's
// API reference, DispatchManager, RequestManager, oned.conf and scheduler) that Coin relies on,
// stated as an assertion over real XML-RPC, so that a change of the fake that breaks a fact fails
// here and not silently in the code that was tested against it. The clock is driven by the test:
// nothing moves between two calls unless the test ticks.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseVm, parseVmPool } from '../../../runner/core/opennebula/one-pools';
import {
  lcmStateNames,
  lcmStates,
  oneErrorCodes,
  vmStates,
} from '../../../runner/core/opennebula/one-states';
import { parseSchedMessage } from '../../../runner/core/opennebula/one-sched-message';
import { OneClient, OneError } from '../../../runner/node/hypervisors/opennebula/one-client';
import { startOneFake, type OneFake } from '../../fakes/opennebula/one-fake';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let fake: OneFake;
let coin: OneClient;
let admin: OneClient;

beforeAll(async () => {
  root = await makeTempDir('one-contract-');
  fake = await startOneFake({
    root: root.path,
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: { NESTED_VIRT: 'true' }, totalCpu: 800 }],
    templates: [
      {
        name: 'base',
        context: { FILES: '/srv/x.sh', START_SCRIPT: 'run' },
        attributes: { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', LABELS: 'ci' },
      },
    ],
    agentCommand: [process.execPath, '-e', 'setInterval(() => {}, 1000)', '--'],
    clock: 'manual',
  });
  coin = new OneClient({ url: fake.url, session: 'coin:pw' });
  admin = new OneClient({ url: fake.url, session: 'oneadmin:oneadmin-secret' });
});

afterAll(async () => {
  await fake?.stop();
  await root?.remove();
});

const state = async (id: number, client = coin) => {
  const vm = parseVm(await client.vmInfo(id));
  return vm.state === vmStates.ACTIVE ? `ACTIVE/${lcmStateNames[vm.lcmState]}` : `STATE ${vm.state}`;
};

/** A new VM of `coin`, moved on `ticks` steps (1: PROLOG, 2: BOOT, 3: RUNNING). */
async function vm(ticks = 0, extra = ''): Promise<number> {
  const id = await coin.templateInstantiate(0, '', extra);
  for (let i = 0; i < ticks; i++) fake.tick();
  return id;
}

/** Put VM `id` in a state the fake cannot be driven to by calls (OpenNebula's LCM can). */
function force(id: number, vmState: number, lcmState = 0): void {
  const found = fake.state.vms.find((v) => v.id === id)!;
  found.state = vmState;
  found.lcmState = lcmState;
}

const failureStates = lcmStateNames
  .map((name, value) => ({ name, value }))
  .filter((s) => s.name.endsWith('_FAILURE'));

describe('the OpenNebula fake keeps the facts', () => {
  test('actions are asynchronous: deploy passes PROLOG and BOOT, terminate passes SHUTDOWN and EPILOG', async () => {
    const id = await vm();
    const seen = [await state(id)];
    for (let i = 0; i < 3; i++) {
      fake.tick();
      seen.push(await state(id));
    }
    expect(seen).toEqual(['STATE 1', 'ACTIVE/PROLOG', 'ACTIVE/BOOT', 'ACTIVE/RUNNING']);
    expect(await coin.vmAction('terminate-hard', id)).toBe(id);
    const after = [await state(id)];
    for (let i = 0; i < 2; i++) {
      fake.tick();
      after.push(await state(id));
    }
    expect(after).toEqual(['ACTIVE/SHUTDOWN', 'ACTIVE/EPILOG', `STATE ${vmStates.DONE}`]);
  });

  test('terminate-hard is accepted in every *_FAILURE state, BOOT_FAILURE (36) included', async () => {
    expect(failureStates.map((s) => s.value)).toEqual([
      36, 37, 38, 39, 40, 41, 42, 44, 46, 47, 48, 49, 50, 61,
    ]);
    for (const failure of failureStates) {
      const id = await vm(1);
      force(id, vmStates.ACTIVE, failure.value);
      expect(await coin.vmAction('terminate-hard', id), failure.name).toBe(id);
      expect(await state(id)).toBe('ACTIVE/EPILOG');
      fake.tick();
      expect(await state(id)).toBe(`STATE ${vmStates.DONE}`);
    }
  });

  test('terminate-hard is accepted outside ACTIVE: PENDING, HOLD, POWEROFF, STOPPED, ... and DONE', async () => {
    for (const vmState of [0, 1, 2, 4, 5, 8, 9, 10, 11]) {
      const id = await vm();
      force(id, vmState);
      expect(await coin.vmAction('terminate-hard', id), `STATE ${vmState}`).toBe(id);
      fake.tick();
      expect(await state(id), `STATE ${vmState}`).toBe(`STATE ${vmStates.DONE}`);
      expect(await coin.vmAction('terminate-hard', id), 'DONE: a no-op').toBe(id);
    }
    const running = await vm(3);
    expect(await coin.vmAction('terminate', running)).toBe(running);
    expect(await state(running)).toBe('ACTIVE/SHUTDOWN');
    expect(await coin.vmAction('terminate-hard', running), 'SHUTDOWN with -hard').toBe(running);
    await expect(coin.vmAction('terminate', running), 'SHUTDOWN without -hard').rejects.toMatchObject({
      code: oneErrorCodes.ACTION,
    });
  });

  test('terminate-hard is refused with 0x0800 and its exact message only in transient ACTIVE states', async () => {
    const transient = [
      'LCM_INIT',
      'PROLOG',
      'BOOT',
      'EPILOG',
      'MIGRATE',
      'HOTPLUG',
      'DISK_SNAPSHOT',
      'BACKUP',
    ];
    for (const name of transient) {
      const id = await vm(1);
      force(id, vmStates.ACTIVE, lcmStateNames.indexOf(name));
      const refused = await coin.vmAction('terminate-hard', id).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OneError);
      expect(refused).toMatchObject({
        code: 0x0800,
        detail: `[one.vm.action] Error performing action "terminate-hard": Could not terminate VM ${id}, wrong state ${name}.`,
      });
      force(id, vmStates.ACTIVE, lcmStates.RUNNING);
      await coin.vmAction('terminate-hard', id);
    }
  });

  test('recover is an ADMIN operation: refused to an ordinary account, delete works for oneadmin', async () => {
    const id = await vm(1);
    force(id, vmStates.ACTIVE, lcmStates.BOOT_FAILURE);
    for (const operation of [0, 1, 2, 3, 4, 5])
      await expect(coin.vmRecover(id, operation)).rejects.toMatchObject({
        code: oneErrorCodes.AUTHORIZATION,
        detail: `[one.vm.recover] User [1] : Not authorized to perform ADMIN VM [${id}].`,
      });
    force(id, vmStates.ACTIVE, lcmStates.PROLOG);
    expect(await admin.vmRecover(id, 3)).toBe(id);
    expect(await state(id)).toBe(`STATE ${vmStates.DONE}`);
    expect(await admin.vmRecover(id, 3), 'DONE: a no-op').toBe(id);
  });

  test('restricted attributes in the extra template are refused to an ordinary account', async () => {
    const extras = {
      'CONTEXT/FILES': 'CONTEXT = [ FILES = "/etc/passwd" ]',
      'NIC/MAC': 'NIC = [ NETWORK = "x", MAC = "02:00:00:00:00:01" ]',
      'NIC/BRIDGE': 'NIC = [ BRIDGE = "br0" ]',
      'DISK/READ_BYTES_SEC': 'DISK = [ IMAGE = "x", READ_BYTES_SEC = "1" ]',
      PCI: 'PCI = [ VENDOR = "10de" ]',
      USER_INPUTS: 'USER_INPUTS = [ X = "M|text|x" ]',
      CPU_COST: 'CPU_COST = "1"',
    };
    for (const [attribute, extra] of Object.entries(extras)) {
      await expect(coin.templateInstantiate(0, '', extra), attribute).rejects.toMatchObject({
        code: oneErrorCodes.AUTHORIZATION,
        detail: `[one.template.instantiate] VM Template includes a restricted attribute ${attribute}.`,
      });
    }
    const id = await admin.templateInstantiate(0, '', extras['CONTEXT/FILES']);
    expect(parseVm(await admin.vmInfo(id)).context).toEqual({ FILES: '/etc/passwd' });
    await admin.vmAction('terminate-hard', id);
  });

  test('extra attributes replace same-named ones; a CONTEXT replaces the whole CONTEXT; SCHED_REQUIREMENTS is in USER_TEMPLATE', async () => {
    const plain = parseVm(await coin.vmInfo(await vm()));
    expect(plain.context).toEqual({ NETWORK: 'YES', FILES: '/srv/x.sh', START_SCRIPT: 'run' });
    expect(plain.userTemplate).toMatchObject({ SCHED_REQUIREMENTS: 'NESTED_VIRT = true', LABELS: 'ci' });
    const id = await vm(0, 'CONTEXT = [ COIN_X = "1" ]\nSCHED_REQUIREMENTS = "NAME = \\"aquila*\\""');
    const merged = parseVm(await coin.vmInfo(id));
    expect(merged.context).toEqual({ COIN_X: '1' });
    expect(merged.userTemplate).toMatchObject({ SCHED_REQUIREMENTS: 'NAME = "aquila*"', LABELS: 'ci' });
  });

  test('SCHED_MESSAGE is in USER_TEMPLATE as "<ctime>: Cannot dispatch VM: <reason>", only in one.vm.info', async () => {
    const id = await vm(1, 'SCHED_REQUIREMENTS = "NESTED_VIRT = false"');
    const message = parseVm(await coin.vmInfo(id)).userTemplate.SCHED_MESSAGE!;
    expect(message).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: Cannot dispatch VM: No host meets capacity and SCHED_REQUIREMENTS: .+ & \( NESTED_VIRT = false \)$/,
    );
    expect(parseSchedMessage(message)).toMatchObject({
      reason: 'No host meets capacity and SCHED_REQUIREMENTS',
      aboutRequirements: true,
    });
    const pooled = parseVmPool(await coin.vmPoolInfo()).find((v) => v.id === id)!;
    expect(pooled.userTemplate.SCHED_MESSAGE).toBeUndefined();
    expect(pooled.userTemplate.SCHED_REQUIREMENTS).toBe('NESTED_VIRT = false');
    expect(pooled.context).toEqual({});
  });

  test('one.vmpool.info takes an optional 5th KEY=VALUE filter', async () => {
    const id = await coin.templateInstantiate(0, 'coin-contract-named', '');
    const filtered = await coin.call('one.vmpool.info', [-3, -1, -1, -1, 'NAME=coin-contract-named']);
    expect(parseVmPool(filtered as string).map((v) => v.id)).toEqual([id]);
    const all = parseVmPool((await coin.call('one.vmpool.info', [-3, -1, -1, -1])) as string);
    expect(all.length).toBeGreaterThan(1);
    await expect(coin.call('one.vmpool.info', [-3, -1, -1, -1, 'NAME=x', 1])).rejects.toMatchObject({
      code: null,
    });
  });
});
