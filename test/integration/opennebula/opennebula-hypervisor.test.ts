// The OpenNebula hypervisor (agents in VMs) against the OpenNebula fake, through the one
// Hypervisor contract: a VM "boots" by starting the agent program with its CONTEXT; an instance
// is a VM name prefix.
import { OneClient } from '../../../runner/node/hypervisors/opennebula/one-client';
import { OpenNebulaHypervisor } from '../../../runner/node/hypervisors/opennebula/opennebula-hypervisor';
import { hypervisorContract, waitingAgentCommand } from '../../contracts/hypervisor-contract';
import { startOneFake } from '../../fakes/opennebula/one-fake';
import { makeTempDir } from '../../helpers/temp-dir';

const template = 'qtci-linux-Ubuntu-22.04-x86_64-50';

hypervisorContract('the OpenNebula hypervisor (the OpenNebula fake)', async () => {
  const root = await makeTempDir('one-hypervisor-');
  const fake = await startOneFake({
    root: root.path,
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1' }, { name: 'aquila-2', state: 4 /* DISABLED */ }],
    templates: [{ name: template }],
    agentCommand: waitingAgentCommand,
    stepMs: 50,
  });
  const client = new OneClient({ url: fake.url, session: 'coin:pw' });
  return {
    open: (instance) => new OpenNebulaHypervisor({ client, namePrefix: `coin-${instance}-` }),
    launch: (agentId) => ({ agentId, masterUrl: 'http://127.0.0.1:9/coin', token: 'token', template }),
    settled: () => fake.agentsStopped(),
    stop: async () => {
      await fake.stop();
      await root.remove();
    },
  };
});
