/**
 * Coin files read from local git repositories at fixed revisions: the tested module at its sha,
 * its dependencies at the revisions `dependencies.yaml` pins, any other `{{owner/repo}}` from a
 * checkout found under the search roots at its HEAD.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RepoFileResolver } from '../../core/coin-files/include-resolver';
import { childEnv } from '../child-env';

/** Where a project's files come from. */
export interface RepoAtRevision {
  path: string;
  sha: string;
}

/** Reads `git show <sha>:<file>`; undefined when the file does not exist at that revision. */
function gitShow(repo: RepoAtRevision, file: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${repo.sha}:${file}`], {
      cwd: repo.path,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    }).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Find the checkout of `project` (owner/repo) under one of `roots`: ROOT/owner/repo or ROOT/repo. */
export function findCheckout(project: string, roots: readonly string[]): string | undefined {
  const name = project.split('/').pop()!;
  for (const root of roots) {
    for (const candidate of [path.join(root, project), path.join(root, name)]) {
      if (existsSync(path.join(candidate, '.git'))) return candidate;
    }
  }
  return undefined;
}

/** RepoFileResolver over git repositories at known revisions. */
export class GitRepoFileResolver implements RepoFileResolver {
  private readonly cache = new Map<string, { file: string; text: string } | undefined>();

  constructor(
    private readonly repos: Map<string, RepoAtRevision>,
    private readonly searchRoots: readonly string[],
  ) {}

  private locate(project: string): RepoAtRevision | undefined {
    const known = this.repos.get(project);
    if (known) return known;
    const checkout = findCheckout(project, this.searchRoots);
    if (!checkout) return undefined;
    const located = { path: checkout, sha: 'HEAD' };
    this.repos.set(project, located);
    return located;
  }

  read(repo: string, relativePath: string): { file: string; text: string } | undefined {
    const key = `${repo}:${relativePath}`;
    if (!this.cache.has(key)) {
      const at = this.locate(repo);
      const text = at && gitShow(at, relativePath);
      this.cache.set(key, text === undefined ? undefined : { file: this.describe(repo, relativePath), text });
    }
    return this.cache.get(key);
  }

  describe(repo: string, relativePath: string): string {
    const at = this.repos.get(repo);
    return at
      ? `${repo}@${at.sha.slice(0, 12)}:${relativePath}`
      : `${repo}:${relativePath} (no checkout found)`;
  }
}
