// The OpenNebula fake's model without its server: XML in the schemas' structure (read from
// test/helpers/qt-fixtures.ts), SCHED_REQUIREMENTS against hosts, the VM life cycle, ownership.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { hostStates, lcmStates, oneErrorCodes, vmStates } from '../../../runner/core/opennebula/one-states';
import {
  parseHostPool,
  parseTemplatePool,
  parseVm,
  parseVmPool,
} from '../../../runner/core/opennebula/one-pools';
import { agentExtraTemplate } from '../../../runner/core/opennebula/one-template';
import { FakeOneState, XmlRpcFault, type FakeVm } from '../../fakes/opennebula/fake-one-state';
import { hostMeets } from '../../fakes/opennebula/sched-requirements';
import { openNebulaFixtures } from '../../helpers/qt-fixtures';
import { XsdStructure } from '../../helpers/xsd-structure';

const one = openNebulaFixtures();
const xsd = new XsdStructure(
  one.found
    ? ['vm.xsd', 'vm_pool.xsd', 'host.xsd', 'host_pool.xsd', 'vmtemplate.xsd'].map((f) =>
        path.join(one.dir, f),
      )
    : [],
);

function model(failBoot?: (vm: FakeVm) => boolean) {
  const booted: number[] = [];
  const shutDown: number[] = [];
  const state = new FakeOneState(
    {
      users: [
        { name: 'coin', password: 'pw' },
        { name: 'vmbuilder', password: 'real' },
      ],
      hosts: [
        { name: 'aquila-1', attributes: { NESTED_VIRT: 'false' } },
        { name: 'aquila-2', attributes: { NESTED_VIRT: 'true' }, totalCpu: 100 },
      ],
      templates: [{ name: 'qtci-linux-Ubuntu-22.04-x86_64-50' }],
      stepMs: 0,
    },
    { failBoot, booted: (vm) => booted.push(vm.id), shutDown: (vm) => shutDown.push(vm.id) },
  );
  return { state, booted, shutDown };
}

const extra = (requirements?: string) =>
  agentExtraTemplate({
    baseContext: { NETWORK: 'YES' },
    masterUrl: 'http://10.0.0.1:8080/coin',
    token: 't"ok\\en',
    agentId: 'vm-1',
    schedRequirements: requirements,
  });

function ok<T>(answer: [boolean, ...unknown[]]): T {
  expect(answer[0], String(answer[1])).toBe(true);
  return answer[1] as T;
}

describe('the fake OpenNebula model', () => {
  test.skipIf(!one.found)('answers in the schemas structure, and core parses what it answers', () => {
    const { state } = model();
    const id = ok<number>(
      state.call('one.template.instantiate', ['coin:pw', 0, 'coin-x-vm-1', false, extra(), false]),
    );
    for (let i = 0; i < 3; i++) state.tick();
    const vmXml = ok<string>(state.call('one.vm.info', ['coin:pw', id, false]));
    const poolXml = ok<string>(state.call('one.vmpool.info', ['coin:pw', -3, -1, -1, -1]));
    const hostsXml = ok<string>(state.call('one.hostpool.info', ['coin:pw']));
    const templatesXml = ok<string>(state.call('one.templatepool.info', ['coin:pw', -1, -1, -1]));
    const templateXml = ok<string>(state.call('one.template.info', ['coin:pw', 0, false, false]));
    expect(xsd.check(vmXml)).toEqual([]);
    expect(xsd.check(poolXml)).toEqual([]);
    expect(xsd.check(hostsXml)).toEqual([]);
    expect(xsd.check(templateXml)).toEqual([]);
    const vm = parseVm(vmXml);
    expect(vm).toMatchObject({
      id,
      name: 'coin-x-vm-1',
      uname: 'coin',
      state: vmStates.ACTIVE,
      lcmState: lcmStates.RUNNING,
    });
    expect(vm.context).toEqual({
      NETWORK: 'YES',
      COIN_MASTER_URL: 'http://10.0.0.1:8080/coin',
      COIN_AGENT_TOKEN: 't"ok\\en',
      COIN_AGENT_ID: 'vm-1',
    });
    expect(parseVmPool(poolXml)).toEqual([
      expect.objectContaining({ id, hostname: 'aquila-1', context: {} }),
    ]);
    const hosts = parseHostPool(hostsXml);
    expect(hosts.map((h) => [h.name, h.state, h.cpuUsage, h.vmIds])).toEqual([
      ['aquila-1', hostStates.MONITORED, 100, [id]],
      ['aquila-2', hostStates.MONITORED, 0, []],
    ]);
    expect(hosts[1]!.template.NESTED_VIRT).toBe('true');
    expect(parseTemplatePool(templatesXml)).toEqual([
      expect.objectContaining({
        id: 0,
        name: 'qtci-linux-Ubuntu-22.04-x86_64-50',
        context: { NETWORK: 'YES' },
      }),
    ]);
  });

  test.skipIf(!one.found)('the structure check finds wrong order and missing elements', () => {
    expect(xsd.check('<HOST_POOL><HOST><NAME>x</NAME><ID>1</ID></HOST></HOST_POOL>')).toContain(
      'HOST_POOL/HOST: <ID> missing (or out of order)',
    );
  });

  test('PENDING -> PROLOG -> BOOT -> RUNNING, the agent booted once; terminate passes SHUTDOWN and EPILOG', () => {
    const { state, booted, shutDown } = model();
    const id = ok<number>(state.call('one.template.instantiate', ['coin:pw', 0, '', false, extra(), false]));
    const seen: string[] = [];
    const vm = state.vms[0]!;
    for (let i = 0; i < 4; i++) {
      seen.push(`${vm.state}/${vm.lcmState}`);
      state.tick();
    }
    expect(seen).toEqual(['1/0', '3/1', '3/2', '3/3']);
    expect(vm.name).toBe(`qtci-linux-Ubuntu-22.04-x86_64-50-${id}`);
    expect(booted).toEqual([id]);
    expect(ok<number>(state.call('one.vm.action', ['coin:pw', 'terminate-hard', id]))).toBe(id);
    expect(shutDown).toEqual([id]);
    const after: string[] = [];
    for (let i = 0; i < 3; i++) {
      after.push(`${vm.state}/${vm.lcmState}`);
      state.tick();
    }
    expect(after).toEqual(['3/12', '3/11', '6/0']);
    expect(shutDown).toEqual([id]);
    expect(parseVmPool(ok(state.call('one.vmpool.info', ['coin:pw', -3, -1, -1, -1])))).toEqual([]);
    expect(parseVmPool(ok(state.call('one.vmpool.info', ['coin:pw', -3, -1, -1, -2])))).toHaveLength(1);
  });

  test('a VM whose requirements no host meets stays PENDING and says why', () => {
    const { state } = model();
    ok(
      state.call('one.template.instantiate', [
        'coin:pw',
        0,
        '',
        false,
        extra('NESTED_VIRT = true & NAME = "zeus*"'),
        false,
      ]),
    );
    for (let i = 0; i < 5; i++) state.tick();
    const vm = state.vms[0]!;
    expect(vm.state).toBe(vmStates.PENDING);
    expect(vm.userTemplate.SCHED_REQUIREMENTS).toBe('NESTED_VIRT = true & NAME = "zeus*"');
    expect(vm.userTemplate.SCHED_MESSAGE).toMatch(
      /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: Cannot dispatch VM: No host meets capacity and SCHED_REQUIREMENTS: .* & \( NESTED_VIRT = true & NAME = "zeus\*" \)$/,
    );
    ok(state.call('one.template.instantiate', ['coin:pw', 0, '', false, extra('NESTED_VIRT = true'), false]));
    state.tick();
    expect(state.vms[1]!.history[0]!.hostname).toBe('aquila-2');
  });

  test('hosts that are down or disabled, and full hosts, take no VMs', () => {
    const { state } = model();
    state.setHostState('aquila-1', hostStates.DISABLED);
    state.setHostState('aquila-2', hostStates.ERROR);
    ok(state.call('one.template.instantiate', ['coin:pw', 0, '', false, extra(), false]));
    state.tick();
    expect(state.vms[0]!.userTemplate.SCHED_MESSAGE).toMatch(
      /: Cannot dispatch VM: No hosts enabled to run VMs$/,
    );
    state.setHostState('aquila-2', hostStates.MONITORED);
    state.tick();
    ok(state.call('one.template.instantiate', ['coin:pw', 0, '', false, extra(), false]));
    state.tick();
    expect(state.vms.map((v) => v.state)).toEqual([vmStates.ACTIVE, vmStates.PENDING]);
    expect(state.vms[1]!.userTemplate.SCHED_MESSAGE).toMatch(
      /: Cannot dispatch VM: No host with enough capacity to deploy the VM$/,
    );
  });

  test('a boot failure: terminate-hard is accepted in BOOT_FAILURE, recover is refused to a non-admin', () => {
    const { state, booted } = model(() => true);
    const id = ok<number>(state.call('one.template.instantiate', ['coin:pw', 0, '', false, extra(), false]));
    for (let i = 0; i < 4; i++) state.tick();
    expect([state.vms[0]!.state, state.vms[0]!.lcmState]).toEqual([vmStates.ACTIVE, lcmStates.BOOT_FAILURE]);
    expect(booted).toEqual([]);
    expect(state.call('one.vm.recover', ['coin:pw', id, 3])).toEqual([
      false,
      `[one.vm.recover] User [1] : Not authorized to perform ADMIN VM [${id}].`,
      oneErrorCodes.AUTHORIZATION,
    ]);
    expect(ok(state.call('one.vm.action', ['coin:pw', 'terminate-hard', id]))).toBe(id);
    expect(state.vms[0]!.lcmState).toBe(lcmStates.EPILOG);
    state.tick();
    expect(state.vms[0]!.state).toBe(vmStates.DONE);
  });

  test('errors: a wrong session, a missing VM, another user’s VM, wrong argument types', () => {
    const { state } = model();
    expect(state.call('one.vmpool.info', ['coin:wrong', -3, -1, -1, -1])).toEqual([
      false,
      "[one.vmpool.info] User couldn't be authenticated, aborting call.",
      oneErrorCodes.AUTHENTICATION,
    ]);
    expect(state.call('one.vm.info', ['coin:pw', 42, false])).toEqual([
      false,
      '[one.vm.info] Error getting virtual machine [42].',
      oneErrorCodes.NO_EXISTS,
    ]);
    const theirs = ok<number>(
      state.call('one.template.instantiate', ['vmbuilder:real', 0, 'coin-real-vm-9', false, '', false]),
    );
    expect(state.call('one.vm.action', ['coin:pw', 'terminate-hard', theirs])[2]).toBe(
      oneErrorCodes.AUTHORIZATION,
    );
    expect(parseVmPool(ok(state.call('one.vmpool.info', ['coin:pw', -3, -1, -1, -1])))).toEqual([]);
    expect(
      parseVmPool(ok(state.call('one.vmpool.info', ['oneadmin:oneadmin-secret', -2, -1, -1, -1]))),
    ).toHaveLength(1);
    expect(() => state.call('one.vm.info', ['coin:pw', '42', false])).toThrow(XmlRpcFault);
    expect(() => state.call('one.vm.info', ['coin:pw', 42])).toThrow(/expected 2 parameters/);
    expect(() => state.call('one.vm.nothing', ['coin:pw'])).toThrow(/Unknown method/);
  });

  test('SCHED_REQUIREMENTS: comparisons, wildcards, numbers, boolean operators', () => {
    const host = { NAME: 'aquila-12', NESTED_VIRT: 'true', CPU_SPEED: '3200', PCI: 'gpu0,nic1' };
    expect(hostMeets('NESTED_VIRT = true', host)).toBe(true);
    expect(hostMeets('NAME = "aquila*"', host)).toBe(true);
    expect(hostMeets('NAME != "aquila*"', host)).toBe(false);
    expect(hostMeets('CPU_SPEED > 3000 & CPU_SPEED < 4000', host)).toBe(true);
    expect(hostMeets('!(NESTED_VIRT = true) | PCI @> nic1', host)).toBe(true);
    expect(hostMeets('MISSING = 1 | MISSING != 1', host)).toBe(false);
    expect(() => hostMeets('NAME = ', host)).toThrow(/expected a value/);
  });
});
