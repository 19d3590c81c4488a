/**
 * The agent pool at a glance, and the administration guide's sign of trouble: "many (hundreds
 * of) agents in waiting state with none or only a handful in running state".
 */
import { agentStates, type AgentState } from '../../../runner/core/model';

/** Agents per state. */
export type PoolCounts = Record<AgentState, number>;

/** Count agents by state. */
export function countAgents(agents: readonly { state: AgentState }[]): PoolCounts {
  const counts = Object.fromEntries(agentStates.map((s) => [s, 0])) as PoolCounts;
  for (const agent of agents) counts[agent.state]++;
  return counts;
}

/** Waiting agents from which the pool is watched, and the share of them that should be running. */
export const manyWaiting = 10;
const fewRunningShare = 0.2;

/** A warning when many agents wait and few run, or undefined when the pool looks healthy. */
export function poolWarning(counts: PoolCounts): string | undefined {
  if (counts.waiting < manyWaiting || counts.running > counts.waiting * fewRunningShare) return undefined;
  return (
    `${counts.waiting} agents are waiting and only ${counts.running} running. When work is queued, ` +
    'this usually means agents cannot start their work: look for errors in the journal ' +
    '(journalctl --user -u coin -S "1h ago"); if the builds were not all freshly started, contact the CI team.'
  );
}
