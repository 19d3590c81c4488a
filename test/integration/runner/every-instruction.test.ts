// The project's own every-instruction module (test/fixtures/modules) through the whole runner:
// real `coin run`, real git repositories, agents over HTTP and WebSocket.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const fixtures = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'modules');
let root: TempDir;
let coin: CoinProcess;
let work: string;

/** Copy a fixture module into ROOT/<project> as a git repository. */
async function checkout(project: string): Promise<void> {
  cpSync(path.join(fixtures, project), path.join(root.path, project), { recursive: true });
  await commitModule(root.path, project, {});
}

beforeAll(async () => {
  root = await makeTempDir('every-instruction-');
  work = path.join(root.path, 'work');
  await checkout('coin-admin/every-instruction');
  await checkout('coin-admin/helper-sources');
  coin = await startCoin(work, ['--platform-configs', path.join(fixtures, 'platform_configs')]);
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

test('every instruction type runs through the runner, and the flaky test is recorded as flaky', async () => {
  const result = await runCoin(
    [
      'integrate',
      path.join(root.path, 'coin-admin/every-instruction'),
      '--ref',
      'main',
      '--working-dir',
      work,
      '--config',
      'local-linux',
      '--wait',
      '--json',
    ],
    { timeoutMs: 120_000 },
  );
  const task = JSON.parse(result.stdout) as {
    id: string;
    state: string;
    reason: string;
    workItems: { id: string; kind: string; state: string }[];
  };
  expect(task.state, task.reason).toBe('Passed');
  const testItem = task.workItems.find((w) => w.kind === 'test')!;
  const tests = await connectWorkingDir(work).tests(testItem.id);
  expect(tests.some((t) => t.outcome === 'flaky')).toBe(true);
  const log = await runCoin(['task', task.id, '--working-dir', work, '--log', testItem.id]);
  expect(log.stdout).toContain('installed the sources of coin-admin/helper-sources');
});
