// The coin-process helper's stop: an instance that ignores SIGTERM is killed after the time given
// and the stop fails with its output, instead of hanging the test until its own time-out.
import { expect, test } from 'vitest';
import { startCoin } from '../../helpers/coin-process';

// Stands in for a `coin run` whose shutdown hangs: prints the ready line, then ignores SIGTERM.
const stubborn = `
process.on('SIGTERM', () => console.log('{"msg":"stopping, but never done"}'));
console.log(JSON.stringify({ msg: 'listening', port: 1, workingDir: process.argv[1] }));
setInterval(() => undefined, 1000);
`;

test('a stop that hangs is killed after its time and fails with the last output', async () => {
  const coin = await startCoin('/nowhere', [], {
    command: [process.execPath, '-e', stubborn],
    env: { PATH: process.env.PATH ?? '' },
  });
  const started = Date.now();
  await expect(coin.stop(300)).rejects.toThrow(/did not exit within 0.3 s of SIGTERM[\s\S]*never done/);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(coin.exitStatus()).toBe('signal SIGKILL');
});

test('a stop that ends in time resolves to the exit code', async () => {
  const coin = await startCoin('/nowhere', [], {
    command: [
      process.execPath,
      '-e',
      stubborn.replace('console.log(\'{"msg":"stopping, but never done"}\')', 'process.exit(0)'),
    ],
    env: { PATH: process.env.PATH ?? '' },
  });
  expect(await coin.stop(5000)).toBe(0);
});
