// `coin run --cancel-grace-seconds`: the time a cancelled command gets between SIGTERM and SIGKILL,
// against a real `coin run`. With ten minutes (the most), commands that ignore SIGTERM outlive the cancel's own
// 30 s wait (with the 10 s default they would be killed within it): the task ends once they are
// gone. A value that is not a whole number of seconds is a usage error.
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { processesOf, slowModule } from './control-fixtures';

let root: TempDir;
let coin: CoinProcess | undefined;
beforeEach(async () => {
  root = await makeTempDir('cancel-grace-');
});
afterEach(async () => {
  for (const pid of processesOf('sleep 3029')) process.kill(pid, 'SIGKILL');
  await coin?.stop();
  coin = undefined;
  await root.remove();
});

async function coinJson<T>(work: string, args: string[]): Promise<T> {
  const result = await runCoin([...args, '--working-dir', work, '--json'], { timeoutMs: 90_000 });
  if (result.code !== 0) throw new Error(`coin ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

test('a long grace period keeps commands that ignore SIGTERM past the cancel; the task ends when they go', async () => {
  const work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/stubborn', slowModule(3029, true));
  coin = await startCoin(work, ['--max-agents', '1', '--cancel-grace-seconds', '600']);
  const { id } = await coinJson<{ id: string }>(work, [
    'integrate',
    path.join(root.path, 'demo/stubborn'),
    '--ref',
    'main',
  ]);
  await expect.poll(() => processesOf('sleep 3029').length, { timeout: 120_000, interval: 250 }).toBe(2);
  // The instance answers a cancel after at most 30 s with the state the task has then.
  const answer = await coinJson<{ state: string }>(work, ['cancel', id]);
  expect(answer.state).toBe('Running');
  expect(processesOf('sleep 3029')).toHaveLength(2);

  for (const pid of processesOf('sleep 3029')) process.kill(pid, 'SIGKILL');
  await expect
    .poll(async () => (await coinJson<{ state: string }>(work, ['task', id])).state, { timeout: 60_000 })
    .toBe('Cancelled');
}, 240_000);

test('--cancel-grace-seconds takes a whole number of seconds', async () => {
  const result = await runCoin(
    ['run', '--working-dir', path.join(root.path, 'w'), '--port', '0', '--cancel-grace-seconds', '1.5'],
    { timeoutMs: 60_000 },
  );
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("--cancel-grace-seconds must be an integer >= 0, got '1.5'");
  const tooLong = await runCoin(
    ['run', '--working-dir', path.join(root.path, 'w'), '--port', '0', '--cancel-grace-seconds', '601'],
    { timeoutMs: 60_000 },
  );
  expect(tooLong.code).toBe(2);
  expect(tooLong.stderr).toContain("--cancel-grace-seconds must be at most 600, got '601'");
}, 90_000);
