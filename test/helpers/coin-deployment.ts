/**
 * A real, updatable Coin deployment in a temp dir, as production has one: a bare "upstream"
 * repository cloned from this checkout, with one more commit on its branch holding this checkout's
 * working tree as it is (so the deployment runs the code under test, committed or not), the
 * deployment's checkout (coinDir) cloned from it and following it, and an empty instance working
 * directory. The checkout runs: its
 * node_modules is a link to this checkout's, and build/out (the built dashboard) too when this
 * checkout has a built one, else a one-page stand-in so the dashboard root answers 200.
 *
 * pushUpstream() lands a new commit upstream (by default a docs file, so an update has one
 * incoming commit and no dependency change); commitLocally() diverges the deployment. remove()
 * kills whatever still runs for the working directory (a `coin service` daemon, its agents, a
 * maintenance page), then deletes everything.
 */
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { gitEnv, runGit } from './git-repo';
import { commandLine, descendantsOf, readProcessTable, signalAll, waitUntilGone } from './process-tree';
import type { CoinLaunch } from './run-coin';
import { makeTempDir } from './temp-dir';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** A deployment and the verbs tests need. */
export interface CoinDeployment {
  /** The bare repository the deployment follows (its `origin`). */
  readonly upstream: string;
  /** The deployment's checkout: a profile's Coin directory. */
  readonly coinDir: string;
  /** An empty directory for the instance: a profile's working directory. */
  readonly workingDir: string;
  /** The branch the deployment is on (this checkout's). */
  readonly branch: string;
  /** The deployment's own `coin` CLI under this Node, for runCoin's `launch`. */
  readonly coin: CoinLaunch;
  /** `git ...args` in coinDir; stdout without the trailing newline. */
  git(...args: string[]): Promise<string>;
  /** HEAD of coinDir. */
  head(): Promise<string>;
  /** Commits `files` (default: one new docs file) on the upstream branch; resolves to the new sha. */
  pushUpstream(files?: Record<string, string>, message?: string): Promise<string>;
  /** Commits `files` in coinDir itself (the deployment then has a commit upstream lacks). */
  commitLocally(files: Record<string, string>, message?: string): Promise<string>;
  /** Kills every process that runs for workingDir (daemon, agents, maintenance page); idempotent. */
  stopProcesses(): Promise<void>;
  /** stopProcesses(), then deletes the temp dir. */
  remove(): Promise<void>;
}

/** Options of createCoinDeployment. */
export interface CoinDeploymentOptions {
  /** The repository the upstream is cloned from (default: this checkout). */
  source?: string;
  /** 'working-tree' (default): the source's files as they are now; 'head': its last commit only. */
  snapshot?: 'working-tree' | 'head';
  /** Temp dir name prefix (default 'coin-deployment-'). */
  prefix?: string;
}

const identity = gitEnv({
  GIT_AUTHOR_NAME: 'Coin Test',
  GIT_AUTHOR_EMAIL: 'coin-test@example.invalid',
  GIT_COMMITTER_NAME: 'Coin Test',
  GIT_COMMITTER_EMAIL: 'coin-test@example.invalid',
});

/** Build a deployment (about a second: local clones share their objects with the source). */
export async function createCoinDeployment(options: CoinDeploymentOptions = {}): Promise<CoinDeployment> {
  const source = options.source ?? repoRoot;
  const temp = await makeTempDir(options.prefix ?? 'coin-deployment-');
  const upstream = path.join(temp.path, 'upstream.git');
  const coinDir = path.join(temp.path, 'coin');
  const author = path.join(temp.path, 'author');
  const workingDir = path.join(temp.path, 'work');
  try {
    // The source's branch, or 'main' when its HEAD is detached (as CI checkouts often are).
    const sourceHead = await runGit(source, ['rev-parse', 'HEAD']);
    const branch =
      (await runGit(source, ['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')) || 'main';
    await runGit(temp.path, ['clone', '-q', '--bare', source, upstream]);
    await runGit(temp.path, ['clone', '-q', '--no-checkout', upstream, author]);
    await runGit(author, ['checkout', '-q', '-B', branch, sourceHead]);
    if ((options.snapshot ?? 'working-tree') === 'working-tree') await commitWorkingTree(source, author);
    await runGit(author, ['push', '-q', '-f', 'origin', `HEAD:refs/heads/${branch}`], identity);
    await runGit(author, ['branch', '-q', '--set-upstream-to', `origin/${branch}`]);
    await runGit(upstream, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    await runGit(temp.path, ['clone', '-q', upstream, coinDir]);
    await linkBuiltFiles(source, coinDir);
    await fsp.mkdir(workingDir);
  } catch (error) {
    await temp.remove();
    throw error;
  }
  let docs = 0;
  const deployment: CoinDeployment = {
    upstream,
    coinDir,
    workingDir,
    branch: await runGit(coinDir, ['symbolic-ref', '--short', 'HEAD']),
    coin: {
      command: [process.execPath, path.join(coinDir, 'runner', 'cli', 'coin.mjs')],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    },
    git: (...args) => runGit(coinDir, args),
    head: () => runGit(coinDir, ['rev-parse', 'HEAD']),
    async pushUpstream(files, message = 'docs: a note for the update test') {
      await runGit(author, ['pull', '-q', '--ff-only'], identity);
      const sha = await commit(
        author,
        files ?? { [`docs/update-note-${++docs}.md`]: `# Note ${docs}\n` },
        message,
      );
      await runGit(author, ['push', '-q', 'origin', 'HEAD'], identity);
      return sha;
    },
    commitLocally: (files, message = 'a local change in production') => commit(coinDir, files, message),
    stopProcesses: () => killProcessesOf(workingDir),
    async remove() {
      await killProcessesOf(workingDir);
      await temp.remove();
    },
  };
  return deployment;
}

/** The source's tracked and untracked (not ignored) files as they are, committed in `author`. */
async function commitWorkingTree(source: string, author: string): Promise<void> {
  const list = async (...flags: string[]) =>
    (await runGit(source, ['ls-files', '-z', ...flags])).split('\0').filter(Boolean);
  const [present, deleted] = await Promise.all([list('-c', '-o', '--exclude-standard'), list('-d')]);
  for (const file of present) {
    const from = path.join(source, file);
    if (!existsSync(from)) continue;
    await fsp.mkdir(path.dirname(path.join(author, file)), { recursive: true });
    await fsp.cp(from, path.join(author, file), { force: true, verbatimSymlinks: true });
  }
  for (const file of deleted) await fsp.rm(path.join(author, file), { force: true });
  await runGit(author, ['add', '-A'], identity);
  await runGit(author, ['commit', '-q', '--allow-empty', '-m', `the working tree of ${source}`], identity);
}

async function commit(dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fsp.writeFile(path.join(dir, file), content);
  }
  await runGit(dir, ['add', '-A'], identity);
  await runGit(dir, ['commit', '-q', '-m', message], identity);
  return runGit(dir, ['rev-parse', 'HEAD']);
}

/**
 * node_modules (and build/out) of the source, linked into the deployment and excluded from its
 * git status: .gitignore's `node_modules/` matches directories, not links, and production's
 * checkout must look clean.
 */
async function linkBuiltFiles(source: string, coinDir: string): Promise<void> {
  await fsp.symlink(path.join(source, 'node_modules'), path.join(coinDir, 'node_modules'));
  const out = path.join(coinDir, 'build', 'out');
  await fsp.mkdir(path.dirname(out), { recursive: true });
  if (existsSync(path.join(source, 'build', 'out', 'renderer', 'index.html'))) {
    await fsp.symlink(path.join(source, 'build', 'out'), out);
  } else {
    await fsp.mkdir(path.join(out, 'renderer'), { recursive: true });
    await fsp.writeFile(
      path.join(out, 'renderer', 'index.html'),
      '<!doctype html><html><head><title>Coin</title></head><body>dashboard stand-in</body></html>\n',
    );
  }
  await fsp.appendFile(path.join(coinDir, '.git', 'info', 'exclude'), '/node_modules\n/build/out\n');
}

/** Every process whose command line names `workingDir`, with its descendants, killed (SIGKILL). */
async function killProcessesOf(workingDir: string): Promise<void> {
  const table = readProcessTable();
  const named = [...table.values()].filter(
    (p) => p.pid !== process.pid && mentions(commandLine(p.pid), workingDir),
  );
  const all = [...named, ...named.flatMap((p) => descendantsOf(p.pid, table))];
  signalAll(all, 'SIGKILL');
  const alive = await waitUntilGone(all, 10_000);
  if (alive.length)
    throw new Error(`processes of ${workingDir} outlived SIGKILL: ${alive.map((p) => p.pid).join(', ')}`);
}

function mentions(command: string, dir: string): boolean {
  return command.split(' ').some((arg) => arg === dir || arg.startsWith(`${dir}/`));
}
