// The dashboard a runner serves, in real Chromium, against a real `coin run` that runs real
// integrations of small git modules: live task list (also at 1024 px), task page, following a
// log, search, a reused build, a failed build, a failed test. Each test saves a screenshot of its
// page in test/artifacts/screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { brokenSource, chattyModuleConfig, toolSource } from '../integration/dashboard/dashboard-fixtures';
import { failingTestModule } from '../integration/runner/failing-test-module';

const screenshots = path.resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');

let root: TempDir;
let work: string;
let coin: CoinProcess;
let base: string;
/** The build work item of the chatty integration whose log the tests follow. */
let chattyBuild: string;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  root = await makeTempDir('dashboard-e2e-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/chatty', {
    'coin/module_config.yaml': chattyModuleConfig(80, 60),
    'tool.c': toolSource,
  });
  await commitModule(root.path, 'demo/broken', {
    'coin/module_config.yaml': chattyModuleConfig(3, 0, 'broken.c'),
    'broken.c': brokenSource,
  });
  await commitModule(root.path, 'demo/tested', failingTestModule());
  coin = await startCoin(work);
  base = `http://127.0.0.1:${coin.port}/coin/`;
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

interface TaskJson {
  id: string;
  workItems: { id: string; kind: string }[];
}

async function integrate(project: string, wait = false): Promise<TaskJson> {
  const args = ['integrate', path.join(root.path, project), '--ref', 'main', '--working-dir', work, '--json'];
  const result = await runCoin(wait ? [...args, '--wait'] : args, { timeoutMs: 90_000 });
  return JSON.parse(result.stdout) as TaskJson;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

const text = (page: Page, testId: string) => async () =>
  (await page.getByTestId(testId).first().textContent()) ?? '';

test('the task list shows a new integration and its state changes without a reload', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/integrations`);
    await expect.poll(text(page, 'status-bar')).toMatch(/^Live/);
    await expect.poll(text(page, 'task-count')).toMatch(/^0 task/);
    const submitted = await integrate('demo/chatty');
    const row = page.locator(`[data-task-id="${submitted.id}"]`);
    await row.waitFor();
    await expect.poll(async () => row.locator('[data-state]').getAttribute('data-state')).toBe('Running');
    expect(await row.textContent()).toContain('demo/chatty');
    await shot(page, 'integrations-running');
    await expect
      .poll(async () => row.locator('[data-state]').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('Passed');
    expect(await row.locator('[data-state]').textContent()).toBe('✔ Passed');
    await page.getByLabel('State').selectOption('Failed');
    await expect.poll(text(page, 'task-count')).toMatch(/^0 task/);
    expect(new URL(page.url()).hash).toBe('#/integrations?state=Failed');
    await shot(page, 'integrations-filtered');
  }));

test('a running task shows its work items, and its log follows the output; search finds a line', ({ task }) =>
  withPage(task.name, async (page) => {
    await runCoin(['invalidate-artifacts', '--working-dir', work]);
    const submitted = await integrate('demo/chatty');
    chattyBuild = submitted.workItems.find((w) => w.kind === 'build')!.id;
    await page.goto(`${base}#/tasks/${submitted.id}`);
    const cards = page.getByTestId('work-item');
    await expect.poll(() => cards.count()).toBe(2);
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([
      'build demo/chatty',
      'test demo/chatty',
    ]);
    await expect.poll(text(page, 'page-task')).toContain('Follow the log');
    await shot(page, 'task-running');
    await page.getByRole('link', { name: 'Follow the log' }).click();
    await page.getByTestId('page-log').waitFor();
    const lines = async () => Number(((await text(page, 'log-line-count')()) || '0').replace(/\D/g, ''));
    await expect.poll(lines).toBeGreaterThan(20);
    const early = await lines();
    // Following: the view stays at the newest line.
    const atBottom = () =>
      page.getByTestId('log-view').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 40);
    await expect.poll(atBottom).toBe(true);
    await expect.poll(lines, { timeout: 30_000 }).toBeGreaterThan(early + 30);
    expect(await atBottom()).toBe(true);
    await shot(page, 'log-following');
    await page.getByTestId('log-view').hover();
    await page.mouse.wheel(0, -3000);
    const stopped = await lines();
    await expect.poll(lines, { timeout: 30_000 }).toBeGreaterThan(stopped + 5);
    expect(await atBottom()).toBe(false);
    expect(await page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('false');

    await page.getByLabel('Search the log').fill('compiling part 42');
    await page.getByLabel('Search the log').press('Enter');
    await expect.poll(text(page, 'search-position')).toBe('1 of 1');
    const match = page.locator('.log-line.current-match');
    await match.waitFor();
    expect(await match.textContent()).toMatch(/step 42 compiling part 42$/);
    expect(await match.locator('mark').textContent()).toBe('compiling part 42');
    await shot(page, 'log-search');
  }));

test('a reused build is marked on the task page', ({ task }) =>
  withPage(task.name, async (page) => {
    const again = await integrate('demo/chatty', true);
    await page.goto(`${base}#/tasks/${again.id}`);
    const build = page.locator('[data-testid="work-item"][data-kind="build"]');
    await build.locator('.reused').waitFor();
    expect(await build.textContent()).toContain('nothing (reused)');
    expect(await page.getByTestId('task-summary').textContent()).toContain('(1 reused)');
    await shot(page, 'task-reused');
  }));

/** `+1:02.250` or `+1:02:03.250` in milliseconds. */
function offsetMs(text: string): number {
  const [sign, ...parts] = /^([+-])(?:(\d+):)?(\d+):(\d\d)\.(\d{3})$/.exec(text)!.slice(1);
  const [h, m, s, ms] = parts.map((p) => Number(p ?? 0));
  return (sign === '-' ? -1 : 1) * (((h! * 60 + m!) * 60 + s!) * 1000 + ms!);
}

test('the log shows when each line arrived on demand, and a search match keeps its colour', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/log/${encodeURIComponent(chattyBuild)}`);
    const search = async (query: string) => {
      await page.getByLabel('Search the log').fill(query);
      await page.getByLabel('Search the log').press('Enter');
      await expect.poll(text(page, 'search-position')).toBe('1 of 1');
      return page.locator('.log-line.current-match');
    };
    const match = await search('step 42');
    // The match is marked inside the green of "step 42", and keeps that green.
    const mark = match.locator('.lt span.ansi-fg-2 > mark');
    expect(await mark.textContent()).toBe('step 42');
    const colours = await mark.evaluate((el) => [
      getComputedStyle(el).color,
      getComputedStyle(el.parentElement!).color,
    ]);
    expect(colours).toEqual(['rgb(63, 185, 80)', 'rgb(63, 185, 80)']);
    expect(await page.locator('.log-line .ts').count()).toBe(0);
    await page.getByRole('button', { name: 'Timestamps' }).click();
    expect(await page.getByRole('button', { name: 'Timestamps' }).getAttribute('aria-pressed')).toBe('true');
    const time = match.locator('.ts');
    expect(await time.textContent()).toMatch(/^[+-]\d+:\d\d\.\d{3}$/);
    expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    await shot(page, 'log-timestamps');
    // The chatty build printed a line every 60 ms: 30 lines later is well over a second later.
    const at42 = offsetMs((await time.textContent())!);
    const at72 = offsetMs((await (await search('step 72')).locator('.ts').textContent())!);
    expect(at72 - at42).toBeGreaterThan(1000);
    expect(at42).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Timestamps' }).click();
    expect(await page.locator('.log-line .ts').count()).toBe(0);
  }));

test('a failed build says why, as a build failure, with the log lines that show it', ({ task }) =>
  withPage(task.name, async (page) => {
    const failed = await integrate('demo/broken', true);
    await page.goto(`${base}#/tasks/${failed.id}`);
    const failure = page.getByTestId('failure');
    await failure.waitFor();
    expect(await failure.locator('.failure-kind').textContent()).toMatch(/^Build failure: /);
    expect(await failure.locator('.failure-said').textContent()).toBe(
      'Failed to compile the tool. (command exited with code 1)',
    );
    await expect
      .poll(async () => failure.locator('.first-error-lines').textContent())
      .toMatch(/^\S*broken\.c:1:\d+: error: .missing_symbol. undeclared/);
    expect(await page.getByTestId('failure-lead').textContent()).toContain('Failed to compile the tool');
    await shot(page, 'task-failed');
    await page.locator('[data-kind="build"]').getByRole('link', { name: 'Log', exact: true }).click();
    await page.getByRole('button', { name: 'First error' }).click();
    const marked = page.locator('.log-line.marked');
    await marked.waitFor();
    expect(await marked.textContent()).toMatch(/error: .missing_symbol. undeclared/);
    const line = await marked.getAttribute('data-line');
    await shot(page, 'log-first-error');
    await page.goto(`${base}#/log/${encodeURIComponent(failed.workItems[0]!.id)}?line=${line}`);
    await page.reload();
    await page.locator(`.log-line.marked[data-line="${line}"]`).waitFor();
  }));

test('a failed test leads with the failing test and its message, shows the command once, folded', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const failed = await integrate('demo/tested', true);
    const testItem = failed.workItems.find((w) => w.kind === 'test')!;
    await page.setViewportSize({ width: 1200, height: 1300 });
    await page.goto(`${base}#/tasks/${failed.id}`);
    const lead = page.getByTestId('failure-lead');
    await lead.waitFor();
    expect(await lead.locator('.failure-kind').textContent()).toBe(
      'Test failure: the change built, its tests failed',
    );
    expect(await lead.locator('.failure-headline').textContent()).toBe(
      'tst_Tool::prints failed: Compared values are not the same',
    );
    const card = page.locator('[data-testid="work-item"][data-kind="test"]');
    const failure = card.getByTestId('failure');
    expect(await failure.getByTestId('failed-tests').textContent()).toBe(
      'tst_Tool::printsCompared values are not the same',
    );
    await expect
      .poll(async () => failure.locator('.first-error-lines').textContent())
      .toMatch(/^FAIL! {2}: tst_Tool::prints\(\) Compared values are not the same\n/);
    // The command is on the page once, folded away until asked for.
    const body = async () => (await page.locator('main').textContent()) ?? '';
    expect((await body()).match(/tst_tool\.sh/g)).toHaveLength(1);
    const command = failure.getByTestId('failed-command');
    expect(await command.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect(await command.locator('pre').isVisible()).toBe(false);
    // The results name test cases, and their table stays inside the card.
    const table = card.getByTestId('test-results');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator('.test-name').allTextContents()).toEqual([
      'tst_Tool::prints',
      'tst_Tool::initTestCase',
    ]);
    const [cardBox, tableBox] = [await card.boundingBox(), await table.boundingBox()];
    expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
    expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await shot(page, 'task-test-failure');
    await command.locator('summary').click();
    expect(await command.locator('pre').textContent()).toMatch(
      /^sh \/\S+\/tests\/tst_tool\.sh .* --fail-fast$/,
    );
    await shot(page, 'task-test-failure-command');

    // The log: its header leads with the failing test, First error lands on FAIL!, not on the
    // echoed command line (which says --fail-fast).
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(`${base}#/log/${encodeURIComponent(testItem.id)}`);
    expect(await page.getByTestId('log-failure').textContent()).toBe(
      'Test failure: tst_Tool::prints failed: Compared values are not the same',
    );
    await page.getByRole('button', { name: 'First error' }).click();
    const marked = page.locator('.log-line.marked');
    await marked.waitFor();
    expect(await marked.locator('.lt').textContent()).toBe(
      'FAIL!  : tst_Tool::prints() Compared values are not the same',
    );
    const echoed = page.locator('.log-line', { hasText: '--fail-fast' }).first();
    expect(Number(await echoed.getAttribute('data-line'))).toBeLessThan(
      Number(await marked.getAttribute('data-line')),
    );
    await shot(page, 'log-test-failure-first-error');
  }));

test('the task list fits a 1024 px window and filters by parts of names', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${base}#/integrations`);
    await page.getByTestId('task-row').first().waitFor();
    const overflows = () =>
      page.evaluate(() =>
        [
          document.documentElement,
          ...Array.from(document.querySelectorAll('main, .filters, .vtable, .vrow, .vbody')),
        ]
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.tagName}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`),
      );
    expect(await overflows()).toEqual([]);
    for (const control of await page.locator('.filters input, .filters select, .filters button').all()) {
      const box = (await control.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1024);
    }
    await shot(page, 'integrations-1024');
    // Project and branch match any part of the name, ignoring case.
    await page.getByLabel('Project').fill('TeSt');
    await page.getByLabel('Project').press('Enter');
    await expect.poll(text(page, 'task-count')).toMatch(/^1 task/);
    expect(await page.getByTestId('task-row').first().textContent()).toContain('demo/tested');
    await page.getByLabel('Branch').fill('AI');
    await page.getByLabel('Branch').press('Enter');
    await expect.poll(text(page, 'task-count')).toMatch(/^1 task/);
    expect(new URL(page.url()).hash).toBe('#/integrations?project=TeSt&branch=AI');
    await page.getByLabel('Project').fill('chat');
    await page.getByLabel('Project').press('Enter');
    await expect.poll(text(page, 'task-count')).toMatch(/^[2-9] task/);
    expect(await overflows()).toEqual([]);
    await shot(page, 'integrations-1024-filtered');
  }));

test('the agents and storage pages show the pool and the disk', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/agents`);
    await page.getByTestId('agent-counts').waitFor();
    await page.getByRole('img', { name: /Agents waiting and running/ }).waitFor();
    // the local hypervisor's Hosts table: one row, this machine
    await expect.poll(text(page, 'host-table')).toMatch(/this machine \(.+\)● on\d+\d+$/);
    await shot(page, 'agents');
    await page.getByRole('link', { name: 'Storage' }).click();
    await page.getByTestId('disk').waitFor();
    await expect.poll(text(page, 'artifacts-by-project')).toContain('demo/chatty');
    await shot(page, 'storage');
    const docs = page.getByRole('link', { name: /Documentation/ });
    expect(await docs.getAttribute('href')).toBe(`${base}doc/`);
  }));
