import { expect, test } from 'vitest';
import { agentDefaults } from '../../../../runner/cli/run-command';

test('agents default per hypervisor: local processes per core and short-lived, VMs more and kept longer; none ready before work', () => {
  expect(agentDefaults('local', 8)).toEqual({ maxAgents: 8, idleSeconds: 60, readyAgents: 0 });
  expect(agentDefaults('opennebula', 8)).toEqual({ maxAgents: 20, idleSeconds: 600, readyAgents: 0 });
});
