/**
 * From a build (or, read-only, the staging ref) to a queued Integration task: list its changes,
 * fetch it and the projects its dependencies.yaml names into the mirror, describe each change
 * for the gerrit_monitor rules (runner/core/tested-change.ts) and queue the task.
 */
import type { BuildOrigin, ChangeSourceReader, SourceChange, SourceCommit } from '../../core/change-source';
import type { IntegrationInput } from '../../core/integration-input';
import { stagedTestedChange, type TestedChange } from '../../core/tested-change';
import { describeLocalCommit } from '../runtime-config/tested-changes';
import type { StagingMode } from './staging-mode';

/** What queues an integration (TaskQueue.enqueue); resolves to the task id. */
export type EnqueueIntegration = (input: IntegrationInput) => Promise<string>;

/** A build whose integration was queued. */
export interface QueuedBuild {
  readonly taskId: string;
  readonly commits: readonly SourceCommit[];
  readonly sha: string;
  /** As stored with the task (read-only: without a build id). */
  readonly origin: BuildOrigin;
}

export interface BuildQueueDeps {
  source: ChangeSourceReader;
  mode: StagingMode;
  enqueue: EnqueueIntegration;
  /** Whether a person (not the cherry-pick bot) staged the change again. */
  restagedByHand(id: string): boolean;
}

/**
 * Queue the integration of `origin`'s ref; undefined when there is nothing (new) to integrate.
 * `open` are the project/branch's changes as the source listed them before the build.
 */
export async function queueBuild(
  deps: BuildQueueDeps,
  origin: BuildOrigin,
  open: ReadonlyMap<string, SourceChange>,
): Promise<QueuedBuild | undefined> {
  const { project, branch, ref } = origin;
  const commits = await deps.source.listCommits(project, ref, branch);
  if (commits.length === 0) return undefined;
  const fetched = await deps.source.fetch(project, ref);
  const admitted = deps.mode.admit(origin, fetched.sha, commits);
  if (!admitted) return undefined;
  await deps.source.fetchDependencies(project, fetched.sha);
  const testedChanges = await describeChanges(deps, open, fetched.repo, commits);
  const taskId = await deps.enqueue({
    project,
    branch,
    repo: fetched.repo,
    sha: fetched.sha,
    searchRoots: [...fetched.searchRoots],
    testedChanges,
    origin: { ...admitted },
  });
  deps.mode.queued(admitted, taskId, commits);
  return { taskId, commits, sha: fetched.sha, origin: admitted };
}

/** Each change with what the gerrit_monitor rules need (owner, staged time, dependency-only). */
async function describeChanges(
  deps: BuildQueueDeps,
  open: ReadonlyMap<string, SourceChange>,
  repo: string,
  commits: readonly SourceCommit[],
): Promise<TestedChange[]> {
  const out: TestedChange[] = [];
  for (const commit of commits) {
    const described = await describeLocalCommit(repo, commit.sha);
    out.push(
      stagedTestedChange(deps.source.kind, commit, {
        change: open.get(commit.id),
        author: described.owner,
        files: described.files,
        restagedByHand: deps.restagedByHand(commit.id),
        now: Date.now(),
      }),
    );
  }
  return out;
}
