// The Provisioning tab of the Maintenance area in real Chromium through the browser host, against a
// real runner's deployment behind a real OpenSSH server on loopback and the OpenNebula fake: the
// template set in use with its age, `coin provision` run on that host after a confirmation with
// its output shown, the new set in use and the old one listed, then a rollback back to it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../electron/host/browser-host';
import { createDeskServices, type DeskServices } from '../../electron/services/desk-services';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../electron/services/local-runner/local-hosting-services';
import { agentCommand } from '../../runner/cli/run-command';
import { startOneFake, type OneFake } from '../fakes/opennebula/one-fake';
import { withPage } from '../helpers/chromium';
import { startLoopbackMaster, type LoopbackMaster } from '../helpers/loopback-master';
import { runCoin } from '../helpers/run-coin';
import { rendererDir } from '../helpers/test-host';

const screenshots = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');
const bases = ['qtci-linux-Ubuntu-22.04-x86_64-50', 'qtci-windows-11_23H2-x86_64-52'];

let master: LoopbackMaster;
let fake: OneFake;
let hosting: LocalHostingServices;
let host: BrowserHost;
let services: DeskServices;
let templatesDir: string;

beforeAll(async () => {
  master = await startLoopbackMaster({ prefix: 'e2e-provisioning-', instanceKind: 'private' });
  fake = await startOneFake({
    root: path.join(master.data.path, 'vms'),
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: {} }],
    templates: bases.map((name) => ({ name, owner: 'oneadmin' })),
    agentCommand: agentCommand(),
  });
  const authFile = path.join(master.data.path, 'one_auth');
  await writeFile(authFile, 'coin:pw\n', { mode: 0o600 });
  templatesDir = path.join(master.data.path, 'provisioning');
  for (const base of bases) await mkdir(path.join(templatesDir, base), { recursive: true });
  // the set in use before: provisioned by hand on the master a week ago
  const earlier = await runCoin(
    [
      'provision',
      '--working-dir',
      master.deployment.workingDir,
      '--templates-dir',
      templatesDir,
      '--one-xmlrpc',
      fake.url,
      '--one-auth-file',
      authFile,
      '--date',
      '2026-11-28',
    ],
    { launch: master.deployment.coin },
  );
  if (earlier.code !== 0) throw new Error(`coin provision: ${earlier.stderr}`);
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
  await fake?.stop();
  await master?.stop();
});

test('Provisioning shows the templates in use, runs coin provision with its output, and rolls back', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Maintenance' }).click();
    const area = page.getByTestId('area-maintenance');
    await area.getByLabel('Instance').selectOption(`profile:${master.profile.id}`);
    await area.getByRole('tab', { name: 'Provisioning' }).click();

    const current = area.getByTestId('provisioning-current');
    await current.waitFor({ timeout: 60_000 });
    expect(await current.locator('caption').textContent()).toMatch(/^In use: the clones of 2026-11-28/);
    for (const base of bases)
      expect(
        await current
          .getByRole('row')
          .filter({ hasText: `${base}-provisioned-2026-11-28` })
          .textContent(),
      ).toMatch(/\d+ min$/);
    // the last provisioning's source fills the form
    expect(await area.getByLabel('Templates directory').inputValue()).toBe(templatesDir);
    expect(await area.getByLabel('XML-RPC endpoint').inputValue()).toBe(fake.url);

    await area.getByRole('button', { name: 'Provision…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Provision new templates?' });
    await confirm.getByRole('button', { name: 'Run coin provision' }).click();
    const run = area.getByTestId('provisioning-run');
    await area.locator('[data-testid="provisioning-run"][data-state="done"]').waitFor({ timeout: 120_000 });
    const output = (await run.getByLabel('Provisioning output').textContent()) ?? '';
    const clones = fake.state.templates.filter(
      (t) => /-provisioned-/.test(t.name) && !t.name.endsWith('2026-11-28'),
    );
    expect(clones).toHaveLength(2);
    for (const clone of clones) expect(output).toContain(`cloned as ${clone.name} (id ${clone.id})`);
    expect(output).toContain('coin provision --rollback goes back to the clones of 2026-11-28');

    const date = clones[0]!.name.slice(-10);
    await current
      .locator('caption')
      .filter({ hasText: `In use: the clones of ${date}` })
      .waitFor({ timeout: 60_000 });
    expect(await area.getByTestId('provisioning-previous').textContent()).toContain(
      `2026-11-28: ${bases[0]}-provisioned-2026-11-28`,
    );
    // tall enough for the sets, the form and the run's output (the tab body scrolls by itself)
    await page.setViewportSize({ width: 1200, height: 1300 });
    await page.screenshot({ path: path.join(screenshots, 'maintenance-provisioning.png') });

    await area.getByRole('button', { name: 'Roll back to the clones of 2026-11-28…' }).click();
    await page
      .getByRole('alertdialog', { name: 'Roll back the templates?' })
      .getByRole('button', { name: 'Run coin provision --rollback' })
      .click();
    await current
      .locator('caption')
      .filter({ hasText: 'In use: the clones of 2026-11-28' })
      .waitFor({ timeout: 120_000 });
    expect(await run.getByLabel('Provisioning output').textContent()).toContain(
      `(was: the clones of ${date})`,
    );
  }));
