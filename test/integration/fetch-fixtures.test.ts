// `npm run fixtures` as a newcomer runs it, against local bare repositories laid out like Qt's
// and OpenNebula's (a coin/ folder, sources beside it, two commits) served through file:// bases:
// only the pinned paths of the pinned commit arrive, shallow and without the other blobs; the
// helper finds them; a second run asks no remote; a new pin moves; an unreachable remote or a
// commit the remote lacks is one line on stderr.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import manifest from '../../build/fixtures.json' with { type: 'json' };
import { createGitRepo, gitEnv, runGit } from '../helpers/git-repo';
import { locateFixtures, openNebulaKind, qtCoinKind } from '../helpers/qt-fixtures';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
type Source = (typeof manifest.sources)[number];

/** Files of every fake Qt repository: what the pinned paths select, and what they leave out. */
const qtFiles = (repo: string, version: string): Record<string, string> => ({
  'coin/module_config.yaml': `version: 2 # ${repo} ${version}\n`,
  'coin/instructions/build.yaml': `type: Group # ${repo} ${version}\n`,
  'coin/instructions/debian/deb.yaml': 'type: Group\n',
  'coin/instructions/README.md': 'not YAML\n',
  'coin/platform_configs/qt5.yaml': 'Version: 2\n',
  'coin/provisioning/install.sh': 'echo\n',
  'dependencies.yaml': 'dependencies: {}\n',
  'src/main.cpp': `int main() {} // ${version}\n`,
});
const xsds = ['vm', 'vm_pool', 'host', 'host_pool', 'vmtemplate', 'shared'];
const oneFiles = (_repo: string, version: string): Record<string, string> => ({
  ...Object.fromEntries(xsds.map((x) => [`share/doc/xsd/${x}.xsd`, `<xs:schema/><!-- ${version} -->\n`])),
  'src/vm/VirtualMachine.cc': `// ${version}\n`,
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command (`npm run fixtures` or its script) with the file:// bases and no user git config. */
function fetchFixtures(args: string[], env: Record<string, string>, viaNpm = false): Promise<Run> {
  const argv = viaNpm
    ? ['npm', ['run', '--silent', 'fixtures', '--', ...args]]
    : [process.execPath, [path.join(repoRoot, 'build/fetch-fixtures.mjs'), ...args]];
  return new Promise((resolve) => {
    execFile(
      argv[0] as string,
      argv[1] as string[],
      { cwd: repoRoot, env: gitEnv(env) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Lists the files under dir (relative, sorted), the way a test reading fixtures would see them. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

describe('npm run fixtures', () => {
  let work: TempDir;
  let remotes: string;
  let env: Record<string, string>;
  const pins = new Map<string, { first: string; second: string }>();
  const out = () => path.join(work.path, 'project', '.fixtures');
  const manifestFile = () => path.join(work.path, 'fixtures.json');
  const gitDirOf = (repo: string) => path.join(out(), 'git', `${repo}.git`);
  const git = (repo: string, ...args: string[]) => runGit(work.path, ['--git-dir', gitDirOf(repo), ...args]);

  /** A repository like `repo`, pushed bare to <remotes>/<repo>.git; its two commits' shas. */
  async function makeRemote(repo: string, files: (repo: string, v: string) => Record<string, string>) {
    const source = await createGitRepo({ prefix: 'fixture-src-', initialBranch: 'dev' });
    try {
      await source.writeFiles(files(repo, 'first'));
      const first = await source.commit('first');
      await source.writeFiles(files(repo, 'second'));
      const second = await source.commit('second');
      const bare = path.join(remotes, `${repo}.git`);
      await runGit(work.path, ['clone', '--quiet', '--bare', source.path, bare]);
      // As GitHub does: partial clones may leave out blobs.
      await runGit(bare, ['config', 'uploadpack.allowFilter', 'true']);
      pins.set(repo, { first, second });
    } finally {
      await source.remove();
    }
  }

  /** The project's real manifest (paths, folders, bases) with the fake repositories' commits. */
  function writeManifest(rev: (s: Source) => string): void {
    const sources = manifest.sources.map((s) => ({ ...s, rev: rev(s) }));
    fs.writeFileSync(manifestFile(), JSON.stringify({ ...manifest, sources }));
  }

  beforeAll(async () => {
    work = await makeTempDir('fetch-fixtures-');
    remotes = path.join(work.path, 'remotes');
    for (const s of manifest.sources) await makeRemote(s.repo, s.base === 'qt' ? qtFiles : oneFiles);
    env = { COIN_QT_GIT_BASE: `file://${remotes}`, COIN_OPENNEBULA_GIT_BASE: `file://${remotes}/` };
    writeManifest((s) => pins.get(s.repo)!.first);
  });
  afterAll(async () => {
    await work?.remove();
  });

  test('fetches only the pinned paths of the pinned commit, shallow, and the helper finds them', async () => {
    const run = await fetchFixtures(['--dir', out(), '--manifest', manifestFile()], env, true);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const s of manifest.sources)
      expect(run.stdout).toContain(
        `fixtures: ${s.repo} at ${pins.get(s.repo)!.first.slice(0, 12)}: fetched from file://`,
      );
    expect(filesUnder(path.join(out(), 'qt-coin/qt/qt5'))).toEqual([
      'coin/instructions/build.yaml',
      'coin/instructions/debian/deb.yaml',
      'coin/module_config.yaml',
      'coin/platform_configs/qt5.yaml',
    ]);
    expect(filesUnder(path.join(out(), 'qt-coin/qt/qtbase'))).toEqual([
      'coin/instructions/build.yaml',
      'coin/instructions/debian/deb.yaml',
      'coin/module_config.yaml',
    ]);
    expect(filesUnder(path.join(out(), 'qt-coin/qt/qtsvg'))).toEqual([
      'coin/module_config.yaml',
      'dependencies.yaml',
    ]);
    expect(filesUnder(path.join(out(), 'opennebula'))).toEqual(
      xsds
        .filter((x) => x !== 'shared')
        .map((x) => `share/doc/xsd/${x}.xsd`)
        .sort(),
    );
    const moduleConfig = path.join(out(), 'qt-coin/qt/qtbase/coin/module_config.yaml');
    expect(fs.readFileSync(moduleConfig, 'utf8')).toBe('version: 2 # qt/qtbase first\n');

    // The pinned commit, alone (depth 1), and the blobs outside the sparse paths never came.
    expect(await git('qt/qtbase', 'rev-parse', 'HEAD')).toBe(pins.get('qt/qtbase')!.first);
    expect(await git('qt/qtbase', 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect(await git('qt/qtbase', 'rev-list', '--count', 'HEAD')).toBe('1');
    const objects = await git('qt/qtbase', 'rev-list', '--objects', '--missing=print', 'HEAD');
    const cppBlob = await runGit(remotes, ['--git-dir', 'qt/qtbase.git', 'rev-parse', 'HEAD~1:src/main.cpp']);
    expect(objects.split('\n')).toContain(`?${cppBlob}`);

    const project = path.join(work.path, 'project');
    const noShared = { COIN_FIXTURES_NO_SHARED: '1' };
    expect(locateFixtures(qtCoinKind, noShared, project)).toMatchObject({ found: true, from: 'fetched' });
    expect(locateFixtures(openNebulaKind, noShared, project)).toMatchObject({ found: true, from: 'fetched' });
  });

  test('a second run asks no remote; a deleted file is fetched again', async () => {
    const away = `${remotes}-away`;
    fs.renameSync(remotes, away);
    try {
      const again = await fetchFixtures(['--dir', out(), '--manifest', manifestFile()], env);
      expect(again.code).toBe(0);
      expect(again.stdout.trim().split('\n')).toEqual([
        ...manifest.sources.map(
          (s) => `fixtures: ${s.repo} at ${pins.get(s.repo)!.first.slice(0, 12)}: up to date`,
        ),
        `fixtures: ${manifest.sources.length} sources ready in ${path.relative(repoRoot, out())}`,
      ]);
    } finally {
      fs.renameSync(away, remotes);
    }
    const deleted = path.join(out(), 'qt-coin/qt/qtbase/coin/instructions/build.yaml');
    fs.rmSync(deleted);
    const repaired = await fetchFixtures(['--dir', out(), '--manifest', manifestFile()], env);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(
      `fixtures: qt/qtbase at ${pins.get('qt/qtbase')!.first.slice(0, 12)}: fetched`,
    );
    expect(repaired.stdout).toContain(
      `fixtures: qt/qtsvg at ${pins.get('qt/qtsvg')!.first.slice(0, 12)}: up to date`,
    );
    expect(fs.readFileSync(deleted, 'utf8')).toBe('type: Group # qt/qtbase first\n');
  });

  test('a new pin is fetched and checked out; the others stay', async () => {
    writeManifest((s) => pins.get(s.repo)![s.repo === 'qt/qtsvg' ? 'second' : 'first']);
    const run = await fetchFixtures(['--dir', out(), '--manifest', manifestFile()], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `fixtures: qt/qtsvg at ${pins.get('qt/qtsvg')!.second.slice(0, 12)}: fetched from`,
    );
    expect(run.stdout).toContain(
      `fixtures: qt/qtbase at ${pins.get('qt/qtbase')!.first.slice(0, 12)}: up to date`,
    );
    expect(await git('qt/qtsvg', 'rev-parse', 'HEAD')).toBe(pins.get('qt/qtsvg')!.second);
    const svgConfig = path.join(out(), 'qt-coin/qt/qtsvg/coin/module_config.yaml');
    expect(fs.readFileSync(svgConfig, 'utf8')).toBe('version: 2 # qt/qtsvg second\n');
    writeManifest((s) => pins.get(s.repo)!.first);
  });

  test('an unreachable remote or a commit the remote lacks: one line on stderr, exit 1', async () => {
    const fresh = path.join(work.path, 'fresh');
    const nowhere = { ...env, COIN_QT_GIT_BASE: `file://${work.path}/nowhere` };
    const run = await fetchFixtures(['--dir', fresh, '--manifest', manifestFile()], nowhere);
    expect(run.code).toBe(1);
    const qt5 = pins.get('qt/qt5')!.first.slice(0, 12);
    expect(run.stderr).toMatch(
      new RegExp(
        `^fixtures: cannot fetch qt/qt5 ${qt5} from file://${work.path}/nowhere/qt/qt5\\.git \\(.+\\); ` +
          'check the network, or set COIN_QT_GIT_BASE to a reachable base that serves commits by sha\n$',
      ),
    );
    expect(
      locateFixtures(
        qtCoinKind,
        { COIN_QT_FIXTURES: path.join(fresh, 'qt-coin'), COIN_FIXTURES_NO_SHARED: '1' },
        work.path,
      ).found,
    ).toBe(false);

    writeManifest((s) => (s.repo === 'qt/qt5' ? 'f'.repeat(40) : pins.get(s.repo)!.first));
    const missing = await fetchFixtures(['--dir', fresh, '--manifest', manifestFile()], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^fixtures: cannot fetch qt\/qt5 ffffffffffff from file:\/\/.*\n$/);
    writeManifest((s) => pins.get(s.repo)!.first);
  });

  test('bad usage and a bad manifest: one line, exit 2', async () => {
    const usage = await fetchFixtures(['--bogus'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^fixtures: .*--bogus.*usage: npm run fixtures .*\n$/);
    const bad = path.join(work.path, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ ...manifest, sources: [{ ...manifest.sources[0], rev: 'main' }] }),
    );
    const badRun = await fetchFixtures(['--dir', path.join(work.path, 'never'), '--manifest', bad], env);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toBe(`fixtures: ${bad}: sources[0]: bad rev (40 hex); fix the manifest\n`);
    expect(fs.existsSync(path.join(work.path, 'never'))).toBe(false);
  });
});
