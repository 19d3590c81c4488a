/**
 * The contract every hypervisor implements (in the manner of Nodepool's Provider): the local one
 * (agents are processes on this machine) and OpenNebula (agents inside VMs cloned from templates).
 */

/** What the instance knows about an agent a hypervisor started. */
export interface AgentHandle {
  id: string;
  /** Where it runs: a host name, or a VM id and host. */
  host: string;
  /** Process id of a local agent; null for VMs. */
  pid: number | null;
  startedAt: string;
}

/** What an agent needs to reach its instance. */
export interface AgentLaunch {
  agentId: string;
  /** The instance's base URL as the agent must use it, e.g. http://127.0.0.1:8080/coin */
  masterUrl: string;
  token: string;
  /** Free-form requirements (OpenNebula: SCHED_REQUIREMENTS; local: ignored). */
  requirements?: string;
  /** The platform configuration's `Template` (OpenNebula: the VM template; local: ignored). */
  template?: string;
  /**
   * The module's machine_type cores for the work item (OpenNebula: the VM's VCPU and CPU; local:
   * ignored here, the agent holds each command to that many CPUs).
   */
  cores?: number;
}

/** How a started agent that has not connected yet is doing (OpenNebula: its VM's state). */
export interface AgentStartStatus {
  /** True when it will never connect (the VM failed to boot): give up now. */
  failed: boolean;
  /** For people: `VM 12 is PENDING: No host meets SCHED_REQUIREMENTS`. */
  detail: string;
}

/** A machine agents can run on, as shown in the Hosts view. */
export interface HypervisorHost {
  name: string;
  state: 'on' | 'off' | 'error' | 'disabled';
  /** Agents running there now. */
  agents: number;
  /** Agents it may run at once, when known. */
  capacity: number | null;
}

export interface Hypervisor {
  readonly name: 'local' | 'opennebula';
  /** Start one agent; resolves when it was launched (not yet connected). */
  startAgent(launch: AgentLaunch): Promise<AgentHandle>;
  /** The agents this instance owns that are still alive. */
  listAgents(): Promise<AgentHandle[]>;
  /** Stop one agent and remove its resources; a missing agent is not an error. */
  stopAgent(id: string): Promise<void>;
  /**
   * Remove agents and work areas left by an earlier run of this instance (a crash, SIGKILL).
   * Called at start and at shutdown; resolves to how many were removed.
   */
  cleanupLeaked(): Promise<number>;
  /** The machines behind this hypervisor. */
  hosts(): Promise<HypervisorHost[]>;
  /** Where a started agent that has not connected is (optional: local agents have no such state). */
  startStatus?(id: string): Promise<AgentStartStatus | undefined>;
}
