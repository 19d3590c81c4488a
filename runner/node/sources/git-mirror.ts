/**
 * The instance's mirrors of a change source's git repositories: one repository per project under
 * `<dir>/<project>` (made with `git init`, used without a worktree), into which refs of
 * `<urlPrefix><project>` are fetched under `refs/gerrit/` (refs/builds/X -> refs/gerrit/builds/X).
 * The planner reads integrations from here, and the projects a dependencies.yaml names are
 * fetched next to the project (`<dir>/<owner>/<repo>`), where the planner looks for them.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseModuleDependencies } from '../../core/coin-files/module-config';
import type { FetchedRevision } from '../../core/change-source';
import { dependenciesFile } from '../../core/tested-change';
import { childEnv } from '../child-env';

const execFileAsync = promisify(execFile);

export interface GitMirrorOptions {
  /** Where the mirrors are kept. */
  dir: string;
  /** `<urlPrefix><project>` is a project's git URL (an ssh:// or https:// prefix, or a directory). */
  urlPrefix: string;
  /** Extra environment of git (GIT_SSH_COMMAND). */
  env?: Record<string, string>;
}

/** git failed: its first argument and what it said. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    options: { cause: unknown },
  ) {
    super(`git ${args[0]} failed: ${stderr}`, options);
    this.name = 'GitCommandError';
  }
}

/** The mirror's name of a fetched ref. */
export function mirrorRef(ref: string): string {
  return `refs/gerrit/${ref.replace(/^refs\//, '')}`;
}

export class GitMirror {
  constructor(readonly options: GitMirrorOptions) {}

  /** Where a project's mirror is. */
  path(project: string): string {
    return path.join(this.options.dir, project);
  }

  /** A project's git URL at the source. */
  url(project: string): string {
    return `${this.options.urlPrefix}${project}`;
  }

  /** git in a project's mirror (made when missing); stdout. */
  async git(project: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
    const dir = this.path(project);
    await mkdir(dir, { recursive: true });
    await this.run(dir, ['init', '-q'], env);
    return this.run(dir, args, env);
  }

  /** git itself (not simple-git, which refuses GIT_SSH_COMMAND), with an explicit environment. */
  private async run(cwd: string, args: readonly string[], extra: Record<string, string>): Promise<string> {
    const env = childEnv({
      ...this.options.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      ...extra,
    });
    try {
      return (await execFileAsync('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new GitCommandError(args, stderr || (error instanceof Error ? error.message : String(error)), {
        cause: error,
      });
    }
  }

  /** Fetch `ref` from the project's URL into its mirror: the mirror and the commit. */
  async fetch(project: string, ref: string): Promise<FetchedRevision> {
    const local = mirrorRef(ref);
    await this.git(project, ['fetch', '-q', '--no-tags', this.url(project), `+${ref}:${local}`]);
    const sha = (await this.git(project, ['rev-parse', '--verify', `${local}^{commit}`])).trim();
    const repo = this.path(project);
    return { repo, sha, searchRoots: [this.options.dir, path.dirname(repo)] };
  }

  /**
   * The projects named in dependencies.yaml at `sha` (recursively), fetched with their branches
   * into their mirrors, where the planner finds them and resolves their pinned revisions.
   */
  async fetchDependencies(project: string, sha: string, seen = new Set<string>([project])): Promise<void> {
    const text = await this.git(project, ['show', `${sha}:${dependenciesFile}`]).catch(() => null);
    if (text === null) return;
    for (const dep of parseModuleDependencies(dependenciesFile, text)) {
      const depProject = path.posix.normalize(path.posix.join(project, dep.path));
      if (seen.has(depProject)) continue;
      seen.add(depProject);
      await this.git(depProject, [
        'fetch',
        '-q',
        '--no-tags',
        this.url(depProject),
        '+refs/heads/*:refs/gerrit/heads/*',
      ]);
      const depSha = await this.git(depProject, [
        'rev-parse',
        '--verify',
        '--quiet',
        `${dep.ref}^{commit}`,
      ]).catch(() => '');
      // an unknown pin is left to the planner, which says so
      if (depSha.trim()) await this.fetchDependencies(depProject, depSha.trim(), seen);
    }
  }
}
