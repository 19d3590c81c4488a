// Integration control from the dashboard a runner serves, in real Chromium against a real
// `coin run`: Cancel on a running integration's page (confirmed, with the admin token) stops its
// processes, and Re-run on the cancelled one queues a linked task and opens it. Screenshots of
// the confirmation and of both pages go to test/artifacts/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { screenshotDir, withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { processesOf, slowModule } from '../integration/control/control-fixtures';

let root: TempDir;
let work: string;
let coin: CoinProcess;
let base: string;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  root = await makeTempDir('task-control-e2e-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/slow', slowModule(3023));
  coin = await startCoin(work, ['--max-agents', '1']);
  base = `http://127.0.0.1:${coin.port}/coin/`;
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
const badge = (page: Page) =>
  page.getByTestId('task-summary').locator('[data-state]').first().getAttribute('data-state');

test(
  'cancel a running integration from its page, then re-run it',
  async ({ task }) =>
    withPage(task.name, async (page) => {
      const args = [
        'integrate',
        path.join(root.path, 'demo/slow'),
        '--ref',
        'main',
        '--working-dir',
        work,
        '--json',
      ];
      const id = (JSON.parse((await runCoin(args)).stdout) as { id: string }).id;
      await page.goto(`${base}#/tasks/${id}`);
      await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('Running');
      await expect.poll(() => processesOf('sleep 3023').length, { timeout: 60_000 }).toBe(2);

      await page.getByTestId('task-controls').getByRole('button', { name: 'Cancel', exact: true }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.getByLabel(/Admin token/).fill(readFileSync(path.join(work, 'admin-token'), 'utf8'));
      await dialog.getByLabel('Reason').fill('blocks the queue');
      await shot(page, 'task-control-cancel-confirm');
      await dialog.getByRole('button', { name: 'Cancel integration' }).click();
      await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('Cancelled');
      expect(processesOf('sleep 3023')).toEqual([]);
      await expect.poll(() => page.getByTestId('task-reason').textContent()).toContain('blocks the queue');
      await shot(page, 'task-control-cancelled');

      await page.getByTestId('task-controls').getByRole('button', { name: 'Re-run' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Re-run' }).click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).not.toContain(id);
      await expect.poll(() => badge(page), { timeout: 60_000 }).toBe('Running');
      await shot(page, 'task-control-rerun');
      const rerunId = decodeURIComponent(page.url().split('/').pop()!);
      const listed = await runCoin(['audit', '--working-dir', work, '--json'], { timeoutMs: 60_000 });
      expect(listed.stderr).toBe('');
      const audit = JSON.parse(listed.stdout) as { entries: { action: string; origin: string }[] };
      expect(audit.entries.map((e) => [e.action, e.origin])).toEqual([
        ['rerun', 'dashboard'],
        ['cancel', 'dashboard'],
      ]);
      await page.goto(`${base}#/audit`);
      await expect
        .poll(() =>
          page
            .getByTestId('audit-table')
            .locator('tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))),
        )
        .toEqual(['rerun', 'cancel']);
      await shot(page, 'audit-page');
      await runCoin(['cancel', rerunId, '--working-dir', work], { timeoutMs: 60_000 });
      expect(processesOf('sleep 3023')).toEqual([]);
    }),
  240_000,
);
