// The app frame in real Chromium against the browser host: navigation and the DeskApi round trip.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { withPage } from '../helpers/chromium';
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
