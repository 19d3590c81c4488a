#!/usr/bin/env node
// `npm run fixtures`: fetches the public files some tests read (Qt's Coin files, OpenNebula's XML
// schemas) at the revisions pinned in build/fixtures.json, into .fixtures/ (git-ignored), where
// test/helpers/qt-fixtures.ts finds them. Each source is a shallow (depth 1), sparse, blob-less
// git checkout of one pinned commit; its git directory is kept apart (.fixtures/git/...) so the
// fixture trees hold only the pinned files, laid out like ../shared/fixtures. A second run checks
// each checkout and asks no remote anything when it is intact. See docs/testing.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const usage =
  'usage: npm run fixtures [-- --dir DIR] [--manifest FILE]  (defaults: .fixtures, build/fixtures.json)';

/** A failure the user can act on: printed as one line, exit status 1 (2 for bad usage). */
class FixtureError extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

function parseOptions(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, manifest: { type: 'string' }, help: { type: 'boolean' } },
    });
    return {
      help: values.help === true,
      dir: path.resolve(values.dir ?? path.join(root, '.fixtures')),
      manifest: path.resolve(values.manifest ?? path.join(root, 'build', 'fixtures.json')),
    };
  } catch (error) {
    throw new FixtureError(`${error.message}; ${usage}`, 2);
  }
}

/** The environment git runs with: the user's config (proxies, insteadOf) kept, no prompts, and
 * no inherited GIT_DIR-like variables (as a git hook sets) that would point git elsewhere. */
function gitEnv() {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR'])
    delete env[name];
  delete env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
  return env;
}

/** Runs `git --git-dir <gitDir> ...args`; never throws on a non-zero exit. */
function git(gitDir, args) {
  const result = spawnSync('git', ['--git-dir', gitDir, ...args], { env: gitEnv(), encoding: 'utf8' });
  if (result.error?.code === 'ENOENT')
    throw new FixtureError(
      'git is not installed or not on PATH; install git, then run npm run fixtures again',
    );
  if (result.error) throw result.error;
  return { ok: result.status === 0, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** Like git(), for steps that cannot fail on a healthy local repository. */
function gitOrThrow(gitDir, args, what) {
  const result = git(gitDir, args);
  if (!result.ok) throw new FixtureError(`${what} failed: ${lastLine(result.stderr)}`);
  return result.stdout;
}

function lastLine(text) {
  return text.split('\n').filter(Boolean).at(-1) ?? 'no message from git';
}

function checkSource(source, bases, at) {
  const problems = [];
  if (typeof source.repo !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(source.repo)) problems.push('repo');
  if (typeof source.rev !== 'string' || !/^[0-9a-f]{40}$/.test(source.rev)) problems.push('rev (40 hex)');
  if (
    !Array.isArray(source.paths) ||
    source.paths.length === 0 ||
    source.paths.some((p) => !p.startsWith('/'))
  )
    problems.push('paths (each starting with /)');
  if (typeof source.into !== 'string' || source.into.split('/').some((p) => p === '..' || p === ''))
    problems.push('into');
  if (!Object.hasOwn(bases, source.base)) problems.push('base');
  if (problems.length) throw new FixtureError(`${at}: bad ${problems.join(', ')}; fix the manifest`, 2);
}

function readManifest(file) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FixtureError(`cannot read the manifest ${file}: ${error.message}`, 2);
  }
  if (!Array.isArray(manifest.sources) || typeof manifest.bases !== 'object')
    throw new FixtureError(`${file} has no "bases" and "sources"; fix the manifest`, 2);
  manifest.sources.forEach((s, i) => checkSource(s, manifest.bases, `${file}: sources[${i}]`));
  return manifest;
}

/** `<base>/<owner>/<repo>.git`, the base from its environment variable when set. */
function remoteUrl(bases, source) {
  const base = bases[source.base];
  const chosen = (process.env[base.env] || base.default).replace(/\/+$/, '');
  return { url: `${chosen}/${source.repo}.git`, env: base.env };
}

/** Where a source's git directory and files go. */
function placesOf(dir, source) {
  return { gitDir: path.join(dir, 'git', `${source.repo}.git`), work: path.join(dir, source.into) };
}

/** True when the checkout is the pinned commit with exactly the pinned paths, unmodified. */
function isIntact(gitDir, work, source) {
  if (!fs.existsSync(path.join(gitDir, 'HEAD'))) return false;
  const head = git(gitDir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (!head.ok || head.stdout !== source.rev) return false;
  if (git(gitDir, ['config', 'core.worktree']).stdout !== path.relative(gitDir, work)) return false;
  const sparse = git(gitDir, ['sparse-checkout', 'list']);
  if (!sparse.ok || sparse.stdout !== source.paths.join('\n')) return false;
  // Untracked files are the user's; what matters is that no pinned file is changed or missing.
  const status = git(gitDir, ['status', '--porcelain', '--untracked-files=no']);
  return status.ok && status.stdout === '';
}

/** A repository whose work tree is elsewhere: the fixture folder gets no .git entry. */
function initRepo(gitDir, work, url) {
  fs.mkdirSync(work, { recursive: true });
  if (!fs.existsSync(path.join(gitDir, 'HEAD'))) {
    fs.mkdirSync(gitDir, { recursive: true });
    gitOrThrow(gitDir, ['init', '--quiet', '--bare'], `git init ${gitDir}`);
    gitOrThrow(gitDir, ['config', 'core.bare', 'false'], 'git config');
    gitOrThrow(gitDir, ['remote', 'add', 'origin', url], 'git remote add');
  }
  // Relative, so that moving the whole folder keeps every checkout intact.
  gitOrThrow(gitDir, ['config', 'core.worktree', path.relative(gitDir, work)], 'git config');
  gitOrThrow(gitDir, ['remote', 'set-url', 'origin', url], 'git remote set-url');
}

/** Fetches the pinned commit. Asked every time the checkout is not intact: whether the commit is
 * here already cannot be asked offline, as git fetches a missing object from a partial clone's
 * remote on any lookup. */
function fetchRevision(gitDir, source, remote) {
  // blob:none: only the blobs of the sparse paths come over (at checkout); servers without
  // filtering ignore it with a warning and send the whole commit.
  const args = ['fetch', '--quiet', '--depth', '1', '--filter=blob:none', 'origin', source.rev];
  const result = git(gitDir, args);
  if (!result.ok)
    throw new FixtureError(
      `cannot fetch ${source.repo} ${source.rev.slice(0, 12)} from ${remote.url} (${lastLine(result.stderr)}); ` +
        `check the network, or set ${remote.env} to a reachable base that serves commits by sha`,
    );
}

/** Brings one source to its pinned state; returns what it did. */
function ensureSource(dir, bases, source) {
  const { gitDir, work } = placesOf(dir, source);
  if (isIntact(gitDir, work, source)) return 'up to date';
  const remote = remoteUrl(bases, source);
  initRepo(gitDir, work, remote.url);
  gitOrThrow(gitDir, ['sparse-checkout', 'set', '--no-cone', ...source.paths], 'git sparse-checkout set');
  fetchRevision(gitDir, source, remote);
  const checkout = git(gitDir, ['checkout', '--quiet', '--force', '--detach', source.rev]);
  if (!checkout.ok)
    throw new FixtureError(
      `cannot check out ${source.repo} ${source.rev.slice(0, 12)} (${lastLine(checkout.stderr)}); ` +
        `delete ${gitDir} and run npm run fixtures again`,
    );
  if (!isIntact(gitDir, work, source))
    throw new FixtureError(
      `${source.repo}: the checkout in ${work} is not the pinned state; delete it and retry`,
    );
  return `fetched from ${remote.url}`;
}

function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const manifest = readManifest(options.manifest);
  const shown = path.relative(process.cwd(), options.dir) || '.';
  for (const source of manifest.sources) {
    const done = ensureSource(options.dir, manifest.bases, source);
    process.stdout.write(`fixtures: ${source.repo} at ${source.rev.slice(0, 12)}: ${done}\n`);
  }
  process.stdout.write(`fixtures: ${manifest.sources.length} sources ready in ${shown}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof FixtureError)) throw error;
  process.stderr.write(`fixtures: ${error.message}\n`);
  process.exitCode = error.status;
}
