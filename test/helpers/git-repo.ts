// Real git repositories for tests, built with the git binary. git runs with an explicit
// environment: inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE from a hook, ...) and the
// user's or system's config would otherwise change what these repositories look like.
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../../runner/node/child-env';
import { makeTempDir } from './temp-dir';

const execFileAsync = promisify(execFile);

/** How createGitRepo builds the repository. */
export interface GitRepoOptions {
  /** Name of the initial branch (default 'main'). */
  readonly initialBranch?: string;
  /** Author and committer dates: 'fixed' (default) makes shas repeatable; 'now' uses the clock. */
  readonly dates?: 'fixed' | 'now';
  /** Prefix of the temp dir name (default 'git-'). */
  readonly prefix?: string;
}

/** A repository in a temp dir, with the few verbs tests need. */
export interface GitRepo {
  readonly path: string;
  /** Runs `git <args>` in the repository and returns stdout without the trailing newline. */
  git(...args: string[]): Promise<string>;
  /** Writes files (relative path -> content), creating parent directories. */
  writeFiles(files: Record<string, string>): Promise<void>;
  /** Stages everything and commits; returns the new commit's sha. */
  commit(message: string): Promise<string>;
  /** Creates a branch at startPoint (default HEAD) without switching to it. */
  branch(name: string, startPoint?: string): Promise<void>;
  /** Switches to a branch, tag or commit. */
  checkout(ref: string): Promise<void>;
  /** Creates a tag at HEAD: annotated when a message is given, lightweight otherwise. */
  tag(name: string, message?: string): Promise<void>;
  /** The sha HEAD points at. */
  head(): Promise<string>;
  /** Deletes the repository and its temp dir. */
  remove(): Promise<void>;
}

const fixedEpoch = Date.UTC(2024, 0, 1) / 1000;

/** The environment git runs with in tests: no system or global config, no prompts, C locale. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return childEnv({
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    LC_ALL: 'C',
    ...extra,
  });
}

/** Runs git in cwd with gitEnv() and returns stdout without the trailing newline. */
export async function runGit(cwd: string, args: string[], env = gitEnv()): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout.replace(/\n$/, '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || String(error)}`, { cause: error });
  }
}

/** Creates a repository with `git init -b <branch>` and a local test identity. */
export async function createGitRepo(options: GitRepoOptions = {}): Promise<GitRepo> {
  const dir = await makeTempDir(options.prefix ?? 'git-');
  const git = gitRunner(dir.path, options.dates ?? 'fixed');
  try {
    await git('init', '-q', '-b', options.initialBranch ?? 'main');
    await git('config', 'user.name', 'Coin Test');
    await git('config', 'user.email', 'coin-test@example.invalid');
    await git('config', 'commit.gpgsign', 'false');
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return repoVerbs(dir.path, git, dir.remove);
}

function gitRunner(cwd: string, dates: 'fixed' | 'now'): (...args: string[]) => Promise<string> {
  let commits = 0;
  return (...args) => {
    if (dates === 'now') return runGit(cwd, args);
    // Commits (and annotated tags) get a fixed date, one minute later for each commit, so shas
    // repeat from run to run and commit order still shows in the log.
    const date = `@${fixedEpoch + 60 * commits} +0000`;
    if (args[0] === 'commit') commits++;
    return runGit(cwd, args, gitEnv({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }));
  };
}

function repoVerbs(
  repoPath: string,
  git: (...args: string[]) => Promise<string>,
  remove: () => Promise<void>,
): GitRepo {
  return {
    path: repoPath,
    git,
    writeFiles: (files) => writeFiles(repoPath, files),
    commit: async (message) => {
      await git('add', '-A');
      await git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    branch: async (name, startPoint = 'HEAD') => void (await git('branch', name, startPoint)),
    checkout: async (ref) => void (await git('checkout', '-q', ref)),
    tag: async (name, message) => void (await git('tag', ...(message ? ['-a', '-m', message] : []), name)),
    head: () => git('rev-parse', 'HEAD'),
    remove,
  };
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.resolve(root, relative);
    if (!target.startsWith(root + path.sep))
      throw new Error(`writeFiles: ${relative} is outside the repository`);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.writeFile(target, content);
  }
}
