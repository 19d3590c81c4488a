// Prechecks run by a real `coin run --gerrit` from the Gerrit fake's `precheck` events: a custom
// precheck runs on the platform configurations it names, `onlybuild` plans no test work item, and
// a platform the instance does not have refuses the precheck on the change, naming those it has.
import { mkdir, writeFile } from 'node:fs/promises';
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

let root: TempDir;
let gerrit: GerritFixture;
let fake: GerritFake;
let coin: CoinProcess;

const configuration = (id: string) =>
  [
    `- Id: '${id}'`,
    "  Template: 'qtci-linux-Debian-12-x86_64-0'",
    "  Compiler: 'GCC'",
    '  Features: []',
  ].join('\n');

beforeAll(async () => {
  root = await makeTempDir('gerrit-precheck-run-');
  gerrit = await startGerritFixture(root.path);
  fake = gerrit.fake;
  const configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  await writeFile(
    path.join(configs, 'prechecks.yaml'),
    ['Version: 2', 'Configurations:', configuration('debian-a'), configuration('debian-b'), ''].join('\n'),
  );
  await fake.createProject('demo/pre', 'dev', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  const work = path.join(root.path, 'work');
  coin = await startCoin(work, [
    '--instance',
    'real',
    '--gerrit-write',
    '--platform-configs',
    configs,
    ...gerrit.args('demo/pre'),
  ]);
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

/** Ask a precheck of `c`'s current patch set; resolves to what the instance said on the change. */
async function precheck(c: FakeChange, body: PrecheckBody): Promise<string> {
  await fake.state.precheck(String(c.number), 'current', body, gerritDev);
  const said = await until(
    () => fake.change(c.number).messages.find((m) => /^Precheck(: | could not start)/.test(m.message)),
    'the precheck result on the change',
    coin.output,
    120_000,
  );
  return said.message;
}

/** The work items of the task a precheck message links to, as `kind configuration: state`. */
async function workItemsOf(message: string): Promise<string[]> {
  const id = /#\/tasks\/(\S+)$/.exec(message)![1]!;
  const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });
  const detail = await client.taskDetail(id);
  return detail.workItems.map((w) => `${w.kind} ${w.configurationId}: ${w.state}`).sort();
}

const change = (subject: string, file: string) =>
  fake.createChange({
    project: 'demo/pre',
    branch: 'dev',
    subject,
    files: { [file]: `${file}\n` },
    owner: gerritDev,
  });

test('a custom precheck builds and tests on the platforms it names', async () => {
  const c = await change('Check on b', 'b.txt');
  const said = await precheck(c, { type: 'custom', platforms: 'debian-b' });
  expect(said).toMatch(/^Precheck: Passed \(Passed; patch set 1; type custom, platforms debian-b\)\n/);
  expect(said).toContain('Built and tested on debian-b; nothing was staged or merged.');
  expect(await workItemsOf(said)).toEqual(['build debian-b: Done', 'test debian-b: Done']);
});

test('onlybuild builds on every named platform and runs no test', async () => {
  const c = await change('Only build me', 'only.txt');
  const said = await precheck(c, { type: 'custom', platforms: 'debian-a, debian-b', onlybuild: true });
  expect(said).toMatch(
    /^Precheck: Passed \(Passed; patch set 1; type custom, platforms debian-a, debian-b, build only\)\n/,
  );
  expect(said).toContain('Built (no tests) on debian-a, debian-b; nothing was staged or merged.');
  expect(await workItemsOf(said)).toEqual(['build debian-a: Done', 'build debian-b: Done']);
  expect(fake.change(c.number).status).toBe('NEW');
});

test('a platform the instance does not have refuses the precheck and names those it has', async () => {
  const c = await change('Check on nothing', 'none.txt');
  const said = await precheck(c, { type: 'custom', platforms: 'windows-11' });
  expect(said).toMatch(
    /^Precheck could not start: unknown configuration 'windows-11'; this instance has: .*debian-a, debian-b$/,
  );
});
