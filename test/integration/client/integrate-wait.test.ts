// `coin integrate --wait` follows the instance's event stream: when the instance stops while the
// task runs, the wait ends at once with exit code 1 and one line saying so, instead of hanging on
// a stream that will never speak again.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let work: string;

beforeAll(async () => {
  root = await makeTempDir('integrate-wait-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/slow', {
    'coin/module_config.yaml': `version: 2
instructions:
  Build:
    - type: ExecuteCommand
      command: "sleep 10"
      userMessageOnFailure: "the sleep failed"
  Test: []
`,
  });
});

afterAll(async () => {
  await root.remove();
});

test.each([
  ['with progress', []],
  // a quiet wait reads nothing until the end is announced: the dropped stream must still end it
  ['quiet (--json)', ['--json']],
])('an instance that stops during the wait ends it with exit 1 and one line, %s', async (_how, extra) => {
  const coin: CoinProcess = await startCoin(work);
  let stopped = false;
  try {
    const repo = path.join(root.path, 'demo/slow');
    const waiting = runCoin(['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', ...extra], {
      timeoutMs: 60_000,
    });
    const client = connectWorkingDir(work);
    const running = async () => (await client.tasks({ state: 'Running' })).total;
    await expect.poll(running, { timeout: 30_000, interval: 200 }).toBe(1);
    await coin.stop();
    stopped = true;
    const stoppedAt = Date.now();
    const result = await waiting;
    const after = Date.now() - stoppedAt;
    process.stderr.write(`the wait ended ${after} ms after the instance had stopped\n`);
    expect(result.code).toBe(1);
    // which of the two the client says depends on whether the stopped instance's record of its
    // address was still there when the wait read the task again
    expect([
      `coin: the Coin instance of ${work} (pid ${coin.pid}, port ${coin.port}) does not answer`,
      `coin: no Coin instance is running in ${work} (start one with: coin run --working-dir ${work})`,
    ]).toContain(result.stderr.trim().split('\n').at(-1));
    expect(after).toBeLessThan(15_000);
  } finally {
    if (!stopped) await coin.stop();
  }
});
