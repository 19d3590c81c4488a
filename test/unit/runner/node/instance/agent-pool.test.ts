// The agent pool with a scripted hypervisor and hub: agents are reused only for the same kind of
// work item, an idle agent of another kind gives its place up, and an agent that fails to start
// or never connects is stopped and the acquire rejects with why.
import { describe, expect, test, vi } from 'vitest';
import type { AgentLaunch, AgentStartStatus, Hypervisor } from '../../../../../runner/core/hypervisor';
import { AgentPool } from '../../../../../runner/node/instance/agent-pool';
import type { AgentHub } from '../../../../../runner/node/instance/agent-hub';
import type { SqliteStore } from '../../../../../runner/node/store/sqlite-store';

function setup(options: {
  capacity: number;
  connects?: boolean;
  status?: AgentStartStatus;
  timeoutMs?: number;
  ready?: number;
  idleTimeoutMs?: number;
}) {
  const connected = new Set<string>();
  const launches: AgentLaunch[] = [];
  const stopped: string[] = [];
  const states = new Map<string, string>();
  const hypervisor: Hypervisor = {
    name: 'opennebula',
    startAgent: async (launch) => {
      launches.push(launch);
      if (options.connects !== false) connected.add(launch.agentId);
      return { id: launch.agentId, host: 'VM 1', pid: null, startedAt: '' };
    },
    listAgents: async () => [],
    stopAgent: async (id) => {
      stopped.push(id);
      connected.delete(id);
    },
    cleanupLeaked: async () => 0,
    hosts: async () => [],
    startStatus: async () => options.status,
  };
  const hub = {
    waitForAgent: async (id: string, ms: number) => {
      if (connected.has(id)) return true;
      await new Promise((r) => setTimeout(r, ms));
      return connected.has(id);
    },
    connectedIds: () => [...connected],
    shutdownAll: () => undefined,
  } as unknown as AgentHub;
  const store = {
    upsertAgent: (a: { id: string; state: string }) => states.set(a.id, a.state),
    setAgentState: (id: string, state: string) => states.set(id, state),
    getAgent: (id: string) => (states.has(id) ? { id, state: states.get(id) } : undefined),
  } as unknown as SqliteStore;
  const pool = new AgentPool({
    hypervisor,
    hub,
    store,
    capacity: options.capacity,
    masterUrl: () => 'http://10.0.0.1:8080/coin',
    token: 't',
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    connectTimeoutMs: options.timeoutMs ?? 5000,
    ready: options.ready,
  });
  return { pool, launches, stopped, states };
}

const linux = { template: 'qtci-linux-Ubuntu-22.04-x86_64-50' };
const android = { template: 'qtci-linux-Ubuntu-22.04-x86_64-50', requirements: 'NESTED_VIRT = true' };

describe('AgentPool', () => {
  test('an idle agent is reused for the same kind; at capacity another kind replaces it', async () => {
    const { pool, launches, stopped } = setup({ capacity: 1 });
    const first = await pool.acquire(linux);
    expect(first).toMatch(/^vm-[0-9a-f]{8}$/);
    expect(launches[0]).toMatchObject({ agentId: first, template: linux.template, requirements: undefined });
    pool.release(first);
    expect(await pool.acquire(linux)).toBe(first);
    pool.release(first);
    const second = await pool.acquire(android);
    expect(second).not.toBe(first);
    expect(stopped).toEqual([first]);
    expect(launches[1]).toMatchObject({ requirements: 'NESTED_VIRT = true' });
    // a waiter of another kind gets a new agent when the busy one is released
    const waiting = pool.acquire(linux);
    pool.release(second);
    const third = await waiting;
    expect(stopped).toEqual([first, second]);
    expect(launches[2]).toMatchObject({ agentId: third, template: linux.template, requirements: undefined });
    await pool.stopAll();
    expect(stopped).toEqual([first, second, third]);
  });

  test('a VM that failed to boot rejects at once, stopped, with the hypervisor’s words', async () => {
    const { pool, stopped, states } = setup({
      capacity: 1,
      connects: false,
      status: { failed: true, detail: 'VM 7 is ACTIVE/BOOT_FAILURE on host aquila-1' },
    });
    const started = Date.now();
    await expect(pool.acquire(linux)).rejects.toThrow(
      /^agent (vm-[0-9a-f]{8}) failed to start \(VM 7 is ACTIVE\/BOOT_FAILURE on host aquila-1\); it was stopped$/,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(stopped).toHaveLength(1);
    expect(states.get(stopped[0]!)).toBe('stopped');
  });

  test('an agent that never connects: the timeout says where its VM was', async () => {
    const { pool, stopped } = setup({
      capacity: 1,
      connects: false,
      timeoutMs: 1500,
      status: { failed: false, detail: 'VM 8 is PENDING: Cannot dispatch VM: No hosts enabled to run VMs' },
    });
    await expect(pool.acquire(android)).rejects.toThrow(
      /did not connect within 1\.5 s \(VM 8 is PENDING: Cannot dispatch VM: No hosts enabled to run VMs\); it was stopped$/,
    );
    expect(stopped).toHaveLength(1);
    // the place is free again: the next acquire starts a new agent
    await expect(pool.acquire(android)).rejects.toThrow(/did not connect/);
    expect(stopped).toHaveLength(2);
  });

  test('ready agents start before any work, are handed out first and outlive the idle timeout', async () => {
    vi.useFakeTimers();
    try {
      const { pool, launches, stopped, states } = setup({ capacity: 3, ready: 2, idleTimeoutMs: 1000 });
      expect(await pool.fillReady()).toEqual([]);
      expect(launches.map((l) => l.template)).toEqual([undefined, undefined]);
      expect([...states.values()]).toEqual(['waiting', 'waiting']);
      // already there: no second start
      expect(await pool.fillReady()).toEqual([]);
      expect(launches).toHaveLength(2);
      const ids = launches.map((l) => l.agentId);
      const one = await pool.acquire();
      const two = await pool.acquire();
      expect([one, two].sort()).toEqual([...ids].sort());
      const third = await pool.acquire(); // beyond the ready ones: started on demand
      expect(launches).toHaveLength(3);
      for (const id of [one, two, third]) pool.release(id);
      await vi.advanceTimersByTimeAsync(5000);
      // one idled out (the first whose time was up); as many as are ready stay for the next work
      expect(stopped).toHaveLength(1);
      const kept = [one, two, third].filter((id) => id !== stopped[0]);
      for (const id of kept) expect(states.get(id)).toBe('waiting');
      await vi.advanceTimersByTimeAsync(5000);
      expect(stopped).toHaveLength(1);
      await pool.stopAll();
      expect(stopped.sort()).toEqual([one, two, third].sort());
    } finally {
      vi.useRealTimers();
    }
  });

  test('ready agents never exceed the capacity, and one that cannot start is reported, not thrown', async () => {
    const { pool, launches } = setup({ capacity: 1, ready: 4 });
    expect(await pool.fillReady()).toEqual([]);
    expect(launches).toHaveLength(1);
    const failing = setup({
      capacity: 2,
      ready: 1,
      status: { failed: true, detail: 'no host' },
      connects: false,
    });
    const errors = await failing.pool.fillReady();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/failed to start \(no host\); it was stopped/),
    ]);
    expect(failing.stopped).toHaveLength(1);
  });
});
