// The Maintenance area in real Chromium through the browser host, against a real runner under
// `coin service` behind a real OpenSSH server on loopback, started from a real deployment checkout
// that follows a bare upstream: the daily monitoring checklist, garbage collection and artifact
// invalidation with their confirmations, and a whole update (stop, maintenance page, pull, start,
// verify) from the plan to the last step; then the health history the instance stored by itself.
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../electron/services/local-runner/local-hosting-services';
import { withPage } from '../helpers/chromium';
import { type CoinDeployment } from '../helpers/coin-deployment';
import { rendererDir } from '../helpers/test-host';
import { startLoopbackMaster, type LoopbackMaster } from '../helpers/loopback-master';

const screenshots = path.resolve(import.meta.dirname, 'screenshots');
const artifactShots = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');

let master: LoopbackMaster;
let deployment: CoinDeployment;
let hosting: LocalHostingServices;
let host: BrowserHost;
let services: DeskServices;
let profileId: string;

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'e2e-maintenance-', instanceKind: 'real' });
  deployment = master.deployment;
  profileId = master.profile.id;
  const local = path.join(master.data.path, 'local');
  hosting = createLocalHostingServices({ dataDir: master.data.path, defaultWorkingDir: local });
  services = createDeskServices({
    shell: 'browser',
    electronVersion: null,
    defaultWorkingDir: local,
    instances: master.instances,
    localHosting: hosting,
  });
  host = await startBrowserHost({ services, staticDir: rendererDir });
  // Starting the service runs the `coin` CLI through tsx several times: slow on a loaded machine.
}, 300_000);

afterAll(async () => {
  await host?.close();
  await services?.close();
  await master?.stop();
}, 120_000);

async function openMaintenance(page: Page): Promise<void> {
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Maintenance' }).click();
  await page.getByTestId('area-maintenance').getByLabel('Instance').selectOption(`profile:${profileId}`);
}

const check = (page: Page, id: string) => page.locator(`[data-check="${id}"]`);

test(
  'daily monitoring, then garbage collection and artifact invalidation, each confirmed',
  ({ task }) =>
    withPage(task.name, async (page) => {
      await openMaintenance(page);
      const checks = page.getByTestId('checks');
      await expect
        .poll(() => check(page, 'service').getAttribute('data-status'), { timeout: 60_000 })
        .toBe('ok');
      expect(await checks.locator('[data-check]').count()).toBe(7);
      expect(await check(page, 'gerrit').getAttribute('data-status')).toBe('skipped');
      expect(await check(page, 'web-server').getAttribute('data-status')).toBe('ok');
      expect(await check(page, 'service').textContent()).toMatch(/active/);
      await page.screenshot({ path: path.join(screenshots, 'maintenance-checks.png') });

      await page.getByRole('tab', { name: 'Storage and GC' }).click();
      await page.getByRole('button', { name: 'Preview (dry run)' }).click();
      await expect
        .poll(async () => (await page.getByTestId('gc-report').textContent()) ?? '', { timeout: 30_000 })
        .toMatch(/^Dry run: would remove 0 artifact/);
      expect(await page.getByRole('button', { name: 'Remove…' }).isDisabled()).toBe(true);
      await page.getByTestId('page-storage').waitFor({ timeout: 30_000 });

      await page.getByRole('button', { name: 'Invalidate all artifacts…' }).click();
      const ask = page.getByRole('alertdialog', { name: 'Invalidate every artifact?' });
      await ask.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByTestId('gc-message').count()).toBe(0);
      await page.getByRole('button', { name: 'Invalidate all artifacts…' }).click();
      await ask.getByRole('button', { name: 'Invalidate all artifacts' }).click();
      await expect
        .poll(async () => (await page.getByTestId('gc-message').textContent()) ?? '', { timeout: 30_000 })
        .toMatch(/^The artifact epoch is now \d+: every earlier artifact misses/);
    }),
  300_000,
);

test(
  'an update from the plan to the last step: stop, maintenance page, pull, start, verify',
  ({ task }) =>
    withPage(task.name, async (page) => {
      const target = await deployment.pushUpstream();
      await openMaintenance(page);
      await page.getByRole('tab', { name: 'Update' }).click();
      const plan = page.getByTestId('update-plan');
      await plan.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('incoming').textContent()).toContain('docs: a note for the update test');

      // The announcement to copy before the restart, from the profile's template (edited and kept).
      const announcement = page.getByTestId('update-announcement');
      const text = () => announcement.getByLabel('Announcement', { exact: true }).inputValue();
      await expect
        .poll(text, { timeout: 30_000 })
        .toContain(`for an update to ${target.slice(0, 10)} (1 commit(s))`);
      await announcement.getByRole('button', { name: 'Edit the template…' }).click();
      await announcement
        .getByLabel('Announcement template')
        .fill('#qtci: {instance} goes down at {time} for {downtime}, then runs {revision}.');
      await announcement.getByLabel('Restart at').fill('14:30');
      await announcement.getByRole('button', { name: 'Save the template' }).click();
      await announcement.getByText('Template saved with the profile.').waitFor();
      expect(await text()).toBe(
        `#qtci: Loopback master goes down at 14:30 for about 2 minutes, then runs ${target.slice(0, 10)}.`,
      );
      const saved = (await master.instances.api.profilesList({})).profiles.find((p) => p.id === profileId);
      expect(saved?.announcementTemplate).toBe(
        '#qtci: {instance} goes down at {time} for {downtime}, then runs {revision}.',
      );

      await plan.getByLabel('Watch period (minutes)').fill('20');
      await plan.getByRole('button', { name: `Update to ${target.slice(0, 10)}…` }).click();
      const ask = page.getByRole('alertdialog', { name: 'Update the instance now?' });
      await ask.getByRole('button', { name: 'Stop, update and start' }).click();
      const progress = page.getByTestId('update-progress');
      await expect.poll(() => progress.getAttribute('data-state'), { timeout: 300_000 }).toBe('done');
      const states = await progress
        .locator('[data-step]')
        .evaluateAll((els) =>
          els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`),
        );
      expect(states).toEqual([
        'stop:done',
        'maintenance-page:done',
        'pull:done',
        'dependencies:skipped',
        'start:done',
        'verify:done',
      ]);
      expect(await deployment.head()).toBe(target);
      await page.screenshot({ path: path.join(screenshots, 'maintenance-update.png') });

      // The post-update watch: nothing was running, no error since the restart: green, still watching.
      const watch = page.getByTestId('post-update-watch');
      await expect.poll(() => watch.getAttribute('data-verdict'), { timeout: 60_000 }).toBe('green');
      expect(await watch.textContent()).toContain('Watching for 20 minutes after the restart');
      expect(await watch.getByTestId('watch-journal').textContent()).toMatch(/^0 /);
      expect(await watch.getByTestId('watch-queue').textContent()).toBe(
        'no task was running when the instance stopped',
      );
      expect(await watch.getByRole('button', { name: /^Roll back/ }).count()).toBe(0);
      await watch.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(artifactShots, 'maintenance-post-update-watch.png'),
        fullPage: true,
      });
      await watch.getByRole('button', { name: 'Stop watching' }).click();
      await expect.poll(() => watch.textContent(), { timeout: 30_000 }).toContain('The watch was stopped.');
    }),
  // Every `coin` call of the steps loads the CLI through tsx: seconds each on a loaded 2-core machine.
  600_000,
);

test('the health history the instance stored: a trend per check, what changed, a report to export', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await openMaintenance(page);
    await page.getByRole('tab', { name: 'Health history' }).click();
    const history = page.getByTestId('health-history');
    const diskPoints = async () => {
      await history.getByRole('button', { name: 'Reload' }).click();
      await page.getByTestId('health-summary').waitFor({ timeout: 30_000 });
      return Number(await history.locator('[data-health-trend="disk"]').getAttribute('data-points'));
    };
    // The instance ran its checks on its own, 5 s after each start (the update above started it again).
    await expect.poll(diskPoints, { timeout: 60_000, interval: 2000 }).toBeGreaterThanOrEqual(1);
    expect(await history.locator('[data-health-trend]').count()).toBe(5);
    expect(await history.locator('[data-health-trend="disk"] svg[role="img"]').count()).toBe(1);
    expect(await history.locator('[data-health-trend="opennebula-hosts"]').textContent()).toContain(
      'skipped in every run',
    );
    expect(await page.getByTestId('health-summary').textContent()).toMatch(
      /^\d+ runs in the last 30 days, the last at .* \(schedule\)\. The instance runs the checks every 60 minutes/,
    );
    const runs = Number(
      /^(\d+) runs/.exec((await page.getByTestId('health-summary').textContent()) ?? '')![1],
    );
    if (runs >= 2) await page.getByTestId('health-changes').waitFor();
    else expect(await history.textContent()).toContain('One run so far: nothing to compare yet.');
    const download = page.waitForEvent('download');
    await history.getByRole('button', { name: 'Export Markdown' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^health-\d{4}-\d{2}-\d{2}\.md$/);
    const text = await readFile((await file.path())!, 'utf8');
    expect(text).toMatch(/^# Health of .*\n\n\d+ runs from /);
    expect(text).toContain('| Disk space | ');
    await page.screenshot({
      path: path.join(artifactShots, 'maintenance-health-history.png'),
      fullPage: true,
    });
  }));

test(
  'a failed check and a journal error signature each draft a bug report',
  ({ task }) =>
    withPage(task.name, async (page) => {
      // Two occurrences of one error (ids differ, the signature is the same) in the real service log.
      const log = path.join(deployment.workingDir, 'service', 'coin.log');
      const line = (id: string) =>
        `${JSON.stringify({ level: 50, time: Date.now(), msg: `could not clone the template ${id}` })}\n`;
      await appendFile(log, line('7f3a9c2e1b') + line('0be4d81c9a'));

      await openMaintenance(page);
      await expect
        .poll(() => check(page, 'journal-problems').getAttribute('data-status'), { timeout: 60_000 })
        .toBe('fail');
      await check(page, 'journal-problems').getByRole('button', { name: 'Draft bug report' }).click();
      const dialog = page.getByRole('dialog', { name: 'Draft bug report' });
      const report = dialog.getByLabel('Bug report (Markdown)');
      await expect
        .poll(() => report.inputValue(), { timeout: 30_000 })
        .toMatch(/^# Loopback master: daily check failed: Problems in the journal \(last hour\)\n/);
      expect(await report.inputValue()).toContain('could not clone the template 0be4d81c9a');
      expect(await report.inputValue()).toMatch(/- Runner revision: coin \d+\.\d+\.\d+/);
      await dialog.getByRole('button', { name: 'Close' }).click();
      expect(await check(page, 'service').getByRole('button', { name: 'Draft bug report' }).count()).toBe(0);

      await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Instances' }).click();
      await page
        .getByRole('navigation', { name: 'Connection profiles' })
        .getByRole('button', { name: /Loopback master/ })
        .click();
      const signatures = page.getByTestId('journal-signatures');
      await signatures.waitFor({ timeout: 60_000 });
      await signatures.locator('summary').click();
      const signature = signatures.locator('[data-signature="could not clone the template <id>"]');
      await expect
        .poll(async () => (await signature.textContent()) ?? '', { timeout: 30_000 })
        .toContain('×2');
      await signature.getByRole('button', { name: 'Draft bug report' }).click();
      await expect
        .poll(() => report.inputValue(), { timeout: 30_000 })
        .toMatch(/^# Loopback master: could not clone the template <id>\n/);
      expect(await report.inputValue()).toMatch(/shows this error 2 time\(s\)/);
      await page.screenshot({ path: path.join(artifactShots, 'maintenance-bug-report-journal.png') });
      await dialog.getByRole('button', { name: 'Close' }).click();
    }),
  300_000,
);
