// A dependency that installs straight into {{.InstallDir}} and uploads that directory: its files
// must be in the consumer's {{.InstallDir}} whether its build ran in the same integration, is
// reused from an earlier one, or is reused after the runner restarted.
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import {
  dependsOn,
  libraryModuleConfig,
  librarySources,
  programModuleConfig,
  programSource,
} from './demo-modules';

let root: TempDir;
let work: string;
let coin: CoinProcess | undefined;

beforeEach(async () => {
  root = await makeTempDir('dependency-install-');
  work = path.join(root.path, 'work');
});
afterEach(async () => {
  if (coin) expect(await coin.stop()).toBe(0);
  coin = undefined;
  await root.remove();
});

interface TaskJson {
  state: string;
  reason: string | null;
  workItems: { kind: string; state: string; reused: boolean; failure: { reason: string } | null }[];
}

async function integrate(project: string): Promise<TaskJson> {
  const args = ['integrate', path.join(root.path, project), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, '--wait', '--json'], { timeoutMs: 90_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as TaskJson;
}

/** [kind, state, reused] of each work item, with the failure when there is one. */
function items(task: TaskJson): unknown[] {
  return task.workItems.map((w) => [w.kind, w.state, w.reused, w.failure?.reason ?? null]);
}

test('the library is in {{.InstallDir}} when built alongside, reused later, and reused after a restart', async () => {
  const librarySha = await commitModule(root.path, 'demo/answer', {
    'coin/module_config.yaml': libraryModuleConfig(),
    ...librarySources,
  });
  const program = (variant: number) =>
    commitModule(root.path, 'demo/program', {
      'coin/module_config.yaml': programModuleConfig(),
      'dependencies.yaml': dependsOn('answer', librarySha),
      'program.c': programSource(variant),
    });
  coin = await startCoin(work);

  await program(1);
  const together = await integrate('demo/program');
  expect(items(together)).toEqual([
    ['build', 'Done', false, null],
    ['build', 'Done', false, null],
    ['test', 'Done', false, null],
  ]);

  await program(2);
  const reused = await integrate('demo/program');
  expect(items(reused)).toEqual([
    ['build', 'Done', true, null],
    ['build', 'Done', false, null],
    ['test', 'Done', false, null],
  ]);

  expect(await coin.stop()).toBe(0);
  coin = await startCoin(work);
  await program(3);
  const afterRestart = await integrate('demo/program');
  expect(items(afterRestart)).toEqual([
    ['build', 'Done', true, null],
    ['build', 'Done', false, null],
    ['test', 'Done', false, null],
  ]);
});
