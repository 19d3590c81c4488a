// The Local runner card in real Chromium with a runner that hangs while it starts: a real child
// process that never prints its URL (test/integration/local-runner/fixtures/silent-runner.mjs,
// launched the way the app launches `coin run`). Stop works while it starts; when the start
// timeout passes the app stops it, the card says why in place, and Start works again.
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

const silentRunner = path.resolve(
  import.meta.dirname,
  '..',
  'integration',
  'local-runner',
  'fixtures',
  'silent-runner.mjs',
);

let temp: TempDir;
let work: string;
let services: DeskServices | undefined;
let host: BrowserHost | undefined;

beforeEach(async () => {
  temp = await makeTempDir('e2e-runner-hang-');
  work = path.join(temp.path, 'work');
});
afterEach(async () => {
  await host?.close();
  await services?.close();
  host = undefined;
  services = undefined;
  await temp.remove();
});

/** A browser host whose runners are the silent stand-in, given up on after `startTimeoutMs`. */
async function hangingHost(startTimeoutMs: number): Promise<BrowserHost> {
  const dataDir = path.join(temp.path, 'app-data');
  const localHosting = createLocalHostingServices({
    dataDir,
    defaultWorkingDir: work,
    coinCommand: [process.execPath, silentRunner],
    env: { PATH: process.env.PATH ?? '' },
    startTimeoutMs,
    stopGraceMs: 2000,
  });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: work,
    instances: createInstanceServices({ dataDir, sshDir: path.join(temp.path, 'ssh') }),
    localHosting,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
  return host;
}

const text = (page: Page, id: string) => async () => (await page.getByTestId(id).first().textContent()) ?? '';

test('a start that hangs can be stopped at once with Stop', ({ task }) =>
  withPage(task.name, async (page) => {
    const { url } = await hangingHost(120_000);
    await page.goto(url);
    const card = page.getByRole('region', { name: 'Local runner' });
    const start = card.getByRole('button', { name: 'Start runner' });
    const stop = card.getByRole('button', { name: 'Stop runner' });
    await start.click();
    await expect
      .poll(text(page, 'local-runner-state'))
      .toMatch(/^starting \(pid \d+\) for \d+ s: waiting for its URL; the app stops it after 120 s$/);
    await expect.poll(() => stop.isEnabled()).toBe(true);
    expect(await start.isDisabled()).toBe(true);
    await expect.poll(text(page, 'local-runner-output')).toContain(`silent runner: preparing ${work}`);
    await page.screenshot({ path: path.join(screenshotDir, 'local-runner-starting.png') });

    await stop.click();
    await expect.poll(text(page, 'local-runner-state'), { timeout: 15_000 }).toMatch(/^stopped since/);
    expect(await page.getByTestId('local-runner-problem').count()).toBe(0);
    expect(await start.isEnabled()).toBe(true);
  }));

test('a start that hangs past the timeout is stopped by the app, says why, and Start works again', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const { url } = await hangingHost(3000);
    await page.goto(url);
    const card = page.getByRole('region', { name: 'Local runner' });
    const start = card.getByRole('button', { name: 'Start runner' });
    await start.click();
    await expect.poll(text(page, 'local-runner-state')).toMatch(/^starting \(pid \d+\)/);
    await expect
      .poll(text(page, 'local-runner-problem'), { timeout: 20_000 })
      .toBe(
        'The runner did not start within 3 s (it never printed its URL), so the app stopped it: see its output below, fix the cause, then start it again.',
      );
    expect(await text(page, 'local-runner-state')()).toMatch(/^exited \(did not start in time\) since/);
    await expect
      .poll(text(page, 'local-runner-output'))
      .toContain('coin admin: the runner did not print its URL within 3 s: stopping it');
    expect(await card.getByLabel('Runner directory').isEnabled()).toBe(true);
    await expect.poll(() => start.isEnabled()).toBe(true);
    expect(await card.getByRole('button', { name: 'Stop runner' }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'local-runner-start-timed-out.png') });

    await start.click();
    await expect.poll(text(page, 'local-runner-state')).toMatch(/^starting \(pid \d+\)/);
    expect(await page.getByTestId('local-runner-problem').count()).toBe(0);
    await expect
      .poll(text(page, 'local-runner-state'), { timeout: 20_000 })
      .toMatch(/^exited \(did not start in time\)/);
  }));
