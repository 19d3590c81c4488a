/**
 * The changes under test of an integration, as the gerrit_monitor rules need them, stored in the
 * task's `testedChanges`: who owns each change, when it was staged, whether a person restaged it,
 * and whether it only touches dependencies.yaml. Gerrit changes carry these from Gerrit; a local
 * integration is one commit, described here from git:
 * - owner: the commit's author e-mail (a commit by cherrypick_bot@qt-project.org accumulates);
 * - onlyDependencies: the commit changes nothing but `dependencies.yaml` relative to its first
 *   parent (a dependency update);
 * - restagedByHand: the same sha of the same project/branch was submitted before (submitting it
 *   again is the local way to restage by hand).
 */
import { simpleGit } from 'simple-git';
import type { IntegrationCandidate, TestedChangeInfo } from '../../core/runtime-config/integration-starts';
import type { JsonObject, TaskRecord } from '../store/store-records';
import { childEnv } from '../child-env';
import { onlyDependencies } from '../../core/tested-change';

/** What a local commit says about itself. */
export interface LocalCommitInfo {
  readonly owner: string;
  readonly parent: string | null;
  /** Paths changed relative to the first parent (every path for a root commit). */
  readonly files: readonly string[];
}

/** Author e-mail, first parent and changed files of `sha` in `repo`. */
export async function describeLocalCommit(repo: string, sha: string): Promise<LocalCommitInfo> {
  const git = simpleGit({ baseDir: repo }).env(childEnv({ GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' }));
  const [owner = '', parents = ''] = (await git.raw(['show', '-s', '--format=%ae%x00%P', sha]))
    .trim()
    .split('\0');
  const parent = parents.split(' ').find(Boolean) ?? null;
  const diff = parent
    ? await git.raw(['diff', '--name-only', '-z', '--no-renames', parent, sha])
    : await git.raw(['diff-tree', '--root', '-r', '--name-only', '-z', '--no-commit-id', sha]);
  return { owner, parent, files: diff.split('\0').filter(Boolean) };
}

/** The testedChanges entry of a local integration. */
export function localTestedChange(
  sha: string,
  commit: LocalCommitInfo,
  restagedByHand: boolean,
  stagedAt: Date,
): JsonObject {
  return {
    kind: 'local-commit',
    sha,
    parent: commit.parent,
    owner: commit.owner,
    files: commit.files.length,
    onlyDependencies: onlyDependencies(commit.files),
    restagedByHand,
    stagedAt: stagedAt.toISOString(),
  };
}

function changeInfo(change: JsonObject): TestedChangeInfo {
  const stagedAt = typeof change.stagedAt === 'string' ? Date.parse(change.stagedAt) : NaN;
  return {
    owner: typeof change.owner === 'string' ? change.owner : '',
    stagedAt: Number.isFinite(stagedAt) ? stagedAt : undefined,
    restagedByHand: change.restagedByHand === true,
  };
}

/** A queued task as the start decision sees it (a task without tested changes is ordinary). */
export function integrationCandidateOf(task: TaskRecord): IntegrationCandidate {
  const changes = task.testedChanges;
  return {
    id: task.id,
    project: task.project,
    branch: task.branch,
    queuedAt: Date.parse(task.created),
    dependencyUpdate: changes.length > 0 && changes.every((c) => c.onlyDependencies === true),
    changes: changes.map(changeInfo),
  };
}
