/**
 * The instance's agents: started on demand up to the capacity, kept for the next work item
 * while idle (short items do not pay a process start each), stopped after an idle timeout, and
 * all stopped at shutdown. `ready` agents (Zuul's nodepool calls them min-ready) are started
 * with the instance and not stopped for idling, so the first work items of the day do not wait for
 * agent processes (about 200 ms each on two cores) either. Every state change goes to the store,
 * so the dashboard sees it.
 * An agent is started for a kind of work item (its VM template and SCHED_REQUIREMENTS on
 * OpenNebula) and is only reused for the same kind; one that does not connect within the
 * connect timeout, or whose hypervisor says it failed, is stopped and the acquire rejects.
 */
import { randomBytes } from 'node:crypto';
import type { Hypervisor } from '../../core/hypervisor';
import type { AgentHub } from './agent-hub';
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
  /** How long a started agent may take to connect (ms): for VMs, the provisioning timeout. */
  connectTimeoutMs: number;
  /** Agents of the default kind kept started while idle (at most the capacity); none by default. */
  ready?: number;
}

/** What kind of agent a work item needs (both ignored by the local hypervisor). */
export interface AgentSpec {
  /** The platform configuration's VM template. */
  template?: string;
  /** SCHED_REQUIREMENTS from the runtime configuration. */
  requirements?: string;
  /** machine_type cores of the work item's phase (OpenNebula sizes the VM with them). */
  cores?: number;
}

function specKey(spec: AgentSpec): string {
  return JSON.stringify([spec.template ?? '', spec.requirements ?? '', spec.cores ?? 0]);
}

interface Waiter {
  spec: AgentSpec;
  resolve(agentId: string): void;
  reject(error: Error): void;
}

/** Hands out agents to work items. */
export class AgentPool {
  private readonly idle = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Set<string>();
  private starting = 0;
  private readonly waiters: Waiter[] = [];
  /** The kind of each agent (specKey). */
  private readonly kinds = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: AgentPoolOptions) {}

  private size(): number {
    return this.idle.size + this.busy.size + this.starting;
  }

  /**
   * An agent for one work item of kind `spec`; waits when all are busy and the capacity is
   * reached. An idle agent of another kind gives its place up when the capacity is reached.
   */
  async acquire(spec: AgentSpec = {}): Promise<string> {
    if (this.stopped) throw new Error('the instance is stopping');
    const key = specKey(spec);
    const same = [...this.idle.keys()].find((id) => this.kinds.get(id) === key);
    if (same !== undefined) {
      clearTimeout(this.idle.get(same));
      this.idle.delete(same);
      this.busy.add(same);
      return same;
    }
    const [other] = this.idle.keys();
    if (this.size() >= this.options.capacity && other !== undefined) await this.retire(other);
    if (this.size() < this.options.capacity) return this.startOne(spec);
    return new Promise((resolve, reject) => this.waiters.push({ spec, resolve, reject }));
  }

  /** How many agents are kept started while idle. */
  private readyCount(): number {
    return Math.min(this.options.ready ?? 0, this.options.capacity);
  }

  /**
   * Starts agents of the default kind until the ready count is there, each then idle for the next
   * work item; resolves with the errors of those that could not be started (work items that need
   * an agent start one as usual).
   */
  async fillReady(): Promise<Error[]> {
    const starts: Promise<void>[] = [];
    for (let i = this.size(); i < this.readyCount(); i++)
      starts.push(this.startOne({}).then((agentId) => this.release(agentId)));
    const results = await Promise.allSettled(starts);
    return results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  }

  /** An idle agent's idle time is up: it is stopped unless it is one of the ready ones. */
  private idleTimeUp(agentId: string): void {
    if (this.stopped || !this.idle.has(agentId)) return;
    if (this.idle.size + this.busy.size <= this.readyCount() && this.kinds.get(agentId) === specKey({})) {
      this.idle.set(
        agentId,
        setTimeout(() => this.idleTimeUp(agentId), this.options.idleTimeoutMs),
      );
      return;
    }
    void this.retire(agentId);
  }

  /** Start an agent for the first waiter when there is room (after an agent went away). */
  private wakeWaiter(): void {
    if (this.stopped || this.size() >= this.options.capacity) return;
    const waiter = this.waiters.shift();
    if (waiter) this.startOne(waiter.spec).then(waiter.resolve, waiter.reject);
  }

  /** Wait for the agent to connect, asking the hypervisor how it is doing every second. */
  private async connected(agentId: string): Promise<{ ok: boolean; failed?: boolean; detail?: string }> {
    const end = Date.now() + this.options.connectTimeoutMs;
    let detail: string | undefined;
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) return { ok: false, detail };
      if (await this.options.hub.waitForAgent(agentId, Math.min(left, 1000))) return { ok: true };
      if (this.stopped) return { ok: false, detail: 'the instance is stopping' };
      const status = await this.options.hypervisor.startStatus?.(agentId).catch(() => undefined);
      if (status?.failed) return { ok: false, failed: true, detail: status.detail };
      detail = status?.detail ?? detail;
    }
  }

  private async startOne(spec: AgentSpec): Promise<string> {
    const agentId = `${this.options.hypervisor.name === 'local' ? 'local' : 'vm'}-${randomBytes(4).toString('hex')}`;
    this.starting++;
    try {
      this.options.store.upsertAgent({
        id: agentId,
        hypervisor: this.options.hypervisor.name,
        state: 'provisioning',
      });
      let handle;
      try {
        handle = await this.options.hypervisor.startAgent({
          agentId,
          masterUrl: this.options.masterUrl(),
          token: this.options.token,
          template: spec.template,
          requirements: spec.requirements,
          ...(spec.cores ? { cores: spec.cores } : {}),
        });
      } catch (error) {
        this.markStopped(agentId);
        throw new Error(`agent ${agentId} could not be started: ${(error as Error).message}`, {
          cause: error,
        });
      }
      this.kinds.set(agentId, specKey(spec));
      this.options.store.upsertAgent({
        id: agentId,
        hypervisor: this.options.hypervisor.name,
        state: 'provisioning',
        host: handle.host,
        pid: handle.pid,
      });
      const connection = await this.connected(agentId);
      if (!connection.ok) {
        await this.options.hypervisor.stopAgent(agentId).catch(() => undefined);
        this.markStopped(agentId);
        const seconds = Number((this.options.connectTimeoutMs / 1000).toFixed(1));
        const what = connection.failed ? 'failed to start' : `did not connect within ${seconds} s`;
        throw new Error(
          `agent ${agentId} ${what}${connection.detail ? ` (${connection.detail})` : ''}; it was stopped`,
        );
      }
      this.options.store.setAgentState(agentId, 'waiting');
      this.busy.add(agentId);
      return agentId;
    } finally {
      this.starting--;
      queueMicrotask(() => this.wakeWaiter());
    }
  }

  /**
   * Give an agent back after its work item. A work item waiting for its kind of agent gets it at
   * once, and the agent stays running (its next `running` names the new work item: one state
   * change per work item rather than two); otherwise it waits, or is stopped when idle.
   */
  release(agentId: string): void {
    this.busy.delete(agentId);
    if (this.stopped || !this.options.hub.connectedIds().includes(agentId)) return;
    const key = this.kinds.get(agentId);
    const at = this.waiters.findIndex((w) => specKey(w.spec) === key);
    if (at >= 0) {
      const [waiter] = this.waiters.splice(at, 1);
      this.busy.add(agentId);
      waiter!.resolve(agentId);
      return;
    }
    if (this.waiters.length > 0) {
      // the waiting work items need another kind of agent: this one makes room
      void this.retire(agentId);
      return;
    }
    this.setState(agentId, 'waiting');
    this.idle.set(
      agentId,
      setTimeout(() => this.idleTimeUp(agentId), this.options.idleTimeoutMs),
    );
  }

  private async retire(agentId: string): Promise<void> {
    clearTimeout(this.idle.get(agentId));
    this.idle.delete(agentId);
    this.busy.delete(agentId);
    this.starting++; // its place stays taken until it is gone
    try {
      this.setState(agentId, 'stopping');
      await this.options.hypervisor.stopAgent(agentId).catch(() => undefined);
      this.markStopped(agentId);
    } finally {
      this.starting--;
      this.wakeWaiter();
    }
  }

  /** The hub saw an agent disconnect: forget it. */
  lost(agentId: string): void {
    clearTimeout(this.idle.get(agentId));
    this.idle.delete(agentId);
    this.busy.delete(agentId);
    this.markStopped(agentId);
    this.wakeWaiter();
  }

  private setState(agentId: string, state: 'waiting' | 'running' | 'stopping'): void {
    const agent = this.options.store.getAgent(agentId);
    if (agent && agent.state !== state && agent.state !== 'stopped')
      this.options.store.setAgentState(agentId, state);
  }

  private markStopped(agentId: string): void {
    this.kinds.delete(agentId);
    const agent = this.options.store.getAgent(agentId);
    if (!agent || agent.state === 'stopped') return;
    if (agent.state !== 'stopping') this.options.store.setAgentState(agentId, 'stopping');
    this.options.store.setAgentState(agentId, 'stopped');
  }

  /** Mark an agent as running a work item (for the dashboard). */
  running(agentId: string, workItemId: string): void {
    this.options.store.setAgentState(agentId, 'running', workItemId);
  }

  /** Stop every agent (shutdown). */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the instance is stopping'));
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
