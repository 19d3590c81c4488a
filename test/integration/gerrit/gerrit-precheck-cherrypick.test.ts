// Prechecks with `cherrypick` and of the types whose meaning in Coin is not public, run by a real
// `coin run --gerrit` from the Gerrit fake's `precheck` events on real git repositories: a
// cherry-pick precheck of a change whose parent is behind its branch builds the patch set applied
// onto the branch's newer tip (the build lists a file only that tip has; the same precheck without
// cherry-pick does not), a change that does not apply there is answered with the conflict and
// nothing is built, and a `full` precheck says what it ran instead.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import type { PrecheckBody } from '../../fakes/gerrit/fake-state';
import type { FakeChange, GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { gerritDev, startGerritFixture, until, type GerritFixture } from '../../helpers/gerrit-fixture';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

const project = 'demo/pick';
let root: TempDir;
let gerrit: GerritFixture;
let fake: GerritFake;
let coin: CoinProcess;
let client: InstanceClient;

// The build lists the module's files (its log shows which tree was built).
const listFiles = `    - type: ExecuteCommand
      command: "ls -1 {{.SourceDir}}"
`;

beforeAll(async () => {
  root = await makeTempDir('gerrit-precheck-pick-');
  gerrit = await startGerritFixture(root.path);
  fake = gerrit.fake;
  await fake.createProject(project, 'dev', {
    'coin/module_config.yaml': toolModuleConfig(listFiles),
    'tool.c': toolSource,
    'shared.txt': 'one\n',
  });
  coin = await startCoin(path.join(root.path, 'work'), [
    '--instance',
    'real',
    '--gerrit-write',
    ...gerrit.args(project),
  ]);
  client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });
  await until(() => /connected; \d+ staged/.test(coin.output()), 'the event stream', coin.output);
});

afterAll(async () => {
  try {
    expect(await coin?.stop()).toBe(0);
  } finally {
    await fake?.stop();
    await root?.remove();
  }
});

const isResult = (m: { message: string }) => /^Precheck(: | could not start)/.test(m.message);

/** Ask a precheck of `c`'s current patch set; resolves to what the instance said on the change this time. */
async function precheck(c: FakeChange, body: PrecheckBody): Promise<string> {
  const before = fake.change(c.number).messages.filter(isResult).length;
  await fake.state.precheck(String(c.number), 'current', body, gerritDev);
  const said = await until(
    () => fake.change(c.number).messages.filter(isResult)[before],
    'the precheck result on the change',
    coin.output,
    180_000,
  );
  return said.message;
}

/** The files the build of the task a message links to listed (its build log's `ls` lines). */
async function builtFiles(message: string): Promise<string[]> {
  const id = /#\/tasks\/(\S+)$/.exec(message)![1]!;
  const build = (await client.taskDetail(id)).workItems.find((w) => w.kind === 'build')!;
  const log = await client.workItemLog(build.id);
  return ['coin', 'mine.txt', 'newer.txt', 'shared.txt', 'tool.c'].filter((f) =>
    log.split('\n').some((line) => line.trim() === f),
  );
}

/** Move the branch on: a commit of `files` on its tip, as another merged change would. */
async function advanceBranch(files: Record<string, string>, subject: string): Promise<string> {
  const repo = fake.state.repo(project);
  const tip = (await repo.resolve('refs/heads/dev'))!;
  const sha = await repo.commitFiles(
    tip,
    files,
    subject,
    { name: 'Other', email: 'other@example.invalid' },
    null,
  );
  await repo.updateRef('refs/heads/dev', sha);
  return sha;
}

test('a cherry-pick precheck builds the patch set on the branch tip, not on its own parent', async () => {
  const c = await fake.createChange({
    project,
    branch: 'dev',
    subject: 'Add mine',
    files: { 'mine.txt': 'mine\n' },
    owner: gerritDev,
  });
  const tip = await advanceBranch({ 'newer.txt': 'only on the newer tip\n' }, 'Newer work on dev');

  const picked = await precheck(c, { type: 'default', cherrypick: true });
  expect(picked).toMatch(/^Precheck: Passed \(Passed; patch set 1; type default, cherry-pick\)\n/);
  expect(picked).toContain(
    `Cherry-picked onto the tip of dev (${tip.slice(0, 12)}) instead of its own parent.`,
  );
  expect(await builtFiles(picked)).toEqual(['coin', 'mine.txt', 'newer.txt', 'shared.txt', 'tool.c']);
  const task = (await client.taskDetail(/#\/tasks\/(\S+)$/.exec(picked)![1]!)).task;
  expect(task.sha).not.toBe(c.patchSets[0]!.revision);
  expect(task.testedChanges).toEqual([expect.objectContaining({ change: c.number, patchSet: 1 })]);

  // Without cherry-pick the same patch set is built on its own parent: no newer.txt.
  const plain = await precheck(c, { type: 'default' });
  expect(plain).toMatch(/^Precheck: Passed \(Passed; patch set 1; type default\)\n/);
  expect(plain).not.toContain('Cherry-picked');
  expect(await builtFiles(plain)).toEqual(['coin', 'mine.txt', 'shared.txt', 'tool.c']);
  expect(fake.change(c.number).status).toBe('NEW');
});

test('a cherry-pick that conflicts with the branch tip is the precheck result, and nothing is built', async () => {
  const c = await fake.createChange({
    project,
    branch: 'dev',
    subject: 'Change shared',
    files: { 'shared.txt': 'mine\n' },
    owner: gerritDev,
  });
  const tip = await advanceBranch({ 'shared.txt': 'theirs\n' }, 'Change shared on dev');
  const tasksBefore = (await client.tasks({ max: 100 })).tasks.length;

  const said = await precheck(c, { type: 'default', cherrypick: true, onlybuild: true });
  expect(said).toBe(
    [
      'Precheck: Failed (cherry-pick conflict; patch set 1; type default, build only, cherry-pick)',
      `Patch set 1 does not cherry-pick onto the tip of dev (${tip.slice(0, 12)}): conflicts in shared.txt.`,
      'Nothing was built: rebase the change onto the branch, or ask again without cherry-pick.',
    ].join('\n'),
  );
  expect((await client.tasks({ max: 100 })).tasks.length).toBe(tasksBefore);
  expect(fake.change(c.number).status).toBe('NEW');
});

test('a full precheck runs the default configuration and says that Coin’s meaning of full is not public', async () => {
  const c = await fake.createChange({
    project,
    branch: 'dev',
    subject: 'Check it all',
    files: { 'all.txt': 'all\n' },
    owner: gerritDev,
  });
  const said = await precheck(c, { type: 'full', onlybuild: true });
  const id = /#\/tasks\/(\S+)$/.exec(said)![1]!;
  const configs = [...new Set((await client.taskDetail(id)).workItems.map((w) => w.configurationId))];
  expect(configs).toHaveLength(1);
  const ran = `the instance's default configuration (${configs[0]})`;
  expect(said).toBe(
    [
      'Precheck: Passed (Passed; patch set 1; type full, build only)',
      `Built (no tests) on ${ran}; nothing was staged or merged.`,
      `Type full: Gerrit's precheck dialog describes it as running all targets; which targets Coin runs for it is not public, so this instance ran ${ran} instead.`,
      '',
      `Details: http://127.0.0.1:${coin.port}/coin/#/tasks/${id}`,
    ].join('\n'),
  );
});
