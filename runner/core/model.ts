/**
 * The things Coin tracks, as plain values with exhaustive states: tasks (integrations), their
 * work items, and agents. Illegal state transitions throw.
 */

/** Reached when a switch did not cover every member of a union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}

/**
 * The kinds of task an instance runs: integrations. Coin's other task types (status checks,
 * early warnings, debug VMs, health checks) are not run by this implementation, so they are not
 * declared (docs/runner.md).
 */
export const taskTypes = ['Integration'] as const;
export type TaskType = (typeof taskTypes)[number];

/** Coin's task states. A task waiting for its turn (parallel rules, free agents) is Initializing. */
export const taskStates = [
  'Initializing',
  'Running',
  'Passed',
  'Failed',
  'Cancelled',
  'Insignificant',
] as const;
export type TaskState = (typeof taskStates)[number];

/**
 * A work item's kind is the phase of its module it runs: `build`, `test`, or the lower-case name
 * of another phase the module declares (qtqa's LicenseCheck: `licensecheck`; module-phases.ts).
 */
export type WorkItemKind = string;

/** The kinds every module has, in the order they run. */
export const workItemKinds: readonly WorkItemKind[] = ['build', 'test'];

/** Queued: waiting for its dependencies or an agent. Done: finished and passed. */
export const workItemStates = ['Queued', 'Running', 'Done', 'Failed', 'Cancelled', 'Insignificant'] as const;
export type WorkItemState = (typeof workItemStates)[number];

export const agentStates = ['waiting', 'provisioning', 'running', 'stopping', 'stopped'] as const;
export type AgentState = (typeof agentStates)[number];

const taskTransitions: Record<TaskState, readonly TaskState[]> = {
  Initializing: ['Running', 'Cancelled'],
  Running: ['Passed', 'Failed', 'Cancelled', 'Insignificant', 'Initializing'],
  Passed: [],
  Failed: [],
  Cancelled: [],
  Insignificant: [],
};

const workItemTransitions: Record<WorkItemState, readonly WorkItemState[]> = {
  // Failed straight from Queued: no agent could be provisioned for it (a system failure)
  // Insignificant straight from Queued: what it depends on failed on an insignificant configuration
  Queued: ['Running', 'Cancelled', 'Done', 'Failed', 'Insignificant'],
  Running: ['Done', 'Failed', 'Cancelled', 'Insignificant'],
  Done: [],
  Failed: [],
  Cancelled: [],
  Insignificant: [],
};

const agentTransitions: Record<AgentState, readonly AgentState[]> = {
  provisioning: ['waiting', 'stopping'],
  waiting: ['running', 'stopping'],
  // running -> running: handed its next work item straight from the last (no waiting between)
  running: ['running', 'waiting', 'stopping'],
  stopping: ['stopped'],
  stopped: [],
};

function checkTransition<S extends string>(table: Record<S, readonly S[]>, what: string, from: S, to: S): S {
  if (!table[from].includes(to)) throw new Error(`illegal ${what} transition ${from} -> ${to}`);
  return to;
}

/**
 * The next task state, or a thrown error for an illegal move. Running -> Initializing is the
 * re-queue of an interrupted integration after a restart.
 */
export function nextTaskState(from: TaskState, to: TaskState): TaskState {
  return checkTransition(taskTransitions, 'task', from, to);
}

/** The next work item state (Queued -> Done is a reused build). */
export function nextWorkItemState(from: WorkItemState, to: WorkItemState): WorkItemState {
  return checkTransition(workItemTransitions, 'work item', from, to);
}

/** The next agent state. */
export function nextAgentState(from: AgentState, to: AgentState): AgentState {
  return checkTransition(agentTransitions, 'agent', from, to);
}

/** True for the states a task or work item never leaves. */
export function isFinalTaskState(state: TaskState): boolean {
  return taskTransitions[state].length === 0;
}

export function isFinalWorkItemState(state: WorkItemState): boolean {
  return workItemTransitions[state].length === 0;
}
