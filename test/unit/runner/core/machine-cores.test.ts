import { describe, expect, test } from 'vitest';
import { grantCores } from '../../../../runner/core/machine-cores';
import { agentExtraTemplate, parseOneTemplate } from '../../../../runner/core/opennebula/one-template';

describe('grantCores', () => {
  test('no machine_type, or exactly this machine: all CPUs, nothing to say', () => {
    expect(grantCores(null, 8, true)).toEqual({ numCpu: 8, cpuList: null, note: null });
    expect(grantCores(8, 8, true)).toEqual({ numCpu: 8, cpuList: null, note: null });
  });
  test('fewer cores than the machine has: NumCPU and the commands are held to them', () => {
    expect(grantCores(4, 16, true)).toEqual({
      numCpu: 4,
      cpuList: '0-3',
      note: "machine_type asks for 4 of this machine's 16 cores: NumCPU is 4, commands run on CPUs 0-3",
    });
    expect(grantCores(1, 2, true).cpuList).toBe('0');
    expect(grantCores(4, 16, false)).toMatchObject({ numCpu: 4, cpuList: null });
    expect(grantCores(4, 16, false).note).toContain('not pinned (no taskset here)');
  });
  test('more cores than the machine has: says so and runs with what there is', () => {
    expect(grantCores(8, 2, true)).toEqual({
      numCpu: 2,
      cpuList: null,
      note: 'machine_type asks for 8 cores; this machine has 2: running with 2',
    });
  });
});

describe('an agent VM sized from machine_type', () => {
  test('VCPU and CPU in the extra template; absent without cores', () => {
    const base = { baseContext: {}, masterUrl: 'http://10.0.0.1:8080/coin', token: 't', agentId: 'vm-1' };
    expect(parseOneTemplate(agentExtraTemplate({ ...base, cores: 8 }))).toMatchObject({
      VCPU: '8',
      CPU: '8',
    });
    expect(parseOneTemplate(agentExtraTemplate(base))).not.toHaveProperty('VCPU');
  });
});
