// The local hypervisor (agents as processes of this machine, records in the working directory)
// through the one Hypervisor contract; an instance is a working directory.
import path from 'node:path';
import { LocalHypervisor } from '../../../runner/node/hypervisors/local-hypervisor';
import { hypervisorContract, waitingAgentCommand } from '../../contracts/hypervisor-contract';
import { makeTempDir } from '../../helpers/temp-dir';

hypervisorContract('the local hypervisor', async () => {
  const root = await makeTempDir('local-hypervisor-');
  return {
    open: (instance) =>
      new LocalHypervisor({
        workingDir: path.join(root.path, instance),
        agentCommand: waitingAgentCommand,
        capacity: 4,
      }),
    launch: (agentId) => ({ agentId, masterUrl: 'http://127.0.0.1:9/coin', token: 'token' }),
    // stopAgent and cleanupLeaked wait for the process to end
    settled: async () => undefined,
    stop: () => root.remove(),
  };
});
