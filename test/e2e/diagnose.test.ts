// The Diagnose tab of the Maintenance area in real Chromium through the browser host, against a
// real runner under `coin service` behind a real OpenSSH server on loopback: `coin diagnose` runs
// on that host, the verdict and the stacks show, the runner goes on answering, and the bug report
// draft opens with the guide's sections and a link to the profile's tracker, ready to copy.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../electron/services/local-runner/local-hosting-services';
import { connectWorkingDir } from '../../runner/client/working-dir-instance';
import { withPage } from '../helpers/chromium';
import { startLoopbackMaster, type LoopbackMaster } from '../helpers/loopback-master';
import { rendererDir } from '../helpers/test-host';

const screenshots = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');

let master: LoopbackMaster;
let hosting: LocalHostingServices;
let host: BrowserHost;
let services: DeskServices;

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'e2e-diagnose-', instanceKind: 'private' });
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
});

afterAll(async () => {
  await host?.close();
  await services?.close();
  await master?.stop();
});

test('Diagnose a running master without stopping it, then draft a bug report and copy it', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Maintenance' }).click();
    const area = page.getByTestId('area-maintenance');
    await area.getByLabel('Instance').selectOption(`profile:${master.profile.id}`);
    await area.getByRole('tab', { name: 'Diagnose' }).click();
    await area.getByRole('button', { name: 'Diagnose', exact: true }).click();

    const verdict = area.getByTestId('diagnosis-verdict');
    await verdict.waitFor({ timeout: 90_000 });
    expect(await verdict.textContent()).toMatch(/^idle: no JavaScript was running and the event loop turns/);
    const text = (await area.locator('.diagnosis-text').textContent()) ?? '';
    expect(text).toContain(`instance: ${master.deployment.workingDir}`);
    expect(text).toContain('SQLite: no open transaction');
    expect(text).toMatch(/CPU profile: \d+ samples over 2000 ms, busiest stacks first\n#1 /);
    expect(await area.getByTestId('diagnosis').textContent()).toMatch(/coin-diagnosis-.*\.tar\.gz/);
    await page.screenshot({ path: path.join(screenshots, 'maintenance-diagnose.png'), fullPage: true });

    expect(await connectWorkingDir(master.deployment.workingDir).answers()).toBe(true);

    await area.getByLabel('Tracker URL').fill('ftp://tracker');
    await area.getByRole('button', { name: 'Save tracker URL' }).click();
    await area.getByRole('alert').filter({ hasText: 'must start with http:// or https://' }).waitFor();
    await area.getByLabel('Tracker URL').fill('https://bugreports.qt.io/projects/COIN');
    await area.getByRole('button', { name: 'Save tracker URL' }).click();
    await area.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    await area.getByRole('button', { name: 'Draft bug report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Draft bug report' });
    const draft = await dialog.getByLabel('Bug report (Markdown)').inputValue();
    expect(draft).toMatch(/^# Loopback master: idle instance \(diagnosis .+\)\n\n## Summary\n/);
    for (const part of [
      '## Links',
      '## Relevant log lines',
      '```text\nDiagnosis of pid',
      '- COIN revision: 1',
    ])
      expect(draft).toContain(part);
    expect(draft).toMatch(/- Runner revision: coin \S+/);
    expect(await dialog.getByRole('link').getAttribute('href')).toBe(
      'https://bugreports.qt.io/projects/COIN',
    );
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog
      .getByRole('status')
      .filter({ hasText: /Copied|Select the text/ })
      .waitFor();
    await page.screenshot({ path: path.join(screenshots, 'maintenance-bug-report.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }));
