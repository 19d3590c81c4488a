// The local runner in real Chromium through the browser host: start `coin run` for a directory as
// a child process, watch its output, integrate a small git module on it and see it pass, stop it;
// and a directory that another instance holds is named as that instance, with who started it.
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
import { screenshotDir, withPage } from '../helpers/chromium';
import { commitModule, startCoin } from '../helpers/coin-process';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../integration/runner/demo-modules';

let temp: TempDir;
let work: string;
let instances: InstanceServices;
let hosting: LocalHostingServices;
let host: BrowserHost;
let services: DeskServices;

beforeEach(async () => {
  temp = await makeTempDir('e2e-local-runner-');
  work = path.join(temp.path, 'runner-work');
  const dataDir = path.join(temp.path, 'app-data');
  instances = createInstanceServices({ dataDir });
  hosting = createLocalHostingServices({ dataDir, defaultWorkingDir: path.join(temp.path, 'default-work') });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: path.join(temp.path, 'default-work'),
    instances,
    localHosting: hosting,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
});
afterEach(async () => {
  await host.close();
  await services.close();
  await temp.remove();
});

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).textContent()) ?? '';

test('start a local runner, integrate a git module on it and see the task pass, stop the runner', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const sha = await commitModule(temp.path, 'demo/tool', {
      'coin/module_config.yaml': toolModuleConfig(),
      'tool.c': toolSource,
    });
    await page.goto(host.url);
    const panel = page.getByRole('region', { name: 'Local runner' });
    await expect.poll(text(page, 'local-runner-state')).toBe('stopped');
    await panel.getByLabel('Runner directory').fill(work);
    await panel.getByRole('button', { name: 'Start runner' }).click();
    await expect
      .poll(text(page, 'local-runner-state'), { timeout: 30_000 })
      .toMatch(/^running on port \d+ \(pid \d+\)/);
    await expect
      .poll(text(page, 'local-runner-output'), { timeout: 10_000 })
      .toContain(`coin admin: starting coin run in ${work}`);
    await expect
      .poll(text(page, 'local-runner-output'))
      .toMatch(/Coin is running at http:\/\/127\.0\.0\.1:\d+\/coin/);
    expect(await panel.getByRole('link', { name: 'Dashboard' }).getAttribute('href')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/coin\/$/,
    );

    const form = page.getByRole('form', { name: 'Run an integration' });
    await form.getByLabel('Git repository').fill(path.join(temp.path, 'demo/tool'));
    await form.getByLabel('Ref').fill('main');
    await form.getByRole('button', { name: 'Integrate' }).click();
    await expect.poll(text(page, 'integration-state'), { timeout: 90_000 }).toBe('Passed');
    expect(await page.getByTestId('integration-result').textContent()).toContain(
      `demo/tool main ${sha.slice(0, 12)}`,
    );
    const rows = form.locator('tr[data-work-item]');
    expect(await rows.allTextContents()).toEqual([
      expect.stringMatching(/^build.*Done/),
      expect.stringMatching(/^test.*Done/),
    ]);

    // A build that fails: its row says why, in the words `coin task` uses (runner/core/task-summary.ts).
    await commitModule(temp.path, 'demo/tool', { 'tool.c': 'int main(void) { return missing; }\n' });
    await form.getByRole('button', { name: 'Integrate' }).click();
    await expect.poll(text(page, 'integration-state'), { timeout: 90_000 }).toBe('Failed');
    expect(await rows.allTextContents()).toEqual([
      expect.stringMatching(/^build.*Failedbuild: Failed to compile the tool\./),
      expect.stringMatching(/^test.*Cancelled/),
    ]);
    await page
      .getByTestId('integration-result')
      .screenshot({ path: path.join(screenshotDir, 'local-runner-integration-failed.png') });

    // The browser host has no tray icon and no notifications: nothing to pin.
    expect(await panel.getByRole('button', { name: /tray/i }).count()).toBe(0);

    await panel.getByRole('button', { name: 'Stop runner' }).click();
    await expect.poll(text(page, 'local-runner-state'), { timeout: 30_000 }).toMatch(/^stopped since/);
    expect(await page.getByTestId('local-runner-problem').count()).toBe(0);
    expect(hosting.runners.status(work)).toMatchObject({
      phase: 'stopped',
      exit: { code: 0, requested: true },
    });
  }));

test('a directory another instance holds: the card names it and who started it, and offers no start', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const other = await startCoin(work);
    try {
      await page.goto(host.url);
      const panel = page.getByRole('region', { name: 'Local runner' });
      await panel.getByLabel('Runner directory').fill(work);
      await panel.getByLabel('Runner directory').press('Enter');
      await expect
        .poll(text(page, 'local-runner-other'))
        .toBe(
          `A Coin instance runs in this directory (pid ${other.pid}, port ${other.port}), started outside this app: stop it where it was started.`,
        );
      expect(await panel.getByRole('button', { name: 'Start runner' }).isDisabled()).toBe(true);
      expect(await panel.getByRole('button', { name: 'Stop runner' }).isDisabled()).toBe(true);
      expect(await panel.getByRole('link', { name: 'Dashboard' }).getAttribute('href')).toBe(
        `http://127.0.0.1:${other.port}/coin/`,
      );
      expect(await page.getByTestId('local-runner-problem').count()).toBe(0);
      await page.screenshot({ path: path.join(screenshotDir, 'local-runner-other-instance.png') });
    } finally {
      await other.stop();
    }
    await expect.poll(text(page, 'local-runner-state')).toBe('stopped');
    await expect.poll(() => page.getByTestId('local-runner-other').count()).toBe(0);
  }));
