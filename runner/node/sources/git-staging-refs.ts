/**
 * The staging workflow read from a plain git repository's refs, in the instance's mirror of it
 * (git-mirror.ts; the source's refs/X are the mirror's refs/gerrit/X):
 * - `refs/heads/<branch>`: the branch;
 * - `refs/staging/<branch>`: the staged changes, one commit each on top of the branch;
 * - `refs/builds/<id>` (`qtci/<branch>/<n>`): a build whose result was not reported yet; its
 *   commits over the branch are integrating.
 * A change is named by its Change-Id trailer (as in Gerrit), or by its sha when it has none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SourceChange, SourceChangeStatus, SourceCommit } from '../../core/change-source';
import { branchOfBuildId } from '../../core/gerrit/gerrit-protocol';

/** git in one project's mirror. */
export type MirrorGit = (args: readonly string[], env?: Record<string, string>) => Promise<string>;

/** A commit with what the workflow reads of it. */
export interface WorkflowCommit extends SourceCommit {
  /** Author e-mail. */
  readonly owner: string;
  /** Committer time (ms): when it was put on the staging ref. */
  readonly committedAt: number;
}

/** The staged and integrating changes of one project. */
export interface ProjectChanges {
  readonly staged: SourceChange[];
  readonly integrating: SourceChange[];
}

const fieldEnd = '%x00';
const recordEnd = '%x1e';
const logFormat =
  ['%H', '%ae', '%ct', '%s', '%(trailers:key=Change-Id,valueonly)'].join(fieldEnd) + recordEnd;

/** The commits `ref` has over `exclude` (mirror refs), oldest first. */
export async function commitsOver(git: MirrorGit, ref: string, exclude: string): Promise<WorkflowCommit[]> {
  const out = await git(['log', '--reverse', `--format=${logFormat}`, ref, `^${exclude}`, '--']);
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [sha = '', owner = '', time = '0', subject = '', changeId = ''] = record.split('\0');
      const id = changeId.trim().split('\n')[0] || sha;
      return { sha, id, number: null, patchSet: null, subject, owner, committedAt: Number(time) * 1000 };
    });
}

/** The names under `prefix` of the mirror's refs (`refs/gerrit/staging/` -> branch names). */
export async function refNames(git: MirrorGit, prefix: string): Promise<string[]> {
  const out = await git(['for-each-ref', '--format=%(refname)', prefix]);
  return out
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

/** The sha of a mirror ref, or null. */
export async function resolve(git: MirrorGit, ref: string): Promise<string | null> {
  const out = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || null;
}

function asChange(
  project: string,
  branch: string,
  c: WorkflowCommit,
  status: SourceChangeStatus,
): SourceChange {
  return {
    id: c.id,
    number: null,
    project,
    branch,
    subject: c.subject,
    status,
    owner: c.owner,
    updatedAt: c.committedAt,
    patchSet: null,
    url: null,
  };
}

/** The changes of every unreported build of the project, by branch. */
async function integratingByBranch(git: MirrorGit, project: string): Promise<Map<string, SourceChange[]>> {
  const byBranch = new Map<string, SourceChange[]>();
  for (const buildId of await refNames(git, 'refs/gerrit/builds/')) {
    const branch = branchOfBuildId(buildId);
    if (branch === undefined || !(await resolve(git, `refs/gerrit/heads/${branch}`))) continue;
    const commits = await commitsOver(git, `refs/gerrit/builds/${buildId}`, `refs/gerrit/heads/${branch}`);
    const list = byBranch.get(branch) ?? [];
    list.push(...commits.map((c) => asChange(project, branch, c, 'integrating')));
    byBranch.set(branch, list);
  }
  return byBranch;
}

/** What is staged and integrating in a project, as its mirror shows it. */
export async function projectChanges(git: MirrorGit, project: string): Promise<ProjectChanges> {
  const integratingMap = await integratingByBranch(git, project);
  const staged: SourceChange[] = [];
  for (const branch of await refNames(git, 'refs/gerrit/staging/')) {
    if (!(await resolve(git, `refs/gerrit/heads/${branch}`))) continue;
    const inBuilds = new Set((integratingMap.get(branch) ?? []).map((c) => c.id));
    const commits = await commitsOver(git, `refs/gerrit/staging/${branch}`, `refs/gerrit/heads/${branch}`);
    for (const c of commits) if (!inBuilds.has(c.id)) staged.push(asChange(project, branch, c, 'staged'));
  }
  return { staged, integrating: [...integratingMap.values()].flat() };
}

/**
 * The staging ref after a failed build: the branch with the changes staged after the build
 * cherry-picked onto it in order (a change that no longer applies is left out), made in a
 * temporary worktree of the mirror. Resolves to the new tip.
 */
export async function rebuiltStaging(
  git: MirrorGit,
  after: readonly WorkflowCommit[],
  branchSha: string,
  committer: Record<string, string>,
): Promise<string> {
  if (after.length === 0) return branchSha;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coin-staging-'));
  const tree = path.join(dir, 'tree');
  try {
    await git(['worktree', 'add', '-q', '--detach', tree, branchSha]);
    const inTree: MirrorGit = (args, env) => git(['-C', tree, ...args], env);
    for (const commit of after) {
      await inTree(['cherry-pick', '--allow-empty', '--keep-redundant-commits', commit.sha], committer).catch(
        () => inTree(['cherry-pick', '--abort']).catch(() => undefined),
      );
    }
    return (await inTree(['rev-parse', 'HEAD'])).trim();
  } finally {
    await git(['worktree', 'remove', '--force', tree]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'prune']).catch(() => undefined);
  }
}
