// The dashboard behind the real reverse proxies administrators use (Debian's nginx and Apache),
// each started on a loopback port with the configuration docs/reverse-proxy.md gives: a real
// `coin run` behind it, Chromium opening the public name (mapped to 127.0.0.1), the live event
// stream at /coin/websocket, /coin/doc, the API with and without its token, and the maintenance
// page answering through the proxy while the instance is stopped.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../runner/client/instance-client';
import { instancePaths } from '../../runner/core/instance-api';
import { inWorkingDir } from '../../runner/core/working-dir-layout';
import { readMaintenanceRecord } from '../../runner/node/maintenance/maintenance-record';
import { chromiumArgs, chromiumPath, screenshotDir } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import {
  proxyBinaries,
  startReverseProxy,
  type ProxyKind,
  type ReverseProxy,
} from '../helpers/reverse-proxy';
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../integration/runner/demo-modules';

/** The public name of the proxy; Chromium resolves it to 127.0.0.1 (nothing leaves loopback). */
const publicName = 'ci.example.test';
const coinBin = path.resolve(import.meta.dirname, '..', '..', 'runner', 'cli', 'coin.mjs');

const installed = (kind: ProxyKind) => existsSync(proxyBinaries[kind]);
for (const kind of ['nginx', 'apache'] as const)
  if (!installed(kind))
    process.stderr.write(
      `reverse-proxy tests for ${kind} skipped: ${proxyBinaries[kind]} is missing (apt-get install ${kind === 'apache' ? 'apache2' : 'nginx'}; .ci/install-system-deps does)\n`,
    );

const adminToken = (work: string) => readFileSync(inWorkingDir(work, 'adminToken'), 'utf8').trim();

describe.each(['nginx', 'apache'] as const)('behind %s', (kind) => {
  let root: TempDir;
  let work: string;
  let coin: CoinProcess | undefined;
  let proxy: ReverseProxy;
  let browser: Browser;
  let publicUrl: string;
  let coinPort: number;

  beforeAll(async () => {
    if (!installed(kind)) return;
    root = await makeTempDir(`proxy-${kind}-`);
    work = path.join(root.path, 'work');
    await commitModule(root.path, 'demo/proxied', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    coin = await startCoin(work, ['--allowed-host', publicName]);
    coinPort = coin.port;
    proxy = await startReverseProxy(kind, path.join(root.path, kind), coinPort);
    publicUrl = `http://${publicName}:${proxy.port}/coin/`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumArgs, `--host-resolver-rules=MAP ${publicName} 127.0.0.1`],
      headless: true,
    });
  }, 60_000);

  afterAll(async () => {
    if (!installed(kind)) return;
    await browser?.close();
    await proxy?.stop();
    await coin?.stop();
    if (readMaintenanceRecord(work)) await runCoin(['maintenance', '--working-dir', work, '--stop']);
    await root?.remove();
  });

  test.skipIf(!installed(kind))(
    'the dashboard, its docs, the API with its token and the live event stream work through it',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.goto(`${publicUrl}#/integrations`);
      const status = page.getByTestId('status-bar');
      await expect
        .poll(() => status.textContent(), { timeout: 20_000 })
        .toContain(`Live · Coin instance at ${publicName}:${proxy.port}`);

      // Through the proxy (its loopback address, as a script on the proxy's machine would).
      const through = `http://127.0.0.1:${proxy.port}/coin/`;
      const anonymous = await fetch(new URL(instancePaths.adminAction('gc'), through), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"dryRun":true}',
      });
      expect(anonymous.status).toBe(403);
      expect(await anonymous.text()).toContain('x-coin-admin-token');
      const client = new InstanceClient({ root: through, adminToken: adminToken(work) });
      expect((await client.gc({ dryRun: true })).dryRun).toBe(true);
      const submitted = await client.submitIntegration({
        repo: path.join(root.path, 'demo/proxied'),
        ref: 'main',
      });
      // The new task reaches the open page over the proxied WebSocket, without a reload.
      const row = page.locator(`[data-task-id="${submitted.id}"]`);
      await row.waitFor({ timeout: 30_000 });
      await expect
        .poll(() => row.locator('[data-state]').getAttribute('data-state'), { timeout: 60_000 })
        .toBe('Passed');
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, `reverse-proxy-${kind}.png`) });

      await page.goto(`${publicUrl}doc/`);
      await page.locator('h1').first().waitFor();
      await page.close();
    },
    90_000,
  );

  test.skipIf(!installed(kind))(
    'the maintenance page answers through it while the instance is stopped',
    async () => {
      await coin!.stop();
      coin = undefined;
      const maintenance = spawn(
        process.execPath,
        [
          coinBin,
          'maintenance',
          '--working-dir',
          work,
          '--port',
          String(coinPort),
          '--message',
          'Updating Coin behind the proxy',
        ],
        { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: 'ignore' },
      );
      const exited = new Promise((resolve) => maintenance.once('exit', resolve));
      // The proxy's own 502/503 while nothing listens is not the page: wait for the page itself.
      const viaProxy = () => fetch(`http://127.0.0.1:${proxy.port}/coin/`);
      await expect
        .poll(async () => (await viaProxy()).headers.get('retry-after'), { timeout: 15_000 })
        .toBe('60');
      const answer = await viaProxy();
      expect(answer.status).toBe(503);
      expect(await answer.text()).toContain('Updating Coin behind the proxy');

      const page = await browser.newPage();
      await page.goto(publicUrl);
      await page.getByText('Updating Coin behind the proxy').first().waitFor();
      await page.close();
      await runCoin(['maintenance', '--working-dir', work, '--stop']);
      await exited;
    },
    60_000,
  );
});
