// One contract test for every hypervisor (runner/core/hypervisor.ts): the local one
// (test/integration/hypervisors/local-hypervisor.test.ts) and OpenNebula against its fake
// (test/integration/opennebula/opennebula-hypervisor.test.ts). Agents here are a small program
// that waits; in both cases it runs on this machine (the fake boots a VM by starting it), so
// whether an agent runs is read from the process table.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, afterAll, describe, expect, test } from 'vitest';
import type { AgentLaunch, Hypervisor } from '../../runner/core/hypervisor';
import { commandLine, readProcessTable, sleep } from '../helpers/process-tree';

/** argv of the agent program of these tests: it waits until it is stopped. */
export const waitingAgentCommand = [process.execPath, '-e', 'setInterval(() => {}, 1000)', '--'];

/** A hypervisor under test. */
export interface HypervisorHarness {
  /** The hypervisor of instance `instance`: the same name again is that instance after a restart. */
  open(instance: string): Hypervisor;
  /** What starting `agentId` needs (a VM template where agents are VMs). */
  launch(agentId: string): AgentLaunch;
  /** Resolves when every agent program has ended, once all agents were stopped. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** True while an agent program for `agentId` runs on this machine. */
export function agentRunning(agentId: string): boolean {
  return [...readProcessTable().keys()].some((pid) =>
    `${commandLine(pid)} `.includes(`--agent-id ${agentId} `),
  );
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function hypervisorContract(name: string, setup: () => Promise<HypervisorHarness>): void {
  describe(`${name} satisfies the Hypervisor contract`, () => {
    let h: HypervisorHarness;
    /** Every instance a test used, cleaned up after it. */
    let used: Hypervisor[] = [];
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.stop();
    });
    afterEach(async () => {
      for (const hypervisor of used) await hypervisor.cleanupLeaked();
      used = [];
      await h.settled();
    });

    const instance = (label: string) => {
      const hypervisor = h.open(`${label}${randomBytes(3).toString('hex')}`);
      used.push(hypervisor);
      return hypervisor;
    };
    const agentId = () => `agent-${randomBytes(4).toString('hex')}`;
    const ids = async (hypervisor: Hypervisor) => (await hypervisor.listAgents()).map((a) => a.id);

    test("a started agent runs and is listed as its instance's, not another's", async () => {
      const mine = instance('a');
      const other = instance('b');
      const id = agentId();
      const handle = await mine.startAgent(h.launch(id));
      expect(handle).toMatchObject({ id, host: expect.any(String), startedAt: expect.any(String) });
      await until(() => agentRunning(id), 'the agent program');
      expect(await ids(mine)).toEqual([id]);
      expect(await ids(other)).toEqual([]);
    });

    test('a stopped agent ends and is no longer listed; a missing one stops without error', async () => {
      const mine = instance('c');
      const id = agentId();
      await mine.startAgent(h.launch(id));
      await until(() => agentRunning(id), 'the agent program');
      await mine.stopAgent(id);
      expect(await ids(mine)).toEqual([]);
      await until(() => !agentRunning(id), 'the agent program to end');
      await expect(mine.stopAgent(agentId())).resolves.toBeUndefined();
    });

    test('a restarted instance removes the agents its earlier run left, and only those', async () => {
      const label = `d${randomBytes(3).toString('hex')}`;
      const crashed = h.open(label);
      const other = instance('e');
      const [leaked, kept] = [agentId(), agentId()];
      await crashed.startAgent(h.launch(leaked));
      await other.startAgent(h.launch(kept));
      await until(() => agentRunning(leaked) && agentRunning(kept), 'both agent programs');
      const restarted = h.open(label);
      used.push(restarted);
      expect(await ids(restarted)).toEqual([leaked]);
      expect(await restarted.cleanupLeaked()).toBe(1);
      expect(await ids(restarted)).toEqual([]);
      await until(() => !agentRunning(leaked), 'the leaked agent program to end');
      expect(agentRunning(kept)).toBe(true);
      expect(await ids(other)).toEqual([kept]);
    });

    test("hosts: the machines behind the hypervisor, with the instance's running agents", async () => {
      const mine = instance('f');
      const before = await mine.hosts();
      expect(before.length).toBeGreaterThan(0);
      for (const host of before) {
        expect(host).toEqual({
          name: expect.any(String),
          state: expect.stringMatching(/^(on|off|error|disabled)$/),
          agents: 0,
          capacity: host.capacity === null ? null : expect.any(Number),
        });
      }
      const id = agentId();
      await mine.startAgent(h.launch(id));
      await until(() => agentRunning(id), 'the agent program');
      const counted = async () => (await mine.hosts()).reduce((sum, host) => sum + host.agents, 0);
      await until(async () => (await counted()) === 1, 'the agent counted on a host');
    });
  });
}
