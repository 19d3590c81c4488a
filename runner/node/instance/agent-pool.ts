/**
 * The instance's agents: started on demand up to the capacity, kept for the next work item
 * while idle (short items do not pay a process start each), stopped after an idle timeout, and
 * all stopped at shutdown. Every state change goes to the store, so the dashboard sees it.
 */
import { randomBytes } from 'node:crypto';
import type { Hypervisor } from '../../core/hypervisor';
import type { AgentHub } from '../server/agent-hub';
import type { SqliteStore } from '../store/sqlite-store';

export interface AgentPoolOptions {
  hypervisor: Hypervisor;
  hub: AgentHub;
  store: SqliteStore;
  capacity: number;
  masterUrl: () => string;
  token: string;
  /** Stop an agent idle for this long (ms). */
  idleTimeoutMs: number;
  /** How long a started agent may take to connect (ms). */
  connectTimeoutMs: number;
}

/** Hands out agents to work items. */
export class AgentPool {
  private readonly idle = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Set<string>();
  private starting = 0;
  private readonly waiters: ((agentId: string) => void)[] = [];
  private stopped = false;

  constructor(private readonly options: AgentPoolOptions) {}

  private size(): number {
    return this.idle.size + this.busy.size + this.starting;
  }

  /** An agent for one work item; waits when all are busy and the capacity is reached. */
  async acquire(): Promise<string> {
    if (this.stopped) throw new Error('the instance is stopping');
    const [first] = this.idle.keys();
    if (first !== undefined) {
      clearTimeout(this.idle.get(first));
      this.idle.delete(first);
      this.busy.add(first);
      return first;
    }
    if (this.size() < this.options.capacity) return this.startOne();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async startOne(): Promise<string> {
    const agentId = `local-${randomBytes(4).toString('hex')}`;
    this.starting++;
    try {
      this.options.store.upsertAgent({
        id: agentId,
        hypervisor: this.options.hypervisor.name,
        state: 'provisioning',
      });
      const handle = await this.options.hypervisor.startAgent({
        agentId,
        masterUrl: this.options.masterUrl(),
        token: this.options.token,
      });
      this.options.store.upsertAgent({
        id: agentId,
        hypervisor: this.options.hypervisor.name,
        state: 'provisioning',
        host: handle.host,
        pid: handle.pid,
      });
      if (!(await this.options.hub.waitForAgent(agentId, this.options.connectTimeoutMs))) {
        await this.options.hypervisor.stopAgent(agentId);
        this.markStopped(agentId);
        throw new Error(`agent ${agentId} did not connect within ${this.options.connectTimeoutMs} ms`);
      }
      this.options.store.setAgentState(agentId, 'waiting');
      this.busy.add(agentId);
      return agentId;
    } finally {
      this.starting--;
    }
  }

  /** Give an agent back after its work item; it waits for the next one or is stopped when idle. */
  release(agentId: string): void {
    this.busy.delete(agentId);
    if (this.stopped || !this.options.hub.connectedIds().includes(agentId)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.busy.add(agentId);
      waiter(agentId);
      return;
    }
    this.idle.set(
      agentId,
      setTimeout(() => void this.retire(agentId), this.options.idleTimeoutMs),
    );
  }

  private async retire(agentId: string): Promise<void> {
    this.idle.delete(agentId);
    this.setState(agentId, 'stopping');
    await this.options.hypervisor.stopAgent(agentId);
    this.markStopped(agentId);
  }

  /** The hub saw an agent disconnect: forget it. */
  lost(agentId: string): void {
    clearTimeout(this.idle.get(agentId));
    this.idle.delete(agentId);
    this.busy.delete(agentId);
    this.markStopped(agentId);
  }

  private setState(agentId: string, state: 'waiting' | 'running' | 'stopping'): void {
    const agent = this.options.store.getAgent(agentId);
    if (agent && agent.state !== state && agent.state !== 'stopped')
      this.options.store.setAgentState(agentId, state);
  }

  private markStopped(agentId: string): void {
    const agent = this.options.store.getAgent(agentId);
    if (!agent || agent.state === 'stopped') return;
    if (agent.state !== 'stopping') this.options.store.setAgentState(agentId, 'stopping');
    this.options.store.setAgentState(agentId, 'stopped');
  }

  /** Mark an agent as running a work item (for the dashboard). */
  running(agentId: string, workItemId: string): void {
    this.options.store.setAgentState(agentId, 'running', workItemId);
  }

  /** Mark an agent as waiting again. */
  waiting(agentId: string): void {
    this.setState(agentId, 'waiting');
  }

  /** Stop every agent (shutdown). */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.options.hub.shutdownAll();
    const all = [...this.idle.keys(), ...this.busy];
    this.idle.clear();
    this.busy.clear();
    await Promise.all(
      all.map((id) => this.options.hypervisor.stopAgent(id).then(() => this.markStopped(id))),
    );
  }
}
