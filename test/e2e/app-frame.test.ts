// The app frame in real Chromium against the browser host: navigation and the DeskApi round trip.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { screenshotDir, withPage } from '../helpers/chromium';
import { startTestHost, type TestHost } from '../helpers/test-host';

let host: TestHost;

beforeEach(async () => {
  host = await startTestHost();
});

afterEach(async () => {
  await host.stop();
});

const areaNames = ['Instances', 'Integrations', 'Agents', 'Configuration', 'Maintenance'];

function text(page: Page, testId: string): () => Promise<string> {
  return async () => (await page.getByTestId(testId).textContent()) ?? '';
}

test('the frame shows every area and the app version read over DeskApi', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    const nav = page.getByRole('navigation', { name: 'Areas' });
    for (const name of areaNames) await nav.getByRole('link', { name }).waitFor();
    await expect
      .poll(text(page, 'status-bar'))
      .toMatch(/^Coin Admin \d+\.\d+\.\d+.* · browser host · Node \d+\./);
    expect(page.url(), 'the token leaves the address bar once read').not.toContain('token=');
  }));

test('navigating between areas changes the page and the address', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    const nav = page.getByRole('navigation', { name: 'Areas' });
    for (const name of areaNames.slice(1)) {
      await nav.getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      expect(await nav.getByRole('link', { name }).getAttribute('aria-current')).toBe('page');
      expect(new URL(page.url()).hash).toBe(`#/${name.toLowerCase()}`);
    }
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Configuration' }).waitFor();
  }));

test('the Instances area runs coin doctor through DeskApi, for the default and a chosen directory', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await expect
      .poll(text(page, 'doctor-verdict'))
      .toContain(`can run a Coin instance in ${host.workingDir.path}`);
    const gitRow = page.locator('[data-check="git"]');
    expect(await gitRow.textContent()).toMatch(/ok.*git.*git version 2\./);

    const notADir = path.join(host.workingDir.path, 'a-file');
    await writeFile(notADir, 'not a directory');
    await page.getByLabel('Working directory').fill(path.join(notADir, 'work'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(text(page, 'doctor-verdict')).toContain('Something required is missing');
    expect(await page.locator('[data-check="working-dir"]').textContent()).toMatch(
      /failed.*is not a directory/,
    );
  }));

test('without the token the page says DeskApi is refused instead of showing data', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url.replace(/#token=.*/, ''));
    await expect
      .poll(text(page, 'status-bar'))
      .toContain('DeskApi unavailable: missing or wrong DeskApi token');
    await page.getByRole('alert').waitFor();
  }));

test('every area shows its title as a visible heading', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    const nav = page.getByRole('navigation', { name: 'Areas' });
    for (const name of areaNames) {
      await nav.getByRole('link', { name }).click();
      const title = page.getByRole('heading', { level: 1, name, exact: true });
      await title.waitFor();
      const box = await title.boundingBox();
      expect(box?.height, `${name}: the title is shown, not only read out`).toBeGreaterThan(15);
      expect(box?.width).toBeGreaterThan(40);
      await page.screenshot({ path: path.join(screenshotDir, `area-title-${name.toLowerCase()}.png`) });
    }
  }));

test('the profile form shows each problem next to its field in plain words, then saves', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Add profile' }).click();
    const form = page.getByRole('form', { name: 'Connection profile' });
    await form.getByLabel('Name').fill('Master');
    await form.getByLabel('Host', { exact: true }).fill('coin.example.org');
    await form.getByLabel('Port', { exact: true }).fill('99999');
    await form.getByLabel('User').fill('vmbuilder');
    await form.getByLabel('Instance port').fill('');
    await form.getByRole('button', { name: 'Save profile' }).click();

    const problemOf = async (label: string) => {
      const field = form.getByLabel(label, { exact: true });
      expect(await field.getAttribute('aria-invalid'), label).toBe('true');
      const id = (await field.getAttribute('aria-describedby'))!;
      return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
    };
    await form.getByTestId('field-problem').first().waitFor();
    expect(await problemOf('Coin directory')).toBe('Coin directory is required.');
    expect(await problemOf('Instance working directory')).toBe('Instance working directory is required.');
    expect(await problemOf('Port')).toBe('Port must be 65535 or less.');
    expect(await problemOf('Instance port')).toBe('Instance port must be a number.');
    expect(await form.getByTestId('field-problem').count()).toBe(4);
    expect(await form.getByRole('alert').textContent()).toBe(
      'The profile was not saved: correct the fields marked above.',
    );
    expect(await page.locator('body').textContent()).not.toMatch(
      /Too small|Too big|expected string|profiles:save/,
    );
    await page.screenshot({ path: path.join(screenshotDir, 'profile-form-problems.png') });

    await form.getByLabel('Coin directory').fill('/home/vmbuilder/coin');
    expect(await form.getByLabel('Coin directory').getAttribute('aria-invalid')).toBeNull();
    await form.getByLabel('Instance working directory').fill('/home/vmbuilder/work');
    await form.getByLabel('Port', { exact: true }).fill('22');
    await form.getByLabel('Instance port').fill('8080');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('region', { name: 'Instance Master' }).waitFor();
  }));

test('the browser host offers no tray: no pin or notification controls on the runner card or a profile', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await expect.poll(text(page, 'status-bar')).toContain('browser host');
    const card = page.getByRole('region', { name: 'Local runner' });
    await expect.poll(text(page, 'local-runner-state')).toBe('stopped');
    await addLocalProfile(page, 'Laptop');
    const panel = page.getByRole('region', { name: 'Instance Laptop' });
    await panel.getByRole('button', { name: 'Edit' }).waitFor();
    for (const region of [card, panel]) {
      expect(await region.getByRole('button', { name: /tray/i }).count()).toBe(0);
      expect(await region.getByLabel('Notify when it fails').count()).toBe(0);
    }
    await page.screenshot({ path: path.join(screenshotDir, 'browser-host-no-tray.png'), fullPage: true });
  }));

test('a fresh Configuration page says it is as on the instance, and edited only after an edit', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await addLocalProfile(page, 'Laptop');
    await page
      .getByRole('navigation', { name: 'Areas' })
      .getByRole('link', { name: 'Configuration' })
      .click();
    await page.getByTestId('config-editor').waitFor();
    expect(await text(page, 'dirty-state')()).toBe('as on the instance');
    expect(await page.getByRole('button', { name: 'Review and save…' }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'configuration-fresh.png') });
    const raw = page.getByLabel('coin_configuration.json text');
    await raw.fill('{\n  "gerrit_monitor": { "parallel_integration_delay": 60 }\n}\n');
    await expect.poll(text(page, 'dirty-state')).toBe('edited, not saved');
    await raw.fill('{\n}\n');
    await expect.poll(text(page, 'dirty-state')).toBe('as on the instance');
  }));

/** Save a profile for an instance on this computer through the form. */
async function addLocalProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add profile' }).click();
  const form = page.getByRole('form', { name: 'Connection profile' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Kind', { exact: true }).selectOption('local');
  await form.getByLabel('Instance working directory').fill(path.join(host.workingDir.path, 'profile-work'));
  await form.getByLabel('Instance port').fill('0');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('region', { name: `Instance ${name}` }).waitFor();
}
