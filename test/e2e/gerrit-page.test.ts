// The dashboard's Gerrit page (#/gerrit) in real Chromium, served by a real `coin run --gerrit`
// watching the Gerrit fake: a change INTEGRATING that Coin never built (not converged), then a
// staged cherry-pick that waits, is restaged by hand, builds and merges, live; and the sentence of
// an instance that does not watch Gerrit; a change in the staging queue (PRESTAGED) shown and
// never built. Screenshots go to test/artifacts/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withPage } from '../helpers/chromium';
import { startCoin } from '../helpers/coin-process';
import { startGerritFixture, type GerritFixture } from '../helpers/gerrit-fixture';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../integration/runner/demo-modules';

const screenshots = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');
const slowStep = `    - type: ExecuteCommand\n      command: "sleep 3"\n      userMessageOnFailure: "sleep failed"\n`;

let root: TempDir;
let gerrit: GerritFixture;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  root = await makeTempDir('gerrit-page-e2e-');
  gerrit = await startGerritFixture(root.path);
});

afterAll(async () => {
  await gerrit?.stop();
  await root?.remove();
});

const text = (page: Page, testId: string) => async () =>
  (await page.getByTestId(testId).first().textContent()) ?? '';
const convergence = (page: Page) => () => page.getByTestId('gerrit-convergence').getAttribute('data-status');
const coinOf = (page: Page, table: string, change: number) => async () =>
  (await page.getByTestId(table).locator(`[data-change="${change}"]`).count())
    ? page.getByTestId(table).locator(`[data-change="${change}"]`).getAttribute('data-coin')
    : null;

test(
  'Gerrit next to Coin, live: not converged, then a staged change builds and merges',
  ({ task }) =>
    withPage(task.name, async (page) => {
      const { fake, dev, bot } = gerrit;
      await fake.createProject('e2e/tool', 'dev', {
        'coin/module_config.yaml': toolModuleConfig(slowStep),
        'tool.c': toolSource,
      });
      const orphan = await fake.createChange({
        project: 'e2e/tool',
        branch: 'dev',
        subject: 'Built by someone else',
        files: { 'other.txt': 'o\n' },
        owner: dev,
      });
      await fake.stage(orphan, dev);
      await fake.state.newBuild('e2e/tool', 'dev', 'other/dev/1', dev);
      const coin = await startCoin(path.join(root.path, 'work'), [
        '--instance',
        'real',
        '--gerrit-write',
        ...gerrit.args('e2e/tool'),
      ]);
      try {
        await page.goto(`http://127.0.0.1:${coin.port}/coin/#/gerrit`);
        await expect.poll(text(page, 'status-bar')).toMatch(/^Live/);
        await expect.poll(convergence(page), { timeout: 30_000 }).toBe('not-converged');
        expect(await text(page, 'gerrit-convergence')()).toBe(
          '✘ Not converged: 1 change integrating in Gerrit with no Coin task',
        );
        expect(await page.getByTestId('gerrit-connection').getAttribute('data-state')).toBe('connected');
        expect(await text(page, 'gerrit-mode')()).toMatch(/^Writes to Gerrit/);
        // The fixture's CI account lacks ciStatusUpdate: the page says so instead of retrying.
        await expect
          .poll(() => page.getByTestId('gerrit-ci-status').getAttribute('data-state'), { timeout: 30_000 })
          .toBe('not-permitted');
        expect(await text(page, 'gerrit-ci-status')()).toMatch(
          /^Gerrit refuses ci-status-update: fatal: not permitted\./,
        );
        expect(await coinOf(page, 'gerrit-integrating', orphan.number)()).toBe('unknown');
        expect(
          await page
            .getByRole('navigation', { name: 'Dashboard' })
            .getByRole('link', { name: 'Gerrit' })
            .getAttribute('aria-current'),
        ).toBe('page');
        await page.screenshot({ path: path.join(screenshots, 'gerrit-not-converged.png') });

        // The other build fails in Gerrit: its change goes back to NEW, and the page converges.
        await fake.state.approve('e2e/tool', 'dev', 'other/dev/1', 'fail', 'Failed elsewhere', dev);
        await expect.poll(convergence(page), { timeout: 30_000 }).toBe('converged');

        // A cherry-pick of the bot is staged: it waits (accumulation), then a person restages it.
        const pick = await fake.createChange({
          project: 'e2e/tool',
          branch: 'dev',
          subject: 'Cherry-picked fix',
          files: { 'picked.txt': 'p\n' },
          owner: bot,
        });
        await fake.stage(pick, bot);
        await expect.poll(coinOf(page, 'gerrit-staged', pick.number), { timeout: 30_000 }).toBe('waiting');
        expect(await text(page, 'gerrit-waiting')()).toMatch(/cherry-picks .* accumulate until/);
        await page.screenshot({ path: path.join(screenshots, 'gerrit-staged-waiting.png') });
        await fake.state.action(String(pick.number), 'unstage', dev);
        await fake.stage(pick, dev);
        await expect
          .poll(coinOf(page, 'gerrit-integrating', pick.number), { timeout: 30_000 })
          .toBe('building');
        expect(await convergence(page)()).toBe('converged');
        const taskLink = page
          .getByTestId('gerrit-integrating')
          .locator(`[data-change="${pick.number}"] a.mono`);
        const href = (await taskLink.getAttribute('href')) ?? '';
        expect(href).toMatch(/^#\/tasks\/[0-9a-f-]+$/);
        await page.screenshot({ path: path.join(screenshots, 'gerrit-building.png') });

        // Merged: nothing integrating, the finished integration approved, converged.
        await expect.poll(() => fake.change(pick.number).status, { timeout: 60_000 }).toBe('MERGED');
        const taskId = decodeURIComponent(href.replace('#/tasks/', ''));
        const finished = page.getByTestId('gerrit-finished').locator(`[data-task-id="${taskId}"]`);
        await expect.poll(() => finished.getAttribute('data-report'), { timeout: 30_000 }).toBe('approved');
        await expect
          .poll(text(page, 'gerrit-integrating'), { timeout: 30_000 })
          .toBe('No change is integrating.');
        expect(await text(page, 'gerrit-staged')()).toBe('No change is staged.');
        expect(await text(page, 'gerrit-convergence')()).toBe(
          '✔ Converged: 0 staged, 0 integrating in Gerrit; Coin knows every one',
        );
        expect(await finished.textContent()).toContain('approved: pass');
        await page.screenshot({ path: path.join(screenshots, 'gerrit-converged.png') });

        // A staging-queue branch: a staged change waits PRESTAGED, is shown, and is never built.
        const repo = fake.state.repo('e2e/tool');
        await repo.updateRef('refs/heads/6.8', (await repo.resolve('refs/heads/dev'))!);
        fake.state.setStagingQueueBranches('e2e/tool', ['6.8']);
        const queued = await fake.createChange({
          project: 'e2e/tool',
          branch: '6.8',
          subject: 'Waits for promotion',
          files: { 'queued.txt': 'q\n' },
          owner: dev,
        });
        await fake.stage(queued, dev);
        expect(fake.change(queued.number).status).toBe('PRESTAGED');
        await expect
          .poll(coinOf(page, 'gerrit-prestaged', queued.number), { timeout: 60_000 })
          .toBe('prestaged');
        expect(await text(page, 'gerrit-convergence')()).toMatch(/^✔ Converged/);
        expect(fake.commands.some((c) => /staging-new-build .*--staging-branch 6\.8/.test(c))).toBe(false);
        await page.screenshot({ path: path.join(screenshots, 'gerrit-prestaged.png') });

        // The task link leads to the task.
        await finished.locator('a.mono').click();
        await page.getByTestId('page-task').waitFor();
      } finally {
        expect(await coin.stop()).toBe(0);
      }
    }),
  // A long story: its waits add up to more than the e2e default of 90 s on a loaded machine (the
  // staging queue's change shows only at the view's next 30 s refresh, since no event announces it).
  240_000,
);

test('an instance that does not watch Gerrit says how to', ({ task }) =>
  withPage(task.name, async (page) => {
    const coin = await startCoin(path.join(root.path, 'plain'));
    try {
      await page.goto(`http://127.0.0.1:${coin.port}/coin/#/gerrit`);
      await expect
        .poll(text(page, 'gerrit-disabled'))
        .toMatch(
          /^This instance does not watch Gerrit: start it with coin run --gerrit ssh:\/\/user@host:29418/,
        );
      expect(await page.getByTestId('gerrit-disabled').getByRole('link').getAttribute('href')).toMatch(
        /\/coin\/doc\/gerrit\.html$/,
      );
    } finally {
      expect(await coin.stop()).toBe(0);
    }
  }));
