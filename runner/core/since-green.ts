/**
 * "What changed since green": a failed integration compared with the last integration of the same
 * project and branch that passed. The instance gathers the facts (commits from git, each work
 * item's plan fingerprint, the runtime-configuration versions, the test outcomes); this decides
 * what differs, as plain values the API answers with.
 */
import type { SinceGreen } from './instance-api-history';
import type { TaskRecord } from './records';

/** What a work item ran, as fingerprints (runner/node/store/work-item-plan-table.ts). */
export interface PlanFingerprint {
  readonly project: string;
  readonly kind: string;
  readonly configurationId: string;
  readonly instructionsHash: string;
  readonly environmentHash: string;
}

/** A dependency pinned in dependencies.yaml. */
export interface PinnedDependency {
  readonly project: string;
  readonly ref: string;
}

/** A test's outcome in one integration. */
export interface TestOutcomeFact {
  readonly name: string;
  readonly configurationId: string;
  readonly outcome: string;
  readonly message: string | null;
}

/** A runtime-configuration version that was applied. */
export interface ConfigVersionFact {
  readonly version: number;
  readonly time: string;
  readonly appliedBy: string;
  readonly via: string;
  readonly changes: readonly { readonly path: string }[];
}

/** Everything the comparison reads. */
export interface SinceGreenFacts {
  readonly failed: TaskRecord;
  readonly green: TaskRecord | null;
  readonly commits: SinceGreen['commits'];
  readonly commitsNote: string | null;
  readonly dependencies: {
    readonly failed: readonly PinnedDependency[];
    readonly green: readonly PinnedDependency[];
  };
  readonly plans: { readonly failed: readonly PlanFingerprint[]; readonly green: readonly PlanFingerprint[] };
  readonly configVersions: readonly ConfigVersionFact[];
  readonly tests: { readonly failed: readonly TestOutcomeFact[]; readonly green: readonly TestOutcomeFact[] };
}

/** Dependencies whose pinned revision differs, was added or was removed. */
export function dependencyChanges(
  failed: readonly PinnedDependency[],
  green: readonly PinnedDependency[],
): SinceGreen['dependencies'] {
  const before = new Map(green.map((d) => [d.project, d.ref]));
  const after = new Map(failed.map((d) => [d.project, d.ref]));
  const projects = [...new Set([...before.keys(), ...after.keys()])].sort();
  return projects
    .filter((p) => before.get(p) !== after.get(p))
    .map((project) => ({ project, from: before.get(project) ?? null, to: after.get(project) ?? null }));
}

const stepOf = (p: { project: string; kind: string; configurationId: string }) =>
  `${p.configurationId}\u0000${p.project}\u0000${p.kind}`;

/** Work items planned differently: new or gone steps, other instructions or environment. */
export function planChanges(
  failed: readonly PlanFingerprint[],
  green: readonly PlanFingerprint[],
): SinceGreen['plans'] {
  const before = new Map(green.map((p) => [stepOf(p), p]));
  const after = new Map(failed.map((p) => [stepOf(p), p]));
  const result: SinceGreen['plans'][number][] = [];
  for (const [step, plan] of after) {
    const old = before.get(step);
    const base = { project: plan.project, kind: plan.kind, configurationId: plan.configurationId };
    if (!old) result.push({ ...base, change: 'added' });
    else {
      const instructions = old.instructionsHash !== plan.instructionsHash;
      const environment = old.environmentHash !== plan.environmentHash;
      if (instructions && environment) result.push({ ...base, change: 'instructions+environment' });
      else if (instructions) result.push({ ...base, change: 'instructions' });
      else if (environment) result.push({ ...base, change: 'environment' });
    }
  }
  for (const [step, plan] of before)
    if (!after.has(step))
      result.push({
        project: plan.project,
        kind: plan.kind,
        configurationId: plan.configurationId,
        change: 'removed',
      });
  return result.sort((a, b) => stepOf(a).localeCompare(stepOf(b)));
}

/** Tests that failed in the failed integration but did not fail in the green one. */
export function newlyFailingTests(
  failed: readonly TestOutcomeFact[],
  green: readonly TestOutcomeFact[],
): SinceGreen['newlyFailing'] {
  const failedBefore = new Set(
    green.filter((t) => t.outcome === 'failed').map((t) => `${t.configurationId}\u0000${t.name}`),
  );
  return failed
    .filter((t) => t.outcome === 'failed' && !failedBefore.has(`${t.configurationId}\u0000${t.name}`))
    .map((t) => ({ name: t.name, configurationId: t.configurationId, message: t.message }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.configurationId.localeCompare(b.configurationId));
}

/** Configuration versions applied after the green integration started and before the failed one did. */
export function configChangesBetween(
  versions: readonly ConfigVersionFact[],
  green: TaskRecord | null,
  failed: TaskRecord,
): SinceGreen['configChanges'] {
  const from = green ? Date.parse(green.started ?? green.created) : -Infinity;
  const to = Date.parse(failed.started ?? failed.created);
  return versions
    .filter((v) => Date.parse(v.time) > from && Date.parse(v.time) <= to)
    .sort((a, b) => a.version - b.version)
    .map((v) => ({
      version: v.version,
      time: v.time,
      appliedBy: v.appliedBy,
      via: v.via,
      changes: v.changes.map((c) => c.path),
    }));
}

/** The comparison the API answers with. */
export function compareSinceGreen(facts: SinceGreenFacts): SinceGreen {
  return {
    taskId: facts.failed.id,
    green: facts.green,
    commits: facts.commits,
    commitsNote: facts.commitsNote,
    dependencies: dependencyChanges(facts.dependencies.failed, facts.dependencies.green),
    plans: facts.green ? planChanges(facts.plans.failed, facts.plans.green) : [],
    configChanges: configChangesBetween(facts.configVersions, facts.green, facts.failed),
    newlyFailing: newlyFailingTests(facts.tests.failed, facts.tests.green),
  };
}
