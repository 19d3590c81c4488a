// One working directory in real Chromium: a local profile and the Local runner card point at the
// same directory, with a real `coin run` started from the card or a real `coin service` started
// from the profile. The profile panel, the card, the configuration editor and the Maintenance area
// name the same instance (the pid and port of the directory's lock) and who started it.
// Screenshots of each view go to test/artifacts/screenshots/one-directory-*.png.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import { createInstanceServices } from '../../electron/services/instances/instance-services';
import { createLocalHostingServices } from '../../electron/services/local-runner/local-hosting-services';
import { screenshotDir, withPage } from '../helpers/chromium';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { killDaemon } from '../integration/service/service-fixture';

let temp: TempDir;
let work: string;
let services: DeskServices;
let host: BrowserHost;

beforeEach(async () => {
  temp = await makeTempDir('e2e-one-directory-');
  work = path.join(temp.path, 'work');
  const dataDir = path.join(temp.path, 'app-data');
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work,
    instances: createInstanceServices({ dataDir, sshDir: path.join(temp.path, 'ssh') }),
    localHosting: createLocalHostingServices({ dataDir, defaultWorkingDir: work }),
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
  await services.profilesSave({
    profile: {
      kind: 'local',
      name: 'This laptop',
      coinDir: '',
      workingDir: work,
      instanceKind: 'local',
      serviceManager: 'coin-service',
      instancePort: 0,
    },
  });
});

afterEach(async () => {
  await host.close();
  await services.close();
  await killDaemon(work);
  await temp.remove();
});

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).first().textContent()) ?? '';

/** The whole scrolled area in one picture. */
async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.locator('.content').evaluate((el) => el.scrollHeight + 80);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  await page.setViewportSize(viewport);
}

async function openArea(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** Start the card's runner (its directory is the profile's) and read its port and pid. */
async function startFromCard(page: Page): Promise<{ port: number; pid: number }> {
  const card = page.getByRole('region', { name: 'Local runner' });
  await expect.poll(text(page, 'local-runner-state')).toBe('stopped');
  await card.getByRole('button', { name: 'Start runner' }).click();
  await expect
    .poll(text(page, 'local-runner-state'), { timeout: 60_000 })
    .toMatch(/^running on port \d+ \(pid \d+\)/);
  const [, port, pid] = /^running on port (\d+) \(pid (\d+)\)/.exec(
    await text(page, 'local-runner-state')(),
  )!;
  return { port: Number(port), pid: Number(pid) };
}

// Two real instances started and read through every view on a loaded machine: more than the default.
const slow = { timeout: 240_000 };

test(
  "the app's runner holds the directory: the profile, the card, the editor and Maintenance agree",
  slow,
  ({ task }) =>
    withPage(task.name, async (page) => {
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(host.url);
      const { port, pid } = await startFromCard(page);

      await page.getByRole('button', { name: /^This laptop/ }).click();
      const panel = page.getByRole('region', { name: 'Instance This laptop' });
      await expect.poll(text(page, 'instance-state'), { timeout: 30_000 }).toBe('running');
      expect(await text(page, 'instance-detail')()).toBe(
        `running on port ${port} (pid ${pid}), the app's local runner`,
      );
      expect(await text(page, 'service-state')()).toMatch(/^inactive/);
      expect(await text(page, 'service-not-it')()).toBe(
        'The instance above runs all the same: the service did not start it.',
      );
      expect(await text(page, 'held-elsewhere')()).toContain("held by the app's local runner");
      for (const verb of ['Start', 'Stop', 'Restart'])
        expect(await panel.getByRole('button', { name: verb, exact: true }).isDisabled()).toBe(true);
      await expect.poll(text(page, 'agent-counts')).toMatch(/^\d+ waiting · \d+ running$/);
      expect(await text(page, 'local-runner-state')()).toMatch(
        new RegExp(`^running on port ${port} \\(pid ${pid}\\)`),
      );
      await shot(page, 'one-directory-instances');

      await openArea(page, 'Configuration');
      await page.getByTestId('config-editor').waitFor();
      expect(await text(page, 'dirty-state')()).toBe('as on the instance');
      const raw = page.getByLabel('coin_configuration.json text');
      await raw.fill('{\n  "gerrit_monitor": { "parallel_integration_delay": 120 }\n}\n');
      await expect.poll(text(page, 'dirty-state')).toBe('edited, not saved');
      expect(await page.getByTestId('impact').textContent()).not.toContain('does not run');
      await page.getByRole('button', { name: 'Review and save…' }).click();
      const review = page.getByRole('dialog', { name: 'Save coin_configuration.json to This laptop?' });
      await review.getByRole('button', { name: 'Save to This laptop' }).click();
      await expect
        .poll(text(page, 'save-outcome'), { timeout: 30_000 })
        .toMatch(/^The instance applied it as version \d+/);
      expect(await text(page, 'dirty-state')()).toBe('as on the instance');
      await shot(page, 'one-directory-configuration');

      await openArea(page, 'Maintenance');
      const area = page.getByTestId('area-maintenance');
      await area.getByLabel('Instance').selectOption(`local-runner:${work}`);
      await expect
        .poll(text(page, 'maintenance-through-profile'))
        .toBe(
          `${work} is the working directory of the profile “This laptop”: its routines run through that profile.`,
        );
      expect(await page.getByTestId('maintenance-needs-profile').count()).toBe(0);
      const service = page.locator('[data-check="service"]');
      await expect.poll(() => service.getAttribute('data-status'), { timeout: 60_000 }).toBe('warn');
      expect(await service.textContent()).toContain(
        `running on port ${port} (pid ${pid}), the app's local runner`,
      );
      expect(await page.locator('[data-check="web-server"]').getAttribute('data-status')).toBe('ok');
      await shot(page, 'one-directory-maintenance');
    }),
);

test(
  "the profile's service holds the directory: the card names the service and its profile",
  slow,
  ({ task }) =>
    withPage(task.name, async (page) => {
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(host.url);
      await page.getByRole('button', { name: /^This laptop/ }).click();
      const panel = page.getByRole('region', { name: 'Instance This laptop' });
      await expect.poll(text(page, 'instance-state'), { timeout: 30_000 }).toBe('not running');
      await panel.getByRole('button', { name: 'Start', exact: true }).click();
      await expect.poll(text(page, 'service-state'), { timeout: 60_000 }).toMatch(/^active \(running\)/);
      await expect.poll(text(page, 'instance-state'), { timeout: 30_000 }).toBe('running');
      const [, port, pid] = /^running on port (\d+) \(pid (\d+)\), started by its service$/.exec(
        await text(page, 'instance-detail')(),
      )!;

      const card = page.getByRole('region', { name: 'Local runner' });
      await expect
        .poll(text(page, 'local-runner-other'))
        .toBe(
          `A Coin instance runs in this directory (pid ${pid}, port ${port}), started by its service: the profile “This laptop” controls it.`,
        );
      expect(await text(page, 'local-runner-state')()).toBe('held by another instance (below)');
      expect(await card.getByRole('button', { name: 'Start runner' }).isDisabled()).toBe(true);
      expect(await card.getByRole('link', { name: 'Dashboard' }).getAttribute('href')).toBe(
        `http://127.0.0.1:${port}/coin/`,
      );
      expect(await page.getByTestId('held-elsewhere').count()).toBe(0);
      await shot(page, 'one-directory-service');

      await panel.getByRole('button', { name: 'Stop', exact: true }).click();
      await expect.poll(text(page, 'service-state'), { timeout: 60_000 }).toMatch(/^inactive/);
      await expect.poll(text(page, 'local-runner-state')).toBe('stopped');
      expect(await page.getByTestId('local-runner-other').count()).toBe(0);
      expect(await card.getByRole('button', { name: 'Start runner' }).isDisabled()).toBe(false);
    }),
);
