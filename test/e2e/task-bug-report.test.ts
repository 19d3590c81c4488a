// "Draft bug report" from a really failed integration, in real Chromium against a real `coin run`:
// a module whose build prints a compiler error and a URL with a password, then fails. In the
// desktop app's Integrations area (browser host, the runner as a runner the app hosts) and in the
// dashboard the runner serves, the failed task's page drafts the report: its summary, the failing
// log lines (the secret masked), links to the task's page and the log on the URL the user opens,
// and the versions. A local profile of the same working directory adds its name, its tracker URL
// and the deployment's `coin --version`. Screenshots go to test/artifacts/screenshots/.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
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
import pkg from '../../package.json' with { type: 'json' };
import { COIN_REVISION } from '../../runner/core/build-key';
import { screenshotDir, withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { rendererDir } from '../helpers/test-host';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

let root: TempDir;
let work: string;
let instances: InstanceServices;
let hosting: LocalHostingServices;
let services: DeskServices;
let host: BrowserHost;
let coin: CoinProcess;
let taskId: string;

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const { version } = pkg;

const moduleConfig = `version: 2
accept_configuration:
  condition: property
  property: features
  not_contains_value: Disable
instructions:
  Build:
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/build.sh"
  Test:
    - type: ExecuteCommand
      command: "echo tested"
`;

const buildScript = `echo "compiling main.c"
echo "main.c:3:1: error: expected ';' before '}' token"
echo "then pushing to https://ci:hunter2-secret@git.example.invalid/demo.git"
exit 2
`;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  root = await makeTempDir('task-bug-report-e2e-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/broken', {
    'coin/module_config.yaml': moduleConfig,
    'build.sh': buildScript,
  });
  coin = await startCoin(work);
  const args = ['integrate', path.join(root.path, 'demo/broken'), '--ref', 'main', '--working-dir', work];
  const done = await runCoin([...args, '--json', '--wait'], { timeoutMs: 180_000 });
  expect(done.code, done.stdout + done.stderr).not.toBe(0);
  taskId = (JSON.parse(done.stdout) as { id: string; state: string }).id;
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
}, 240_000);

afterAll(async () => {
  await host?.close();
  await services?.close();
  await coin?.stop();
  await root?.remove();
});

const badge = (page: Page) =>
  page.getByTestId('task-summary').locator('[data-state]').first().getAttribute('data-state');

/** Open the draft from the task's page and return its text once it is there. */
async function openDraft(page: Page): Promise<string> {
  await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('Failed');
  await page.getByTestId('task-bug-report').getByRole('button', { name: 'Draft bug report' }).click();
  const report = page.getByRole('dialog', { name: 'Draft bug report' }).getByLabel('Bug report (Markdown)');
  await expect.poll(() => report.inputValue(), { timeout: 30_000 }).toMatch(/^# /);
  return report.inputValue();
}

/** What both drafts hold: summary, the failing lines with the secret masked, the links on `base`. */
function expectTaskReport(text: string, base: string): void {
  expect(text).toMatch(new RegExp(`^# .*: demo/broken main Failed \\(build failure\\)\\n`));
  expect(text).toContain(`Integration ${taskId} of demo/broken (main) ended Failed on `);
  expect(text).toMatch(/in build demo\/broken on \S+/);
  expect(text).toContain("main.c:3:1: error: expected ';' before '}' token");
  expect(text).toContain('then pushing to https://ci:[masked]@git.example.invalid/demo.git');
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('compiling main.c'); // before the first error: not one of the lines that show it
  expect(text).toContain(`- Integration: <${base}#/tasks/${taskId}>`);
  const log = /- Build log: <([^>]+)>/.exec(text)?.[1] ?? '';
  // the log's link: its page carries the lines around the first error (runner/core/log-link.ts)
  expect(log).toMatch(new RegExp(`^${base.replace(/[.?*+^$()[\]\\/]/g, '\\$&')}\\?log=[^&#]+&line=\\d+$`));
  expect(text).toContain(`- COIN revision: ${COIN_REVISION}`);
}

test(
  "a failed integration drafts a bug report from its page in the app's Integrations area",
  async ({ task }) =>
    withPage(task.name, async (page) => {
      await page.goto(host.url);
      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      const row = page.locator(`[data-task-id="${taskId}"]`);
      await row.waitFor({ timeout: 30_000 });
      await row.getByRole('link', { name: 'demo/broken' }).click();
      const text = await openDraft(page);
      const base = await page.getByRole('link', { name: /Open in the browser/ }).getAttribute('href');
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/coin\/$/);
      expectTaskReport(text, base!);
      const app = await services.appInfo({});
      expect(text).toContain(`- Coin Admin: ${app.version}`);
      expect(text).toContain(`- Runner revision: the app's bundled runner (`);
      expect(text).toContain(`- Node: ${app.nodeVersion}`);
      const dialog = page.getByRole('dialog', { name: 'Draft bug report' });
      expect(await dialog.textContent()).toContain('No tracker is set for this profile.');
      await page.screenshot({ path: path.join(screenshotDir, 'app-task-bug-report.png') });
      await dialog.getByRole('button', { name: 'Close' }).click();
      expect(await dialog.count()).toBe(0);
    }),
  180_000,
);

test(
  'the dashboard a runner serves drafts it in the page and says what only the app knows',
  async ({ task }) =>
    withPage(task.name, async (page) => {
      const base = `http://127.0.0.1:${coin.port}/coin/`;
      await page.goto(`${base}#/tasks/${taskId}`);
      const text = await openDraft(page);
      expectTaskReport(text, base);
      expect(text).toMatch(/^# 127\.0\.0\.1:\d+: /);
      expect(text).toContain(
        '- Coin Admin: none (drafted in the web dashboard; the tracker URL is a profile setting',
      );
      // The runner serving the page says what it runs (api/version): this checkout and this Node.
      const revision = (
        await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot })
      ).stdout.trim();
      expect(text).toContain(`- Runner revision: coin ${version} (${revision})`);
      expect(text).toContain(
        `- Node: ${process.version} (${process.platform}-${process.arch}, the instance's)`,
      );
      const dialog = page.getByRole('dialog', { name: 'Draft bug report' });
      expect(await dialog.textContent()).toContain(
        "The tracker's URL is a profile setting only the desktop app knows.",
      );
      await dialog.getByRole('button', { name: 'Copy' }).click();
      await expect
        .poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 })
        .toMatch(/Copied|Select/);
      await page.screenshot({ path: path.join(screenshotDir, 'dashboard-task-bug-report.png') });
      // The log link opens the failing line of the log in this dashboard.
      const log = /- Build log: <([^>]+)>/.exec(text)![1]!;
      await dialog.getByRole('button', { name: 'Close' }).click();
      await page.goto(log);
      await page
        .getByText("main.c:3:1: error: expected ';' before '}' token")
        .first()
        .waitFor({ timeout: 30_000 });
    }),
  180_000,
);

test(
  "a profile's draft names the profile, links its tracker URL and gives the deployment's runner version",
  async ({ task }) =>
    withPage(task.name, async (page) => {
      const trackerUrl = 'https://bugreports.example.invalid/projects/COIN';
      await services.profilesSave({
        profile: {
          kind: 'local',
          name: 'Loopback laptop',
          coinDir: '',
          workingDir: work,
          instanceKind: 'local',
          serviceManager: 'coin-service',
          instancePort: 0,
          trackerUrl,
        },
      });
      await page.goto(host.url);
      await page
        .getByRole('navigation', { name: 'Areas' })
        .getByRole('link', { name: 'Integrations' })
        .click();
      const picker = page.getByLabel('Instance', { exact: true });
      const option = picker.locator('option', { hasText: 'Loopback laptop' });
      await option.waitFor({ state: 'attached', timeout: 30_000 });
      await picker.selectOption((await option.getAttribute('value'))!);
      const row = page.locator(`[data-task-id="${taskId}"]`);
      await row.waitFor({ timeout: 60_000 });
      await row.getByRole('link', { name: 'demo/broken' }).click();
      const text = await openDraft(page);
      expect(text).toMatch(/^# Loopback laptop: demo\/broken main Failed \(build failure\)\n/);
      const base = await page.getByRole('link', { name: /Open in the browser/ }).getAttribute('href');
      expectTaskReport(text, base!);
      expect(text).toMatch(/- Runner revision: coin \d+\.\d+\.\d+/);
      const dialog = page.getByRole('dialog', { name: 'Draft bug report' });
      expect(await dialog.getByRole('link', { name: trackerUrl }).getAttribute('href')).toBe(trackerUrl);
      await dialog.getByRole('button', { name: 'Close' }).click();
    }),
  180_000,
);
