// `coin run --gerrit ...` against the Gerrit fake, beyond staged changes of one project: the
// projects dependencies.yaml names are fetched from Gerrit and built first, a precheck builds and
// tests its patch set and says the result, and a pass Gerrit does not merge is reported as such.
// The staging integrations themselves are in gerrit-run.test.ts.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { gerritDev, startGerritFixture, until, type GerritFixture } from '../../helpers/gerrit-fixture';
import { startCoin } from '../../helpers/coin-process';
import { runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { consumerModuleConfig, dependsOnTool, toolModuleConfig, toolSource } from '../runner/demo-modules';

let root: TempDir;
let gerrit: GerritFixture;
let fake: GerritFake;
const dev = gerritDev;

beforeAll(async () => {
  root = await makeTempDir('gerrit-run-deps-');
  gerrit = await startGerritFixture(root.path);
  fake = gerrit.fake;
});

afterAll(async () => {
  await fake.stop();
  await root.remove();
});

const gerritArgs = (projects: string) => gerrit.args(projects);

/** The kinds of the events an instance stored (read after it stopped). */
function storedEventKinds(work: string): string[] {
  const db = new Database(path.join(work, 'coin.db'), { readonly: true });
  try {
    return (db.prepare('SELECT DISTINCT kind FROM events').all() as { kind: string }[]).map((r) => r.kind);
  } finally {
    db.close();
  }
}

const branchHead = (project: string) =>
  runGit(fake.gitUrlPrefix, ['--git-dir', `${project}.git`, 'rev-parse', 'refs/heads/dev']);

describe('coin run with Gerrit: dependencies', () => {
  test('the projects named in dependencies.yaml are fetched from Gerrit and built first', async () => {
    const toolSha = await fake.createProject('deps/tool', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    await fake.createProject('deps/consumer', 'dev', {
      'coin/module_config.yaml': consumerModuleConfig(),
      'dependencies.yaml': dependsOnTool(toolSha),
    });
    const change = await fake.createChange({
      project: 'deps/consumer',
      branch: 'dev',
      subject: 'Use the tool',
      files: { README: 'uses the tool\n' },
      owner: dev,
    });
    await fake.stage(change, dev);
    const work = path.join(root.path, 'deps');
    const coin = await startCoin(work, [
      '--instance',
      'real',
      '--gerrit-write',
      ...gerritArgs('deps/consumer'),
    ]);
    try {
      await until(
        () => fake.change(change.number).status === 'MERGED',
        'the consumer change to merge',
        coin.output,
      );
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    expect(
      await runGit(path.join(work, 'gerrit', 'git', 'deps', 'tool'), ['rev-parse', 'refs/gerrit/heads/dev']),
    ).toBe(toolSha);
    const db = new Database(path.join(work, 'coin.db'), { readonly: true });
    try {
      const items = db.prepare('SELECT id, state FROM work_items ORDER BY created').all() as {
        id: string;
        state: string;
      }[];
      expect(items.filter((i) => i.id.includes('.build.deps_tool.')).map((i) => i.state)).toEqual(['Done']);
      expect(items.filter((i) => i.id.includes('.build.deps_consumer.')).map((i) => i.state)).toEqual([
        'Done',
      ]);
    } finally {
      db.close();
    }
  });
});

describe('coin run with Gerrit: prechecks and a pass Gerrit does not merge', () => {
  test('a precheck builds and tests its patch set and says the result on the change; a pass that did not merge is reported as such', async () => {
    await fake.createProject('demo/pre', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    const checked = await fake.createChange({
      project: 'demo/pre',
      branch: 'dev',
      subject: 'Check me first',
      files: { 'pre.txt': 'p\n' },
      owner: dev,
    });
    const before = await branchHead('demo/pre');
    const work = path.join(root.path, 'precheck');
    const coin = await startCoin(work, ['--instance', 'real', '--gerrit-write', ...gerritArgs('demo/pre')]);
    try {
      await until(() => /connected; \d+ staged/.test(coin.output()), 'the event stream', coin.output);
      await fake.state.precheck(
        String(checked.number),
        'current',
        { type: 'default', platforms: 'linux' },
        dev,
      );
      const said = await until(
        () => fake.change(checked.number).messages.find((m) => m.message.startsWith('Precheck: ')),
        'the precheck result on the change',
        coin.output,
      );
      expect(said.author.username).toBe('qtci');
      expect(said.message).toMatch(
        /^Precheck: Passed \(Passed; patch set 1; type default, platforms linux\)/,
      );
      expect(said.message).toMatch(/Details: http:\/\/127\.0\.0\.1:\d+\/coin\/#\/tasks\/\S+$/);
      expect(fake.change(checked.number).status).toBe('NEW');
      expect(await branchHead('demo/pre')).toBe(before);
      expect(fake.commands.some((c) => /staging-new-build --project demo\/pre/.test(c))).toBe(false);

      // Gerrit takes the pass (exit 0) and puts the change back to NEW.
      const unlucky = await fake.createChange({
        project: 'demo/pre',
        branch: 'dev',
        subject: 'Passes but does not merge',
        files: { 'unlucky.txt': 'u\n' },
        owner: dev,
      });
      fake.state.passWithoutMerge = true;
      await fake.stage(unlucky, dev);
      await until(
        () => /passed but Gerrit did not merge/.test(coin.output()),
        'the pass that did not merge',
        coin.output,
      );
      expect(fake.change(unlucky.number).status).toBe('NEW');
    } finally {
      fake.state.passWithoutMerge = false;
      expect(await coin.stop()).toBe(0);
    }
    expect(storedEventKinds(work)).toEqual(expect.arrayContaining(['gerrit.not-merged']));
  });
});
