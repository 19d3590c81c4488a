// A checkout's local agents run one JavaScript file esbuild made from the checkout at the start of
// `coin run` (runner/node/hypervisors/checkout-agent.ts), not the TypeScript through tsx: the file
// is a working agent (it runs an integration), it is what the agent processes run, and a layout
// that is not a checkout builds nothing.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildCheckoutAgent, checkoutAgentCommand } from '../../../runner/node/hypervisors/checkout-agent';
import { layoutFor, runnerLayout } from '../../../runner/node/runner-layout';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;

beforeAll(async () => {
  root = await makeTempDir('checkout-agent-');
});

afterAll(async () => {
  await root.remove();
});

test('a built agent file is there for the checkout; a bundle layout builds none', async () => {
  const built = await buildCheckoutAgent();
  expect(built.file).toBe(path.join(runnerLayout.checkoutRoot!, 'build', 'out', 'dev-agent', 'agent.cjs'));
  expect(statSync(built.file!).size).toBeGreaterThan(100_000);
  expect(await buildCheckoutAgent(layoutFor('bundle', path.join(root.path, 'out', 'runner')))).toEqual({
    file: undefined,
    why: 'not a checkout',
  });
});

test('the agent command is the built file, or the fallback with the reason told', async () => {
  const warnings: string[] = [];
  const fallback = [process.execPath, 'agent.mjs'];
  expect(await checkoutAgentCommand(fallback, (why) => warnings.push(why))).toEqual([
    process.execPath,
    path.join(runnerLayout.checkoutRoot!, 'build', 'out', 'dev-agent', 'agent.cjs'),
  ]);
  expect(warnings).toEqual([]);
  const bundle = layoutFor('bundle', path.join(root.path, 'out', 'runner'));
  expect(await checkoutAgentCommand(fallback, (why) => warnings.push(why), bundle)).toBe(fallback);
  expect(warnings).toEqual(['not a checkout']);
});

test('coin run from the checkout runs its integrations in agents of the built file', async () => {
  const repo = path.join(root.path, 'demo/agent');
  await commitModule(root.path, 'demo/agent', {
    'coin/module_config.yaml': [
      'version: 2',
      'instructions:',
      '  Build:',
      '    - type: ExecuteCommand',
      '      command: "sh -c \'echo built by $PPID\'"',
      '  Test:',
      '    - type: ExecuteCommand',
      '      command: "true"',
      '',
    ].join('\n'),
  });
  const work = path.join(root.path, 'work');
  const coin: CoinProcess = await startCoin(work, ['--agent-idle-seconds', '120']);
  try {
    const result = await runCoin(
      ['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json'],
      {
        timeoutMs: 90_000,
      },
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'Passed' });
    // Every agent that said hello runs the built file.
    const pids = [...coin.output().matchAll(/"agentId":"[^"]+","pid":(\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv[1]).toBe(path.join(runnerLayout.checkoutRoot!, 'build', 'out', 'dev-agent', 'agent.cjs'));
    }
  } finally {
    await coin.stop();
  }
});
