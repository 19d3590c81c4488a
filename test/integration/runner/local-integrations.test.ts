// The runner end to end: real `coin run` and `coin integrate` processes, real git, real agents.
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { integrateWait, runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { consumerModuleConfig, dependsOnTool, toolModuleConfig, toolSource } from './demo-modules';

let root: TempDir;
let work: string;
let coin: CoinProcess;

beforeAll(async () => {
  root = await makeTempDir('runner-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  coin = await startCoin(work);
});

afterAll(async () => {
  expect(await coin.stop()).toBe(0);
  await root.remove();
});

interface TaskJson {
  id: string;
  state: string;
  reason: string | null;
  workItems: {
    id: string;
    kind: string;
    state: string;
    reused: boolean;
    configuration: string;
    failure: { reason: string } | null;
  }[];
}

async function integrate(project: string, extra: string[] = []): Promise<TaskJson> {
  const result = await integrateWait<TaskJson>(path.join(root.path, project), work, { extra });
  expect(result.stderr).toBe('');
  return result.task;
}

function artifactFiles(dir: string): string[] {
  return readdirSync(path.join(dir, 'artifacts'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('local integrations', () => {
  test('a module builds then tests, and an unchanged second integration reuses the build', async () => {
    const first = await integrate('demo/tool');
    expect(first.state).toBe('Passed');
    expect(first.workItems.map((w) => [w.kind, w.state, w.reused])).toEqual([
      ['build', 'Done', false],
      ['test', 'Done', false],
    ]);
    const testItem = first.workItems.find((w) => w.kind === 'test')!;
    const log = await runCoin(['task', first.id, '--working-dir', work, '--log', testItem.id]);
    expect(log.stdout).toContain('tool works');

    const second = await integrate('demo/tool');
    expect(second.state).toBe('Passed');
    expect(second.workItems.find((w) => w.kind === 'build')).toMatchObject({ state: 'Done', reused: true });
  });

  test("a dependency is built at its pinned revision and installed before the module's build", async () => {
    const toolSha = await gitHead('demo/tool');
    await commitModule(root.path, 'demo/consumer', {
      'coin/module_config.yaml': consumerModuleConfig(),
      'dependencies.yaml': dependsOnTool(toolSha),
    });
    const first = await integrate('demo/consumer');
    expect(first.state, first.reason ?? '').toBe('Passed');
    expect(first.workItems.map((w) => w.kind)).toEqual(['build', 'build', 'test']);
    // The tool's build is the one integrated before: same project, sha, configuration, instructions.
    expect(first.workItems[0]).toMatchObject({ kind: 'build', reused: true });
    const again = await integrate('demo/consumer');
    expect(again.workItems.filter((w) => w.kind === 'build').every((w) => w.reused)).toBe(true);
  });

  test('a stored artifact with a flipped byte is a miss and the build runs again', async () => {
    for (const file of artifactFiles(work)) {
      chmodSync(file, 0o644);
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(file, bytes);
    }
    const task = await integrate('demo/tool');
    expect(task.state).toBe('Passed');
    expect(task.workItems.find((w) => w.kind === 'build')).toMatchObject({ state: 'Done', reused: false });
  });

  test('a command silent for longer than maxTimeBetweenOutput is killed and the item fails naming the limit', async () => {
    const hang = `    - type: ExecuteCommand\n      command: "sleep 30"\n      maxTimeBetweenOutput: 1\n`;
    await commitModule(root.path, 'demo/hang', {
      'coin/module_config.yaml': toolModuleConfig(hang),
      'tool.c': toolSource,
    });
    const started = Date.now();
    const { code, task } = await integrateWait<TaskJson>(path.join(root.path, 'demo/hang'), work, {
      timeoutMs: 60_000,
    });
    expect(code).toBe(1);
    expect(task.state).toBe('Failed');
    const build = task.workItems.find((w) => w.kind === 'build')!;
    expect(build.failure?.reason).toMatch(
      /exceeded maxTimeBetweenOutput \(1 s\) and was killed with its children: sleep 30/,
    );
    expect(task.workItems.find((w) => w.kind === 'test')?.state).toBe('Cancelled');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('bad input gets one clear line and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[root.path, '--ref', 'main'], /is not a git repository/],
      [[path.join(root.path, 'demo/tool'), '--ref', 'no-such-branch'], /unknown ref 'no-such-branch'/],
    ];
    await commitModule(root.path, 'demo/plain', { 'README.md': 'no coin files\n' });
    cases.push([[path.join(root.path, 'demo/plain'), '--ref', 'main'], /has no coin\/module_config\.yaml/]);
    await commitModule(root.path, 'demo/broken', {
      'coin/module_config.yaml': 'version: 2\ninstructions:\n  Build: [\n',
    });
    cases.push([[path.join(root.path, 'demo/broken'), '--ref', 'main'], /module_config\.yaml:\d+:\d+: /]);
    for (const [args, message] of cases) {
      const result = await runCoin(['integrate', ...args, '--working-dir', work]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('invalidate-artifacts makes every key miss; gc removes the old epoch first and keeps what is pinned', async () => {
    const invalidated = await runCoin(['invalidate-artifacts', '--working-dir', work]);
    expect(invalidated.code, invalidated.stderr).toBe(0);
    expect(invalidated.stdout).toMatch(/artifact epoch is now \d+/);
    const rebuilt = await integrate('demo/tool');
    expect(rebuilt.workItems.find((w) => w.kind === 'build')).toMatchObject({ state: 'Done', reused: false });

    const dry = await runCoin(['gc', '--working-dir', work, '--dry-run', '--min-free-gb', '0', '--json']);
    const planned = JSON.parse(dry.stdout) as { dryRun: boolean; removed: { reason: string }[] };
    expect(planned.dryRun).toBe(true);
    expect(planned.removed.length).toBeGreaterThan(0);
    expect(planned.removed.every((r) => r.reason === 'old-epoch')).toBe(true);
    const filesBefore = artifactFiles(work).length;
    const real = await runCoin(['gc', '--working-dir', work, '--min-free-gb', '0', '--json']);
    const report = JSON.parse(real.stdout) as { removed: unknown[] };
    expect(report.removed).toHaveLength(planned.removed.length);
    expect(artifactFiles(work).length).toBeLessThan(filesBefore);
    // The current build survived: the next integration reuses it.
    const again = await integrate('demo/tool');
    expect(again.workItems.find((w) => w.kind === 'build')).toMatchObject({ reused: true });
  });

  test('a second instance on the same working directory is refused within 2 s and changes nothing', async () => {
    const before = checksums(work);
    const started = Date.now();
    const result = await runCoin(['run', '--working-dir', work, '--port', '0']);
    expect(Date.now() - started).toBeLessThan(2000 + 1500); // 1.5 s is the CLI's own start-up (tsx)
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`another Coin instance (pid ${coin.pid}`);
    expect(checksums(work)).toEqual(before);
  });
});

async function gitHead(project: string): Promise<string> {
  const { runGit } = await import('../../helpers/git-repo');
  return runGit(path.join(root.path, project), ['rev-parse', 'HEAD']);
}

function checksums(dir: string): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile())
      sums[path.relative(dir, file)] =
        `${statSync(file).mode}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  }
  return sums;
}
