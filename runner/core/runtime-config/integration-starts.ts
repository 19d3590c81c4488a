/**
 * When a queued integration may start, under the `gerrit_monitor` rules, as a function of plain
 * values: the running integrations, the queued ones (oldest first), the configuration and now.
 *
 * - Cherry-picks: an integration whose changes are all cherry-picks by cherrypick_bot that nobody
 *   restaged by hand waits until 6 hours after the first of them was staged (so that cherry-picks
 *   accumulate), unless `disable_cherry_pick_delay`. Such a wait blocks nothing else.
 * - Dependency updates, when `serialize_dependency_updates`: one starts only when nothing runs;
 *   while one runs, nothing else starts; while one waits for that, integrations queued after it
 *   wait too (otherwise a busy system would starve it).
 * - One project/branch (`<project>/<branch>`): a second integration waits for the running one
 *   unless a `parallel_project_rules` regex matches the whole `<project>/<branch>`; then it starts
 *   `parallel_integration_delay` seconds after the latest start of that project/branch. Integrations
 *   of one project/branch start in queue order.
 */
import { cherryPickAccumulationSeconds, cherryPickBotEmail, type GerritMonitorConfig } from './config-schema';
import { ruleMatches } from './rule-regex';

/** One change under test. */
export interface TestedChangeInfo {
  /** The e-mail of the change's owner (for a local commit: its author). */
  readonly owner: string;
  /** When it was staged (ms since the epoch); the integration's queue time when unknown. */
  readonly stagedAt?: number;
  /** True when a person restaged it: it then skips the cherry-pick accumulation. */
  readonly restagedByHand?: boolean;
}

/** A queued integration as the decision sees it. */
export interface IntegrationCandidate {
  readonly id: string;
  readonly project: string;
  readonly branch: string;
  /** When it was queued (ms since the epoch). */
  readonly queuedAt: number;
  /** Its changes only touch dependencies.yaml (a dependency update). */
  readonly dependencyUpdate: boolean;
  readonly changes: readonly TestedChangeInfo[];
}

/** A running integration: what it is and when it started (ms since the epoch). */
export interface RunningIntegration {
  readonly id: string;
  readonly project: string;
  readonly branch: string;
  readonly dependencyUpdate: boolean;
  readonly startedAt: number;
}

/** Why an integration waits: the rule that holds it. */
export type WaitKind =
  'cherry-pick' | 'dependency-update' | 'project-branch' | 'parallel-delay' | 'queue-order';

/** Start now (alone in its project/branch, or in parallel), or wait: until when (undefined: until something finishes) and why. */
export type StartDecision =
  | { readonly id: string; readonly start: true; readonly parallel: boolean; readonly reason: string }
  | {
      readonly id: string;
      readonly start: false;
      readonly kind: WaitKind;
      readonly until: number | undefined;
      readonly reason: string;
    };

/** What decideIntegrationStarts needs. */
export interface StartInput {
  readonly gerritMonitor: GerritMonitorConfig;
  readonly running: readonly RunningIntegration[];
  /** Oldest first. */
  readonly queued: readonly IntegrationCandidate[];
  readonly now: number;
}

type Wait = Extract<StartDecision, { start: false }>;

interface PassState {
  readonly active: RunningIntegration[];
  /** A dependency update that waits for the running integrations: later ones queue behind it. */
  blockingUpdate: IntegrationCandidate | undefined;
  /** The first waiting integration of each project/branch. */
  readonly waitingLanes: Map<string, Wait>;
}

/** `<project>/<branch>`, what parallel_project_rules match. */
export function laneOf(integration: { project: string; branch: string }): string {
  return `${integration.project}/${integration.branch}`;
}

/** The parallel_project_rules that match `<project>/<branch>` (the rule tester shows them). */
export function matchingParallelRules(config: GerritMonitorConfig, lane: string): string[] {
  return config.parallel_project_rules.filter((rule) => ruleMatches(rule, lane));
}

/** Until when (ms) an integration of only un-restaged bot cherry-picks waits; undefined when it does not. */
export function cherryPickWaitUntil(
  config: GerritMonitorConfig,
  q: IntegrationCandidate,
): number | undefined {
  if (config.disable_cherry_pick_delay || q.changes.length === 0) return undefined;
  const byBot = (c: TestedChangeInfo) =>
    c.owner.trim().toLowerCase() === cherryPickBotEmail && !c.restagedByHand;
  if (!q.changes.every(byBot)) return undefined;
  return Math.min(...q.changes.map((c) => c.stagedAt ?? q.queuedAt)) + cherryPickAccumulationSeconds * 1000;
}

/** For each queued integration, in order: start now, or wait until when and why. */
export function decideIntegrationStarts(input: StartInput): StartDecision[] {
  const state: PassState = { active: [...input.running], blockingUpdate: undefined, waitingLanes: new Map() };
  return input.queued.map((q) => {
    const decision = decideOne(q, input, state);
    if (decision.start) state.active.push({ ...q, startedAt: input.now });
    else if (decision.kind !== 'cherry-pick' && !state.waitingLanes.has(laneOf(q)))
      state.waitingLanes.set(laneOf(q), decision);
    return decision;
  });
}

function wait(q: IntegrationCandidate, kind: WaitKind, until: number | undefined, reason: string): Wait {
  return { id: q.id, start: false, kind, until, reason };
}

function decideOne(q: IntegrationCandidate, input: StartInput, state: PassState): StartDecision {
  const config = input.gerritMonitor;
  const cherryUntil = cherryPickWaitUntil(config, q);
  if (cherryUntil !== undefined && cherryUntil > input.now) {
    return wait(
      q,
      'cherry-pick',
      cherryUntil,
      `cherry-picks by ${cherryPickBotEmail} accumulate for 6 h: waits until ${iso(cherryUntil)} ` +
        '(restage by hand or set disable_cherry_pick_delay to start it now)',
    );
  }
  const dependencyWait = config.serialize_dependency_updates ? serializeUpdates(q, state) : undefined;
  if (dependencyWait) return dependencyWait;
  const laneWait = laneRule(q, config, state, input.now);
  if (laneWait) return laneWait;
  const beside = state.active.filter((a) => laneOf(a) === laneOf(q));
  if (beside.length === 0)
    return { id: q.id, start: true, parallel: false, reason: `starts: nothing of ${laneOf(q)} runs` };
  const rule = matchingParallelRules(config, laneOf(q))[0]!;
  return {
    id: q.id,
    start: true,
    parallel: true,
    reason: `starts in parallel with ${beside.map((a) => a.id).join(', ')} (parallel_project_rules: "${rule}")`,
  };
}

function serializeUpdates(q: IntegrationCandidate, state: PassState): Wait | undefined {
  const blocking = state.blockingUpdate;
  if (blocking) {
    return wait(
      q,
      'dependency-update',
      undefined,
      `queued behind dependency update ${blocking.id} (${laneOf(blocking)}), which waits for the running ` +
        'integrations to finish (serialize_dependency_updates)',
    );
  }
  const runningUpdate = state.active.find((a) => a.dependencyUpdate);
  if (runningUpdate) {
    return wait(
      q,
      'dependency-update',
      undefined,
      `dependency update ${runningUpdate.id} (${laneOf(runningUpdate)}) runs alone (serialize_dependency_updates)`,
    );
  }
  if (!q.dependencyUpdate || state.active.length === 0) return undefined;
  state.blockingUpdate = q;
  const ids = state.active.map((a) => a.id).join(', ');
  return wait(
    q,
    'dependency-update',
    undefined,
    `a dependency update runs alone (serialize_dependency_updates): waits for ${ids} to finish`,
  );
}

function laneRule(
  q: IntegrationCandidate,
  config: GerritMonitorConfig,
  state: PassState,
  now: number,
): Wait | undefined {
  const lane = laneOf(q);
  const ahead = state.waitingLanes.get(lane);
  if (ahead) return wait(q, 'queue-order', ahead.until, `queued behind ${ahead.id} of ${lane}`);
  const same = state.active.filter((a) => laneOf(a) === lane);
  if (same.length === 0) return undefined;
  const rules = matchingParallelRules(config, lane);
  if (rules.length === 0) {
    return wait(
      q,
      'project-branch',
      undefined,
      `${same[0]!.id} of ${lane} is running and no parallel_project_rules entry matches "${lane}": waits for it to finish`,
    );
  }
  const latest = same.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
  const next = latest.startedAt + config.parallel_integration_delay * 1000;
  if (next <= now) return undefined;
  return wait(
    q,
    'parallel-delay',
    next,
    `may run in parallel (parallel_project_rules: "${rules[0]}") but parallel_integration_delay is ` +
      `${config.parallel_integration_delay} s after ${latest.id} started: waits until ${iso(next)}`,
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
