// `coin run --gerrit ...` against the Gerrit fake: staged changes become integrations, and only a
// writing (real) instance creates builds and approves them; an integration a crash interrupted runs
// again. Dependencies, prechecks and a pass Gerrit does not merge are in
// gerrit-run-deps-prechecks.test.ts.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GerritFake } from '../../fakes/gerrit/gerrit-fake';
import {
  gerritBot,
  gerritDev,
  startGerritFixture,
  until,
  type GerritFixture,
} from '../../helpers/gerrit-fixture';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runGit } from '../../helpers/git-repo';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let root: TempDir;
let gerrit: GerritFixture;
let fake: GerritFake;
const dev = gerritDev;
const bot = gerritBot;

beforeAll(async () => {
  root = await makeTempDir('gerrit-run-');
  gerrit = await startGerritFixture(root.path);
  fake = gerrit.fake;
});

afterAll(async () => {
  await fake.stop();
  await root.remove();
});

const gerritArgs = (projects: string) => gerrit.args(projects);

interface TaskJson {
  id: string;
  state: string;
  project: string;
  testedChanges?: {
    change: number;
    patchSet: number;
    subject: string;
    owner: string;
    restagedByHand: boolean;
  }[];
}

async function tasks(work: string): Promise<TaskJson[]> {
  const result = await runCoin(['tasks', '--working-dir', work, '--json']);
  return (JSON.parse(result.stdout) as { tasks: TaskJson[] }).tasks;
}

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

describe('coin run with Gerrit', () => {
  test('a real instance integrates staged changes: pass merges and moves the branch, fail goes back to NEW', async () => {
    await fake.createProject('demo/tool', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    const good = await fake.createChange({
      project: 'demo/tool',
      branch: 'dev',
      subject: 'Say hello',
      files: { 'tool.c': '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' },
      owner: dev,
    });
    await fake.stage(good, dev); // staged before the instance starts: found by the first query
    const work = path.join(root.path, 'real');
    const coin: CoinProcess = await startCoin(work, [
      '--instance',
      'real',
      '--gerrit-write',
      ...gerritArgs('demo/tool'),
    ]);
    try {
      await until(
        () => fake.change(good.number).status === 'MERGED',
        'the good change to merge',
        coin.output,
      );
      const merged = fake.change(good.number);
      expect(merged.messages.at(-1)!.message).toMatch(
        new RegExp(
          `^Continuous Integration: Passed\\n\\nDetails: http://127\\.0\\.0\\.1:${coin.port}/coin/#/tasks/\\S+$`,
        ),
      );
      const build = [...fake.state.builds.values()].find((b) => b.changes.includes(good.number))!;
      expect(await branchHead('demo/tool')).toBe(build.sha);
      expect(fake.commands.some((c) => /staging-new-build .*--build-id qtci\/dev\/\d+/.test(c))).toBe(true);

      // staged while the instance runs: found through stream-events; it does not compile
      const bad = await fake.createChange({
        project: 'demo/tool',
        branch: 'dev',
        subject: 'Break it',
        files: { 'tool.c': 'this is not C\n' },
        owner: dev,
      });
      await fake.stage(bad, dev);
      await until(
        () =>
          fake
            .change(bad.number)
            .messages.some((m) => m.message.startsWith('Continuous Integration: Failed')),
        'the bad change to fail',
        coin.output,
      );
      expect(fake.change(bad.number).status).toBe('NEW');
      expect(fake.change(bad.number).messages.at(-1)!.message).toMatch(
        /Details: http:\/\/127\.0\.0\.1:\d+\/coin\/#\/tasks\//,
      );
      expect(await branchHead('demo/tool')).toBe(build.sha);
      const list = await tasks(work);
      expect(list.map((t) => t.state).sort()).toEqual(['Failed', 'Passed']);
      const passed = list.find((t) => t.state === 'Passed')!;
      expect(passed.testedChanges).toEqual([
        expect.objectContaining({
          kind: 'gerrit-change',
          change: good.number,
          patchSet: 1,
          subject: 'Say hello',
          owner: 'dev@example.invalid',
        }),
      ]);
      expect(coin.output()).toContain('gerrit: build qtci/dev/');

      // Gerrit goes away; a change staged meanwhile (its event is lost) is found after the reconnection
      fake.setAvailable(false);
      fake.dropConnections();
      const missed = await fake.createChange({
        project: 'demo/tool',
        branch: 'dev',
        subject: 'Staged while away',
        files: { 'notes.txt': 'n\n' },
        owner: dev,
      });
      await fake.stage(missed, dev);
      await new Promise((r) => setTimeout(r, 300));
      fake.setAvailable(true);
      await until(
        () => fake.change(missed.number).status === 'MERGED',
        'the missed change to merge',
        coin.output,
      );
      expect(coin.output()).toContain('gerrit: connected again');

      // a cherry-pick by the bot accumulates (6 h) until a person restages it
      const pick = await fake.createChange({
        project: 'demo/tool',
        branch: 'dev',
        subject: 'Cherry-picked',
        files: { 'picked.txt': 'p\n' },
        owner: bot,
      });
      await fake.stage(pick, bot);
      await until(() => /accumulate: no build before/.test(coin.output()), 'the accumulation', coin.output);
      expect(fake.change(pick.number).status).toBe('STAGED');
      await fake.state.action(String(pick.number), 'unstage', dev);
      await fake.stage(pick, dev);
      await until(
        () => fake.change(pick.number).status === 'MERGED',
        'the restaged pick to merge',
        coin.output,
      );
      const picked = (await tasks(work)).find((t) => t.testedChanges?.[0]?.change === pick.number)!;
      expect(picked.testedChanges![0]).toMatchObject({ owner: bot.email, restagedByHand: true });

      // a change whose Coin files cannot be read fails at once, without a task
      const broken = await fake.createChange({
        project: 'demo/tool',
        branch: 'dev',
        subject: 'Break the config',
        files: { 'coin/module_config.yaml': 'version: 2\ninstructions: [\n' },
        owner: dev,
      });
      const tasksBefore = (await tasks(work)).length;
      await fake.stage(broken, dev);
      await until(
        () => fake.change(broken.number).status === 'NEW',
        'the broken change to fail',
        coin.output,
      );
      expect(fake.change(broken.number).messages.at(-1)!.message).toMatch(
        /^Continuous Integration: Failed\n\n.*module_config\.yaml/,
      );
      expect((await tasks(work)).length).toBe(tasksBefore);

      // an approval Gerrit refuses is made again after the next (re)connection
      const late = await fake.createChange({
        project: 'demo/tool',
        branch: 'dev',
        subject: 'Reported late',
        files: { 'late.txt': 'l\n' },
        owner: dev,
      });
      fake.failNext('staging-approve', 'fatal: temporarily unavailable');
      await fake.stage(late, dev);
      await until(
        () => /approving qtci\/dev\/\d+ \(pass\) failed: fatal: temporarily unavailable/.test(coin.output()),
        'the refused approval',
        coin.output,
      );
      expect(fake.change(late.number).status).toBe('INTEGRATING');
      fake.dropConnections();
      await until(() => fake.change(late.number).status === 'MERGED', 'the late approval', coin.output);
      expect(coin.output()).toMatch(/ended but is not reported yet: approving it now/);
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    expect(storedEventKinds(work)).toEqual(
      expect.arrayContaining(['gerrit.connected', 'gerrit.event', 'gerrit.build', 'gerrit.approved']),
    );
  });

  test('a private instance integrates refs/staging but never writes to Gerrit', async () => {
    await fake.createProject('demo/ro', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    const change = await fake.createChange({
      project: 'demo/ro',
      branch: 'dev',
      subject: 'Read only',
      files: { 'extra.txt': 'x\n' },
      owner: dev,
    });
    const before = await branchHead('demo/ro');
    await fake.stage(change, dev);
    const commandsBefore = fake.commands.length;
    const work = path.join(root.path, 'private');
    const refused = await runCoin(['run', '--working-dir', work, '--gerrit-write', ...gerritArgs('demo/ro')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--gerrit-write needs --instance real');
    const coin = await startCoin(work, ['--instance', 'private', ...gerritArgs('demo/ro')]);
    try {
      const done = await until(
        () => /would approve demo\/ro dev pass/.test(coin.output()),
        'the read-only integration to finish',
        coin.output,
      );
      expect(done).toBe(true);
      expect(coin.output()).toMatch(/would create build qtci\/dev\/\d+; integrating refs\/staging\/dev/);
      const list = await tasks(work);
      expect(list.map((t) => [t.project, t.state])).toEqual([['demo/ro', 'Passed']]);
    } finally {
      expect(await coin.stop()).toBe(0);
    }
    const written = fake.commands
      .slice(commandsBefore)
      .filter((c) => /staging-new-build|staging-approve|stage |rebuild/.test(c));
    expect(written).toEqual([]);
    expect(fake.change(change.number).status).toBe('STAGED');
    expect(storedEventKinds(work)).toEqual(expect.arrayContaining(['gerrit.would-approve']));
    expect(await branchHead('demo/ro')).toBe(before);
  });
});

describe('coin run with Gerrit across a crash', () => {
  test('an integration interrupted by a crash is run again after the restart and then reported', async () => {
    const slowBuild = `    - type: ExecuteCommand\n      command: "sleep 2"\n      userMessageOnFailure: "sleep failed"\n`;
    await fake.createProject('demo/slow', 'dev', {
      'coin/module_config.yaml': toolModuleConfig(slowBuild),
      'tool.c': toolSource,
    });
    const change = await fake.createChange({
      project: 'demo/slow',
      branch: 'dev',
      subject: 'Slow one',
      files: { 'slow.txt': 's\n' },
      owner: dev,
    });
    await fake.stage(change, dev);
    const work = path.join(root.path, 'crash');
    const args = ['--instance', 'real', '--gerrit-write', ...gerritArgs('demo/slow')];
    const first = await startCoin(work, args);
    try {
      // the build at work on an agent (an agent may be connected before, ready for work)
      const client = connectWorkingDir(work);
      await until(
        async () => (await client.agents().catch(() => [])).some((a) => a.state === 'running'),
        'an agent to run the build',
        first.output,
      );
    } finally {
      await first.kill();
    }
    expect(fake.change(change.number).status).toBe('INTEGRATING');
    const builds = [...fake.state.builds.values()].filter((b) => b.project === 'demo/slow');
    expect(builds).toHaveLength(1);
    const second = await startCoin(work, args);
    try {
      await until(
        () => fake.change(change.number).status === 'MERGED',
        'the change to merge after the restart',
        second.output,
      );
      expect(second.output()).toContain('"requeuedTasks":1');
      // the same build was reported; no second one was made
      expect([...fake.state.builds.values()].filter((b) => b.project === 'demo/slow')).toHaveLength(1);
      expect(await branchHead('demo/slow')).toBe(builds[0]!.sha);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
