// The gerrit_monitor rules decide when local integrations start. Each integration's build holds
// until the test creates its release file, so the test sees exactly which ones run side by side.
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { gitEnv, runGit } from '../../helpers/git-repo';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { latestVersion, waitFor } from './config-helpers';

let root: TempDir;
let work: string;
let marks: string;
let coin: CoinProcess;
const submitted: string[] = [];

/** A module whose build marks its start and then waits for its release file. */
function heldModule(name: string): string {
  const script = `touch ${marks}/started-${name}; while [ ! -f ${marks}/release-${name} ]; do sleep 0.05; done`;
  return `version: 2
instructions:
  Build:
    - type: ExecuteCommand
      command: ["sh", "-c", ${JSON.stringify(script)}]
      maxTimeInSeconds: 300
      maxTimeBetweenOutput: 300
      userMessageOnFailure: "the held build failed"
  Test: []
`;
}

async function integrate(project: string, sha: string): Promise<string> {
  const result = await runCoin(
    [
      'integrate',
      path.join(root.path, project),
      '--ref',
      sha,
      '--branch',
      'dev',
      '--working-dir',
      work,
      '--json',
    ],
    { timeoutMs: 60_000 },
  );
  expect(result.stderr).toBe('');
  const id = (JSON.parse(result.stdout) as { id: string }).id;
  submitted.push(id);
  return id;
}

/** Commits a held module named `name` to `project` and integrates it on branch dev. */
async function submit(project: string, name: string): Promise<string> {
  return integrate(
    project,
    await commitModule(root.path, project, { 'coin/module_config.yaml': heldModule(name) }),
  );
}

const started = (name: string) => existsSync(path.join(marks, `started-${name}`));
const startTime = (name: string) => statSync(path.join(marks, `started-${name}`)).mtimeMs;
const release = (name: string) => writeFile(path.join(marks, `release-${name}`), '');
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const client = () => new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });

async function taskState(id: string): Promise<string> {
  return (await client().taskDetail(id)).task.state;
}

async function waitPassed(...ids: string[]): Promise<void> {
  for (const id of ids) {
    let state = '';
    await waitFor(
      `task ${id} to pass`,
      () => {
        void taskState(id).then((s) => (state = s));
        return state === 'Passed' || (['Failed', 'Cancelled'].includes(state) && state);
      },
      60_000,
    );
    expect(state).toBe('Passed');
  }
}

async function applyConfig(config: unknown): Promise<void> {
  const before = latestVersion(work)?.version ?? 0;
  await writeFile(path.join(work, 'coin_configuration.json'), JSON.stringify(config, null, 2));
  await waitFor('the configuration applied', () => (latestVersion(work)?.version ?? 0) > before);
}

/** The first "integration ID waits: ..." line the instance logged for a task. */
function waitLine(id: string): string | undefined {
  for (const line of coin.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = (JSON.parse(line) as { msg?: string }).msg;
    if (msg?.startsWith(`integration ${id} waits:`)) return msg;
  }
  return undefined;
}

beforeAll(async () => {
  root = await makeTempDir('queue-rules-');
  work = path.join(root.path, 'work');
  marks = path.join(root.path, 'marks');
  await mkdir(marks);
  coin = await startCoin(work, ['--max-agents', '4']);
});

afterAll(async () => {
  for (const name of ['a1', 'a2', 'b1', 'g1', 'g2', 'g3', 'x1', 'dep', 'y1', 'cp']) await release(name);
  expect(await coin.stop()).toBe(0);
  await root.remove();
});

describe('the queue obeys gerrit_monitor', () => {
  test('the same project/branch runs one at a time; another project/branch runs beside it', async () => {
    const a1 = await submit('demo/alpha', 'a1');
    const a2 = await submit('demo/alpha', 'a2');
    const b1 = await submit('demo/beta', 'b1');
    await waitFor('a1 and b1 to start', () => started('a1') && started('b1'), 30_000);
    await settle(1500);
    expect(started('a2')).toBe(false);
    expect(waitLine(a2)).toBe(
      `integration ${a2} waits: ${a1} of demo/alpha/dev is running and no parallel_project_rules entry matches "demo/alpha/dev": waits for it to finish`,
    );
    await release('a1');
    await waitFor('a2 to start after a1', () => started('a2'), 30_000);
    await Promise.all([release('a2'), release('b1')]);
    await waitPassed(a1, a2, b1);
  });

  test('a matching parallel rule runs them side by side, parallel_integration_delay apart', async () => {
    await applyConfig({
      gerrit_monitor: { parallel_project_rules: ['demo/gamma/.*'], parallel_integration_delay: 3 },
    });
    const g1 = await submit('demo/gamma', 'g1');
    const g2 = await submit('demo/gamma', 'g2');
    const g3 = await submit('demo/gamma', 'g3');
    await waitFor(
      'all three to start, none released',
      () => started('g1') && started('g2') && started('g3'),
      40_000,
    );
    expect(startTime('g2') - startTime('g1')).toBeGreaterThanOrEqual(2900);
    expect(startTime('g3') - startTime('g2')).toBeGreaterThanOrEqual(2900);
    expect(waitLine(g2)).toMatch(
      new RegExp(
        `^integration ${g2} waits: may run in parallel \\(parallel_project_rules: "demo/gamma/\\.\\*"\\) but parallel_integration_delay is 3 s after ${g1} started`,
      ),
    );
    await Promise.all(['g1', 'g2', 'g3'].map(release));
    await waitPassed(g1, g2, g3);
  });

  test('a dependency update runs alone: it waits for the running ones, and later ones wait for it', async () => {
    const x1 = await submit('demo/xray', 'x1');
    await waitFor('x1 to start', () => started('x1'), 30_000);
    await commitModule(root.path, 'demo/dep', {
      'coin/module_config.yaml': heldModule('dep'),
      'dependencies.yaml': 'dependencies: {}\n',
    });
    const bump = await commitModule(root.path, 'demo/dep', {
      'dependencies.yaml': 'dependencies: {}\n# bumped\n',
    });
    const dep = await integrate('demo/dep', bump);
    const detail = await client().taskDetail(dep);
    expect(detail.task.testedChanges).toEqual([
      expect.objectContaining({ kind: 'local-commit', sha: bump, onlyDependencies: true, files: 1 }),
    ]);
    const y1 = await submit('demo/yankee', 'y1');
    await settle(1500);
    expect([started('dep'), started('y1')]).toEqual([false, false]);
    expect(waitLine(dep)).toBe(
      `integration ${dep} waits: a dependency update runs alone (serialize_dependency_updates): waits for ${x1} to finish`,
    );
    expect(waitLine(y1)).toMatch(
      new RegExp(`^integration ${y1} waits: queued behind dependency update ${dep}`),
    );
    await release('x1');
    await waitFor('the dependency update to start', () => started('dep'), 30_000);
    await settle(1500);
    expect(started('y1')).toBe(false);
    await release('dep');
    await waitFor('y1 to start after the dependency update', () => started('y1'), 30_000);
    await release('y1');
    await waitPassed(x1, dep, y1);
  });

  test('a cherry-pick by the bot accumulates; submitting the same commit again (a restage by hand) starts it', async () => {
    const dir = path.join(root.path, 'demo/cherry');
    await commitModule(root.path, 'demo/cherry', { 'coin/module_config.yaml': heldModule('cp') });
    await writeFile(path.join(dir, 'fix.txt'), 'picked\n');
    const env = gitEnv({ GIT_COMMITTER_NAME: 'Bot', GIT_COMMITTER_EMAIL: 'cherrypick_bot@qt-project.org' });
    await runGit(dir, ['add', '-A'], env);
    const author = 'Qt Cherry-pick Bot <cherrypick_bot@qt-project.org>';
    await runGit(dir, ['commit', '-q', '-m', 'Cherry-pick a fix', '--author', author], env);
    const sha = await runGit(dir, ['rev-parse', 'HEAD']);
    const picked = await integrate('demo/cherry', sha);
    await settle(1500);
    expect(started('cp')).toBe(false);
    expect(waitLine(picked)).toMatch(
      new RegExp(
        `^integration ${picked} waits: cherry-picks by cherrypick_bot@qt-project.org accumulate for 6 h`,
      ),
    );
    const restaged = await integrate('demo/cherry', sha);
    await waitFor('the restaged integration to start', () => started('cp'), 30_000);
    await release('cp');
    await waitPassed(restaged);
    expect(await taskState(picked)).toBe('Initializing');
  });
});
