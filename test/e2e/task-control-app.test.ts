// Integration control from the desktop app's Integrations area, in real Chromium through the
// browser host, against a real `coin run`: Re-run on a finished integration's page (a confirmation
// without any token: the app's process reads the runner's admin token) opens the new linked task,
// which runs; Cancel on it stops it; the area's Audit page shows both with the origin 'app' and
// the user's name. Screenshots go to test/artifacts/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { localUserName } from '../../electron/services/dashboard-bridge/control-access';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../electron/services/instances/instance-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../electron/services/local-runner/local-hosting-services';
import { screenshotDir, withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { processesOf } from '../integration/control/control-fixtures';

let root: TempDir;
let work: string;
let instances: InstanceServices;
let hosting: LocalHostingServices;
let services: DeskServices;
let host: BrowserHost;
let coin: CoinProcess;

// The build sleeps a while when asked to (a re-run reuses the build: the test sleeps instead).
const moduleConfig = `version: 2
accept_configuration:
  condition: property
  property: features
  not_contains_value: Disable
instructions:
  Build:
    - type: ExecuteCommand
      command: "echo built"
  Test:
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/pause.sh"
`;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  root = await makeTempDir('task-control-app-e2e-');
  work = path.join(root.path, 'work');
  const pauseFlag = path.join(root.path, 'pause');
  await commitModule(root.path, 'demo/pause', {
    'coin/module_config.yaml': moduleConfig,
    'pause.sh': `if [ -e ${pauseFlag} ]; then sleep 3067; fi\necho tested\n`,
  });
  coin = await startCoin(work);
  const dataDir = path.join(root.path, 'app-data');
  instances = createInstanceServices({ dataDir });
  hosting = createLocalHostingServices({ dataDir, defaultWorkingDir: work });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work,
    instances,
    localHosting: hosting,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
});

afterAll(async () => {
  await host?.close();
  await services?.close();
  await coin?.stop();
  await root.remove();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
const badge = (page: Page) =>
  page.getByTestId('task-summary').locator('[data-state]').first().getAttribute('data-state');
const taskOfUrl = (page: Page) => decodeURIComponent(new URL(page.url()).hash.replace(/^#\/tasks\//, ''));

test(
  "re-run a finished integration from the app's Integrations area, cancel the new one, see both in its Audit page",
  async ({ task }) =>
    withPage(task.name, async (page) => {
      const args = ['integrate', path.join(root.path, 'demo/pause'), '--ref', 'main', '--working-dir', work];
      const done = await runCoin([...args, '--json', '--wait'], { timeoutMs: 180_000 });
      expect(done.code, done.stderr).toBe(0);
      const first = (JSON.parse(done.stdout) as { id: string }).id;

      await page.goto(host.url);
      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      const row = page.locator(`[data-task-id="${first}"]`);
      await row.waitFor({ timeout: 30_000 });
      await row.getByRole('link', { name: 'demo/pause' }).click();
      await expect.poll(() => badge(page), { timeout: 30_000 }).toBe('Passed');

      // The next run of the test step pauses, so the re-run is still running when it is cancelled.
      mkdirSync(path.join(root.path, 'pause'));
      const controls = page.getByTestId('task-controls');
      await controls.getByRole('button', { name: 'Re-run' }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      expect(await dialog.getByLabel(/Admin token/).count()).toBe(0);
      await shot(page, 'app-task-control-rerun-confirm');
      await dialog.getByRole('button', { name: 'Re-run' }).click();
      await expect.poll(() => taskOfUrl(page), { timeout: 30_000 }).not.toBe(first);
      const rerun = taskOfUrl(page);
      expect(rerun).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => badge(page), { timeout: 120_000 }).toBe('Running');
      await expect.poll(() => processesOf('sleep 3067').length, { timeout: 120_000 }).toBe(1);
      await shot(page, 'app-task-control-rerun');

      await controls.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.getByLabel('Reason').fill('paused on purpose');
      await dialog.getByRole('button', { name: 'Cancel integration' }).click();
      await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('Cancelled');
      expect(processesOf('sleep 3067')).toEqual([]);

      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      await page
        .getByRole('navigation', { name: 'Integrations' })
        .getByRole('link', { name: 'Audit' })
        .click();
      const rows = page.getByTestId('audit-table').locator('tbody tr');
      await expect
        .poll(() => rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-action'))), {
          timeout: 30_000,
        })
        .toEqual(['cancel', 'rerun']);
      const cells = await rows.evaluateAll((all) =>
        all.map((r) => Array.from(r.querySelectorAll('td'), (c) => c.textContent).slice(1, 3)),
      );
      expect(cells).toEqual([
        [localUserName(), 'app'],
        [localUserName(), 'app'],
      ]);
      expect(await rows.nth(1).textContent()).toContain(rerun);
      await shot(page, 'app-audit');
    }),
  300_000,
);
