/**
 * Which hypervisor an instance's agents come from: local processes (the default) or OpenNebula
 * VMs (`coin run --hypervisor opennebula`), with what differs between the two: the address agents
 * reach the instance on, how long an agent may take to connect, and what kind of agent a work
 * item needs (its VM template and SCHED_REQUIREMENTS).
 */
import type { Logger } from 'pino';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import type { Hypervisor } from '../../core/hypervisor';
import type { RuntimeConfig } from '../../core/runtime-config/config-schema';
import { schedRequirementsFor, workItemConfigurationOf } from '../../core/runtime-config/sched-rules';
import { LocalHypervisor, type AgentCommand } from '../hypervisors/local-hypervisor';
import { OneClient } from '../hypervisors/opennebula/one-client';
import { instanceNamePrefix, OpenNebulaHypervisor } from '../hypervisors/opennebula/opennebula-hypervisor';
import { templateSetsFile } from '../hypervisors/opennebula/template-sets-file';
import type { AgentSpec } from './agent-pool';

/** How an instance uses OpenNebula (runner/cli/opennebula-options.ts). */
export interface OpenNebulaInstanceOptions {
  /** The XML-RPC endpoint (ONE_XMLRPC). */
  url: string;
  /** `user:password`. */
  session: string;
  /** The address VMs reach this instance on (QT_CI_OWN_IP). */
  ownAddress: string;
  /** How long a VM may take from instantiate to its agent connecting (ms). */
  provisionTimeoutMs: number;
}

export interface InstanceHypervisor {
  hypervisor: Hypervisor;
  /** The host part of the URL agents are given. */
  agentAddress: string;
  connectTimeoutMs: number;
  /** Agents run on this machine and can write their work items' logs themselves. */
  agentsOnThisMachine: boolean;
}

/** The local hypervisor, or OpenNebula after checking its endpoint and account (one-line errors). */
export async function instanceHypervisor(options: {
  workingDir: string;
  agentCommand: AgentCommand;
  maxAgents: number;
  opennebula?: OpenNebulaInstanceOptions;
  log: Logger;
}): Promise<InstanceHypervisor> {
  const one = options.opennebula;
  if (!one) {
    return {
      hypervisor: new LocalHypervisor({
        workingDir: options.workingDir,
        agentCommand: options.agentCommand,
        capacity: options.maxAgents,
        onAgentOutput: (agentId, line) => options.log.info({ agentId }, line),
      }),
      agentAddress: '127.0.0.1',
      connectTimeoutMs: 30_000,
      agentsOnThisMachine: true,
    };
  }
  const hypervisor = new OpenNebulaHypervisor({
    client: new OneClient({ url: one.url, session: one.session }),
    namePrefix: await instanceNamePrefix(options.workingDir),
    log: (message) => options.log.warn(message),
    templateSetsFile: templateSetsFile(options.workingDir),
  });
  const version = await hypervisor.check(one.url);
  options.log.info({ url: one.url, version }, `OpenNebula ${version} at ${one.url}`);
  return {
    hypervisor,
    agentAddress: one.ownAddress.includes(':') ? `[${one.ownAddress}]` : one.ownAddress,
    connectTimeoutMs: one.provisionTimeoutMs,
    agentsOnThisMachine: false,
  };
}

/** The agent a work item on `configurationName` needs: its template and SCHED_REQUIREMENTS now. */
export function agentSpecOf(
  configurationName: string,
  configurations: readonly PlatformConfiguration[],
  config: RuntimeConfig,
): AgentSpec {
  const configuration = configurations.find((c) => c.name === configurationName);
  if (!configuration) throw new Error(`unknown configuration '${configurationName}'`);
  const byId = (id: string) => configurations.find((c) => c.id === id);
  return {
    template: configuration.template,
    requirements: schedRequirementsFor(config, workItemConfigurationOf(configuration, byId)),
  };
}
