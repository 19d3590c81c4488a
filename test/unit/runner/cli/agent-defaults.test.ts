import { expect, test } from 'vitest';
import { agentDefaults } from '../../../../runner/cli/run-command';

test('agents default per hypervisor: local processes per core and short-lived, VMs more and kept longer', () => {
  expect(agentDefaults('local', 8)).toEqual({ maxAgents: 8, idleSeconds: 60 });
  expect(agentDefaults('opennebula', 8)).toEqual({ maxAgents: 20, idleSeconds: 600 });
});
