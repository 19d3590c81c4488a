/**
 * A precheck with `cherrypick` (the plugin's dialog: "Cherry-picks changes instead of checkout"):
 * the patch set is applied onto the current tip of its target branch, and that commit is what the
 * precheck builds and tests, instead of the patch set on its own parent. The pick is made with git
 * itself in a temporary worktree of the project's mirror (so conflicts are git's own), committed
 * with the patch set's author and message, and kept under `refs/coin/prechecks/<change>/<patch
 * set>` in the mirror so the commit outlives a garbage collection while its task runs (and a retry
 * of the task finds it). The refs do not pile up: a new patch set's pick drops the refs of the
 * change's older patch sets, and only the newest `keepPrecheckRefs` picks are kept in all. A pick
 * that conflicts is undone and answered with the conflicting files; nothing is built then.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../child-env';

const execFileAsync = promisify(execFile);

/** What a cherry-pick came to. */
export type CherryPick =
  /** `sha` is the patch set applied onto `onto` (the patch set itself when its parent is `onto`). */
  | { readonly kind: 'picked'; readonly sha: string; readonly onto: string }
  /** The patch set does not apply onto `onto`: these files conflict. */
  | { readonly kind: 'conflict'; readonly onto: string; readonly files: readonly string[] };

/** Where the mirror keeps the commit a precheck builds. */
export function precheckPickRef(change: number, patchSet: number): string {
  return `refs/coin/prechecks/${change}/${patchSet}`;
}

/** How many cherry-picked precheck commits a mirror keeps refs for (newest first). */
export const keepPrecheckRefs = 200;

const env = childEnv({
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  // The committer of the pick; the author stays the patch set's.
  GIT_COMMITTER_NAME: 'Coin precheck',
  GIT_COMMITTER_EMAIL: 'coin-precheck@localhost',
});

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    return (await execFileAsync('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args[0]} failed: ${stderr || (error instanceof Error ? error.message : error)}`, {
      cause: error,
    });
  }
}

/**
 * Apply commit `sha` of `repo` onto `onto` (both in `repo`), the result kept under `ref`.
 * Throws when git fails for another reason than a conflict.
 */
export async function cherryPickOnto(
  repo: string,
  sha: string,
  onto: string,
  ref: string,
  keep = keepPrecheckRefs,
): Promise<CherryPick> {
  const parents = (await git(repo, ['show', '-s', '--format=%P', sha])).split(' ').filter(Boolean);
  if (parents.length === 1 && parents[0] === onto) {
    await git(repo, ['update-ref', ref, sha]);
    await prunePrecheckRefs(repo, ref, keep);
    return { kind: 'picked', sha, onto };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'coin-precheck-pick-'));
  const work = path.join(dir, 'work');
  try {
    await git(repo, ['worktree', 'add', '-q', '--detach', work, onto]);
    try {
      await git(work, [
        'cherry-pick',
        '--keep-redundant-commits',
        ...(parents.length > 1 ? ['-m', '1'] : []),
        sha,
      ]);
    } catch (error) {
      const files = (await git(work, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
      await git(work, ['cherry-pick', '--abort']).catch(() => undefined);
      if (files.length === 0) throw error;
      return { kind: 'conflict', onto, files };
    }
    const picked = await git(work, ['rev-parse', 'HEAD']);
    await git(repo, ['update-ref', ref, picked]);
    await prunePrecheckRefs(repo, ref, keep);
    return { kind: 'picked', sha: picked, onto };
  } finally {
    await git(repo, ['worktree', 'remove', '--force', work]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
  }
}

/**
 * After `current` (refs/coin/prechecks/<change>/<patch set>) was written: delete the refs of the
 * same change's older patch sets, then all but the `keep` newest precheck refs (newest by their
 * commits' committer dates: a pick's is when it was made, a patch set built as it is keeps its
 * upload's; `current` always stays). Returns the deleted refs.
 */
export async function prunePrecheckRefs(
  repo: string,
  current: string,
  keep = keepPrecheckRefs,
): Promise<string[]> {
  const prefix = 'refs/coin/prechecks/';
  const listed = await git(repo, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)', prefix]);
  const refs = listed.split('\n').filter(Boolean);
  const [change, patchSet] = current.slice(prefix.length).split('/').map(Number);
  const doomed = new Set<string>();
  for (const ref of refs) {
    const [c, p] = ref.slice(prefix.length).split('/').map(Number);
    if (c === change && p! < patchSet!) doomed.add(ref);
  }
  const survivors = refs.filter((ref) => !doomed.has(ref) && ref !== current);
  for (const ref of survivors.slice(Math.max(0, keep - 1))) doomed.add(ref);
  if (doomed.size === 0) return [];
  const input = [...doomed].map((ref) => `delete ${ref}\n`).join('');
  await new Promise<void>((resolve, reject) => {
    const child = execFile('git', ['update-ref', '--stdin'], { cwd: repo, env }, (error, _out, stderr) =>
      error
        ? reject(new Error(`git update-ref failed: ${stderr.trim() || error.message}`, { cause: error }))
        : resolve(),
    );
    child.stdin!.end(input);
  });
  return [...doomed];
}
