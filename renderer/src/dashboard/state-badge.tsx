import type { AgentState, TaskState, WorkItemState } from '../../../runner/core/model';

/** Any state the dashboard shows. */
export type ShownState = TaskState | WorkItemState | AgentState;

type Tone = 'ok' | 'fail' | 'run' | 'wait' | 'off' | 'warn';

/** Symbol and tone of each state, so it reads without colour too (the word is always written). */
const looks: Record<ShownState, { symbol: string; tone: Tone }> = {
  Passed: { symbol: '✔', tone: 'ok' },
  Done: { symbol: '✔', tone: 'ok' },
  Failed: { symbol: '✖', tone: 'fail' },
  Running: { symbol: '▶', tone: 'run' },
  running: { symbol: '▶', tone: 'run' },
  Initializing: { symbol: '…', tone: 'wait' },
  Queued: { symbol: '…', tone: 'wait' },
  provisioning: { symbol: '◔', tone: 'wait' },
  waiting: { symbol: '○', tone: 'warn' },
  Cancelled: { symbol: '⊘', tone: 'off' },
  Insignificant: { symbol: '≈', tone: 'warn' },
  stopping: { symbol: '◌', tone: 'off' },
  stopped: { symbol: '■', tone: 'off' },
};

/** A state as symbol, word and colour. */
export function StateBadge({ state }: { state: ShownState }) {
  const look = looks[state];
  return (
    <span className={`state state-${look.tone}`} data-state={state}>
      <span aria-hidden="true">{look.symbol}</span> {state}
    </span>
  );
}

/** The marker of a work item that reused a finished build instead of building. */
export function ReusedBadge() {
  return (
    <span className="reused" title="A finished build with the same build key was reused: nothing ran">
      <span aria-hidden="true">♻</span> reused
    </span>
  );
}
