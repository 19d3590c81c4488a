// The maintenance page, as the guide's update procedure uses it: `coin maintenance` serves it
// (503 with Retry-After on the API) while the instance is stopped, `coin run` stops it when it
// starts, and the instance leaves it running again when it is stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instancePaths, instanceRootUrl } from '../../../runner/core/instance-api';
import { readMaintenanceRecord } from '../../../runner/node/maintenance/maintenance-record';
import { startCoin } from '../../helpers/coin-process';
import { freeLoopbackPort } from '../../helpers/free-port';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { ensureWebBuild } from './dashboard-fixtures';

const coinBin = path.resolve(import.meta.dirname, '..', '..', '..', 'runner', 'cli', 'coin.mjs');

let root: TempDir;
let work: string;
let port: number;

beforeEach(async () => {
  await ensureWebBuild();
  root = await makeTempDir('maintenance-');
  work = path.join(root.path, 'work');
  port = await freeLoopbackPort();
});

afterEach(async () => {
  // A detached maintenance server is no child of ours: stop it by its record whatever happened.
  const left = readMaintenanceRecord(work);
  if (left) await runCoin(['maintenance', '--working-dir', work, '--stop']);
  await root.remove();
});

const page = () =>
  fetch(`http://127.0.0.1:${port}/coin/`).then(
    (r) => r.status,
    () => 0,
  );

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

function startMaintenance(): ChildProcess {
  return spawn(
    process.execPath,
    [
      coinBin,
      'maintenance',
      '--working-dir',
      work,
      '--port',
      String(port),
      '--message',
      'Updating Coin to 2.0',
    ],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: 'ignore',
    },
  );
}

test('the page is up while the instance is stopped, gone when coin run starts, back when it stops', async () => {
  const maintenance = startMaintenance();
  const exited = new Promise((resolve) => maintenance.once('exit', resolve));
  const startup = await waitFor(async () => (await page()) === 503, 10_000);
  process.stderr.write(`coin maintenance served its page ${startup.toFixed(0)} ms after it was started\n`);
  const html = await fetch(`http://127.0.0.1:${port}/coin/`);
  expect(html.headers.get('retry-after')).toBe('60');
  expect(await html.text()).toContain('Updating Coin to 2.0');
  const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) });
  const api = await fetch(client.url(instancePaths.tasks()));
  expect(api.status).toBe(503);
  expect(api.headers.get('retry-after')).toBe('60');
  expect(await api.json()).toMatchObject({ maintenance: true });
  // What a client of the API says of it.
  await expect(client.tasks()).rejects.toThrow(
    'the instance is under maintenance: Coin is under maintenance: Updating Coin to 2.0',
  );
  expect(readMaintenanceRecord(work)?.pid).toBe(maintenance.pid);

  const coin = await startCoin(work, ['--port', String(port)]);
  await exited;
  expect(await page()).toBe(200);
  expect(readMaintenanceRecord(work)).toBeUndefined();
  expect(coin.output()).toContain(`stopped the maintenance server (pid ${maintenance.pid})`);

  await coin.stop();
  const back = await waitFor(async () => (await page()) === 503, 1000);
  process.stderr.write(`the maintenance page was back ${back.toFixed(0)} ms after the instance exited\n`);
  const record = readMaintenanceRecord(work)!;
  expect(record).toMatchObject({ port, message: 'Updating Coin to 2.0' });
  const stop = await runCoin(['maintenance', '--working-dir', work, '--stop']);
  expect(stop.stdout).toContain(`stopped the maintenance server (pid ${record.pid})`);
  expect(await page()).toBe(0);
});

test('coin maintenance refuses to start while the instance runs, and --stop says when none runs', async () => {
  const coin = await startCoin(work, ['--port', String(port)]);
  try {
    const refused = await runCoin(['maintenance', '--working-dir', work, '--port', String(port)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^coin: a Coin instance \(pid \d+\) is running in .*: stop it first/);
  } finally {
    await coin.stop();
  }
  expect(await page()).toBe(0);
  const none = await runCoin(['maintenance', '--working-dir', work, '--stop']);
  expect(none.code).toBe(1);
  expect(none.stderr).toBe(`coin: no maintenance server runs for ${work}\n`);
});
