// `coin run --ready-agents N` as a user starts it: N agents connect before any work is submitted,
// the first work item runs on one of them (no agent is started for it), and they stay after the
// idle timeout while one started beyond them does not.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { integrateWait } from '../../helpers/run-coin';
import { until } from '../../helpers/until';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';

let temp: TempDir;

beforeAll(async () => {
  temp = await makeTempDir('ready-agents-');
  await commitModule(temp.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
});
afterAll(async () => {
  await temp.remove();
});

test('ready agents wait before any work, run the first work items and outlive the idle timeout', async () => {
  const work = path.join(temp.path, 'work');
  const coin: CoinProcess = await startCoin(work, [
    '--ready-agents',
    '1',
    '--max-agents',
    '2',
    '--agent-idle-seconds',
    '1',
  ]);
  try {
    const client = connectWorkingDir(work);
    const ready = await until(
      async () => {
        const agents = await client.agents();
        return agents.length === 1 && agents[0]!.state === 'waiting' ? agents[0]! : undefined;
      },
      'a ready agent',
      coin.output,
    );
    expect((await client.tasks({ max: 5 })).tasks).toEqual([]);

    const { task } = await integrateWait(path.join(temp.path, 'demo/tool'), work);
    expect(task.state).toBe('Passed');
    const detail = await client.taskDetail(task.id);
    // the first work item ran on the ready agent: none was started for it
    const first = [...detail.workItems].sort((a, b) => a.started!.localeCompare(b.started!))[0]!;
    expect(first.agentId).toBe(ready.id);

    // after the idle timeout (1 s) the ready agent is still there and waiting; any other has gone
    await new Promise((r) => setTimeout(r, 2500));
    const after = await client.agents();
    expect(after.find((a) => a.id === ready.id)?.state).toBe('waiting');
    expect(after.filter((a) => a.state !== 'stopped').map((a) => a.id)).toEqual([ready.id]);
  } finally {
    await coin.stop();
  }
});
