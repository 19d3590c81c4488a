// The app's Integrations, Agents and Maintenance areas in real Chromium through the browser host:
// an instance's dashboard pages inside the window, read through DeskApi (the host's process talks
// to the instance), against a real `coin run` doing real integrations. A live task list, a task, a
// followed log whose lines arrive through the relayed event stream, agents and storage; and an
// instance restart on another port, which the window rides out.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../electron/services/instances/instance-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../electron/services/local-runner/local-hosting-services';
import { withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { chattyModuleConfig, toolSource } from '../integration/dashboard/dashboard-fixtures';

const screenshots = path.resolve(import.meta.dirname, 'screenshots');

let temp: TempDir;
let work: string;
let instances: InstanceServices;
let hosting: LocalHostingServices;
let host: BrowserHost;
let services: DeskServices;
let coin: CoinProcess | undefined;

beforeEach(async () => {
  temp = await makeTempDir('e2e-in-window-');
  work = path.join(temp.path, 'work');
  const dataDir = path.join(temp.path, 'app-data');
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
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  await host.close();
  await services.close();
  await temp.remove();
});

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).first().textContent()) ?? '';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

test('the Integrations area shows a live task, its page and its followed log; Agents and Maintenance too', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await commitModule(temp.path, 'demo/chatty', {
      'coin/module_config.yaml': chattyModuleConfig(60, 60),
      'tool.c': toolSource,
    });
    coin = await startCoin(work);
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Integrations' }).click();
    const area = page.getByTestId('area-integrations');
    await area.waitFor();
    expect(await area.getByLabel('Instance').inputValue()).toBe(`local-runner:${work}`);
    await expect.poll(text(page, 'dashboard-live'), { timeout: 20_000 }).toMatch(/^Live · /);
    expect(await text(page, 'dashboard-live')()).toContain(`local runner on port ${coin.port}`);
    await expect.poll(text(page, 'task-count')).toMatch(/^0 task/);

    const submitted = await runCoin(
      ['integrate', path.join(temp.path, 'demo/chatty'), '--ref', 'main', '--working-dir', work, '--json'],
      { timeoutMs: 60_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const taskId = (JSON.parse(submitted.stdout) as { id: string }).id;
    const row = page.locator(`[data-task-id="${taskId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => row.locator('[data-state]').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('Running');
    await shot(page, 'in-window-integrations');

    await row.getByRole('link', { name: 'demo/chatty' }).click();
    expect(new URL(page.url()).hash).toBe(`#/tasks/${taskId}`);
    expect(
      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .getAttribute('aria-current'),
    ).toBe('page');
    await expect.poll(() => page.getByTestId('work-item').count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(text(page, 'page-task'), { timeout: 20_000 }).toContain('Follow the log');
    await page.getByRole('link', { name: 'Follow the log' }).click();
    await page.getByTestId('page-log').waitFor();
    const lines = async () => Number(((await text(page, 'log-line-count')()) || '0').replace(/\D/g, ''));
    await expect.poll(lines, { timeout: 20_000 }).toBeGreaterThan(5);
    const early = await lines();
    await expect.poll(lines, { timeout: 30_000 }).toBeGreaterThan(early + 20);
    await shot(page, 'in-window-log');

    await page.goBack();
    await page.goBack();
    await expect
      .poll(async () => row.locator('[data-state]').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('Passed');

    // Gerrit's side of the instance is a page of the Integrations area (this one does not watch Gerrit).
    await page
      .getByRole('navigation', { name: 'Integrations' })
      .getByRole('link', { name: 'Gerrit' })
      .click();
    expect(new URL(page.url()).hash).toBe('#/gerrit');
    await expect
      .poll(text(page, 'gerrit-disabled'))
      .toMatch(/^This instance does not watch Gerrit: start it with coin run --gerrit/);
    expect(
      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .getAttribute('aria-current'),
    ).toBe('page');
    await page.getByRole('navigation', { name: 'Integrations' }).getByRole('link', { name: 'Tasks' }).click();
    await row.waitFor();

    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByTestId('page-agents').waitFor();
    await expect.poll(text(page, 'agent-counts')).toMatch(/\d/);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Maintenance' }).click();
    await page.getByTestId('page-storage').waitFor();
    await page.getByTestId('disk').waitFor();
    await shot(page, 'in-window-storage');
  }));

test('an instance that restarts on another port: the window says it lost it, then catches up', ({ task }) =>
  withPage(task.name, async (page) => {
    await commitModule(temp.path, 'demo/chatty', {
      'coin/module_config.yaml': chattyModuleConfig(2, 0),
      'tool.c': toolSource,
    });
    coin = await startCoin(work);
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Integrations' }).click();
    await expect.poll(text(page, 'dashboard-live'), { timeout: 20_000 }).toMatch(/^Live · /);
    await coin.stop();
    await expect.poll(text(page, 'dashboard-live'), { timeout: 20_000 }).toMatch(/lost: reconnecting/);

    coin = await startCoin(work);
    const submitted = await runCoin(
      [
        'integrate',
        path.join(temp.path, 'demo/chatty'),
        '--ref',
        'main',
        '--working-dir',
        work,
        '--json',
        '--wait',
      ],
      { timeoutMs: 90_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const taskId = (JSON.parse(submitted.stdout) as { id: string }).id;
    await expect.poll(text(page, 'dashboard-live'), { timeout: 20_000 }).toMatch(/^Live · /);
    const row = page.locator(`[data-task-id="${taskId}"]`);
    await expect
      .poll(async () => row.locator('[data-state]').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('Passed');
  }));

test('a runner that is not running is said so, with the way to the Instances area', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Agents' }).click();
    await expect
      .poll(text(page, 'dashboard-unavailable'))
      .toContain(`${work} is not running (local runner, stopped)`);
    await page.getByTestId('dashboard-unavailable').getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('region', { name: 'Local runner' }).waitFor();
  }));

test("the Local runner card's Integrations link opens that runner's tasks in the window", ({ task }) =>
  withPage(task.name, async (page) => {
    const started = await hosting.api.localRunnerStart({ workingDir: work });
    expect(started.phase).toBe('running');
    await page.goto(host.url);
    const panel = page.getByRole('region', { name: 'Local runner' });
    await expect.poll(text(page, 'local-runner-state'), { timeout: 30_000 }).toMatch(/^running on port/);
    await panel.getByRole('link', { name: 'Integrations' }).click();
    const area = page.getByTestId('area-integrations');
    await area.waitFor();
    expect(await area.getByLabel('Instance').inputValue()).toBe(`local-runner:${work}`);
    await expect.poll(text(page, 'dashboard-live'), { timeout: 20_000 }).toMatch(/^Live · /);
    expect(await text(page, 'dashboard-live')()).toContain(`local runner on port ${started.port}`);
    await hosting.api.localRunnerStop({ workingDir: work });
  }));
