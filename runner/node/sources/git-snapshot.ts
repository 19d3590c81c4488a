/**
 * Reading a local git repository at a revision: resolving refs, the Coin files of a tree, and
 * the tree as a tar.gz for agents. git always runs with an explicit environment.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { simpleGit, type SimpleGit } from 'simple-git';
import { childEnv } from '../child-env';

/** A mistake in what the user asked for (bad path, unknown ref): one line, exit code 2. */
export class SourceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceInputError';
  }
}

function git(repo: string): SimpleGit {
  return simpleGit({ baseDir: repo }).env(childEnv({ GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' }));
}

/** The commit sha of `ref` in `repo`; SourceInputError when repo or ref is not usable. */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  const info = await stat(repo).catch(() => null);
  if (!info?.isDirectory()) throw new SourceInputError(`${repo} is not a directory`);
  const g = git(repo);
  const top = await g.revparse(['--show-toplevel']).catch(() => null);
  if (top === null || path.resolve(top.trim()) !== path.resolve(repo)) {
    throw new SourceInputError(`${repo} is not a git repository (no .git at its top)`);
  }
  const sha = await g.revparse(['--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  if (!/^[0-9a-f]{40}$/.test(sha.trim())) throw new SourceInputError(`unknown ref '${ref}' in ${repo}`);
  return sha.trim();
}

/** Every file under the given top-level folders of `sha`, as text, keyed by repository path. */
export async function readTreeFiles(
  repo: string,
  sha: string,
  folders: readonly string[],
): Promise<Map<string, string>> {
  const g = git(repo);
  const listing = await g.raw(['ls-tree', '-r', '-z', '--name-only', sha, '--', ...folders]);
  const files = new Map<string, string>();
  for (const name of listing.split('\0').filter(Boolean)) {
    files.set(name, await g.show([`${sha}:${name}`]));
  }
  return files;
}

/** The tree of `sha` as a tar.gz stream (git archive); errors surface on the stream. */
export function archiveTree(repo: string, sha: string): Readable {
  const child = spawn('git', ['archive', '--format=tar.gz', sha], {
    cwd: repo,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('close', (code) => {
    if (code !== 0) child.stdout.destroy(new Error(`git archive ${sha} failed: ${stderr.trim()}`));
  });
  return child.stdout;
}
