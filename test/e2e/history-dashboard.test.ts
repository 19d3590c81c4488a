// The dashboard's history views in real Chromium against a real `coin run`: a module whose test
// fails the first time and passes when the same revision is integrated again (a flake), then a
// commit that breaks the tool for good. The task list's search finds the failed integrations by
// their failure text, the test's timeline shows the flaky run, and the broken integration's page
// compares it with the last green one (the commit in between, the newly failing test). Screenshots
// go to test/artifacts/screenshots/ for docs/dashboard.md.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { screenshotDir, withPage } from '../helpers/chromium';
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { toolSource } from '../integration/runner/demo-modules';
import { failingTestModuleConfig } from '../integration/runner/failing-test-module';

let root: TempDir;
let work: string;
let coin: CoinProcess;
let base: string;
/** The three integrations: the flake (failed), the same revision again (passed), the broken tool (failed). */
const ids: string[] = [];
const codes: number[] = [];

/**
 * tests/tst_tool.sh: the first run (no marker file yet) fails and leaves the marker, later runs
 * pass while the tool prints what it should; a tool printing anything else fails every time.
 */
function onceFailingTest(marker: string): string {
  return `#!/bin/sh
printed=$("$1")
mkdir -p "$2"
result=pass; code=0
if [ "$printed" != "tool works" ]; then result=fail; code=1
elif [ ! -e "${marker}" ]; then : > "${marker}"; result=fail; code=1; fi
[ $code = 0 ] || echo "FAIL!  : tst_History::output() Compared values are not the same"
cat > "$2/tst_history.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<TestCase name="tst_History">
<TestFunction name="initTestCase"><Incident type="pass" file="" line="0"/></TestFunction>
<TestFunction name="output"><Incident type="$result" file="tests/tst_tool.sh" line="6"><Description><![CDATA[Compared values are not the same]]></Description></Incident></TestFunction>
</TestCase>
XML
exit $code
`;
}

async function integrate(repo: string): Promise<void> {
  const args = ['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json'];
  const result = await runCoin(args, { timeoutMs: 180_000 });
  ids.push((JSON.parse(result.stdout) as { id: string }).id);
  codes.push(result.code);
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  root = await makeTempDir('history-dashboard-e2e-');
  work = path.join(root.path, 'work');
  const files = (source: string) => ({
    'coin/module_config.yaml': failingTestModuleConfig(),
    'tool.c': source,
    'tests/tst_tool.sh': onceFailingTest(path.join(root.path, 'ran-once')),
  });
  await commitModule(root.path, 'demo/history', files(toolSource));
  coin = await startCoin(work);
  base = `http://127.0.0.1:${coin.port}/coin/`;
  const repo = path.join(root.path, 'demo/history');
  await integrate(repo); // the flake fails
  await integrate(repo); // the same revision passes
  await commitModule(root.path, 'demo/history', files(toolSource.replace('tool works', 'tool broken')));
  await integrate(repo); // fails for real
}, 600_000);

afterAll(async () => {
  await coin?.stop();
  await root?.remove();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
const text = (page: Page, testId: string) => async () =>
  (await page.getByTestId(testId).first().textContent()) ?? '';
const wait = { timeout: 30_000 };
const rowIds = (page: Page) =>
  page.getByTestId('task-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task-id')));

test('the integrations ran: the flake failed, the same revision passed, the broken tool failed', () => {
  expect(codes).toEqual([1, 0, 1]);
});

test('the task list searches by failure text through the runner, and the search is in the address', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/integrations`);
    await expect.poll(text(page, 'task-count'), wait).toMatch(/^3 task/);
    await page.getByLabel('Failure reason').fill('tests of the tool');
    await page.getByLabel('State').selectOption('Failed');
    await expect
      .poll(text(page, 'task-count'), wait)
      .toMatch(/^2 task\(s\) match state Failed, failure reason/);
    await expect.poll(() => rowIds(page), wait).toEqual([ids[2], ids[0]]);
    expect(new URL(page.url()).hash).toBe('#/integrations?state=Failed&failure=tests+of+the+tool');
    await shot(page, 'dashboard-search');

    // the same address in a new page gives the same search
    await page.goto('about:blank');
    await page.goto(`${base}#/integrations?state=Failed&failure=tests+of+the+tool`);
    await expect.poll(() => rowIds(page), wait).toEqual([ids[2], ids[0]]);
    expect(await page.getByLabel('Failure reason').inputValue()).toBe('tests of the tool');

    await page.getByLabel('Failure reason').fill('segmentation');
    await page.getByLabel('Failure reason').press('Enter');
    await expect.poll(text(page, 'task-count'), wait).toMatch(/^0 task/);
    await expect.poll(text(page, 'search-empty'), wait).toContain('No task matches state Failed');
    await page.getByRole('button', { name: 'Show every task' }).click();
    await expect.poll(text(page, 'task-count'), wait).toMatch(/^3 task\(s\), newest first/);
  }));

test('a flaky test leads the Tests page and its timeline marks the flaky run', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/tests`);
    const row = page.locator('[data-testid="test-row"][data-test-name="tst_History::output"]');
    await row.waitFor(wait);
    expect(await row.getByTestId('test-flaky-rate').textContent()).toBe('33%');
    expect(await row.getByTestId('test-last-pass').textContent()).toMatch(/ago|just now/);
    await row.getByRole('link', { name: 'tst_History::output' }).click();
    await page.getByTestId('test-timeline').waitFor(wait);
    expect(page.url()).toContain('#/tests/tst_History%3A%3Aoutput');
    expect(await page.getByTestId('flaky-rate').textContent()).toBe('33%');
    const cells = await page
      .getByTestId('timeline-cell')
      .evaluateAll((all) =>
        all.map((c) => [
          c.getAttribute('data-task-id'),
          c.getAttribute('data-outcome'),
          c.getAttribute('data-flaky'),
        ]),
      );
    expect(cells).toEqual([
      [ids[0], 'failed', 'true'],
      [ids[1], 'passed', 'false'],
      [ids[2], 'failed', 'false'],
    ]);
    expect(await page.getByTestId('first-failing').textContent()).toContain(ids[2]!.slice(0, 8));
    expect(await page.getByTestId('last-pass').textContent()).toContain(ids[1]!.slice(0, 8));
    await shot(page, 'dashboard-test-timeline');

    // a cell opens its integration, whose test results link back to the test's page
    await page.locator(`[data-testid="timeline-cell"][data-task-id="${ids[0]}"]`).click();
    await page.getByTestId('task-summary').waitFor(wait);
    const link = page.getByTestId('test-results').getByRole('link', { name: 'tst_History::output' });
    await link.click();
    await page.getByTestId('test-timeline').waitFor(wait);
  }));

test('a failed integration says what changed since the last green one', ({ task }) =>
  withPage(task.name, async (page) => {
    await page.goto(`${base}#/tasks/${ids[2]}`);
    const panel = page.getByTestId('since-green');
    await panel.waitFor(wait);
    await expect
      .poll(() => panel.getByTestId('green-task').textContent(), wait)
      .toContain(ids[1]!.slice(0, 8));
    expect(await panel.getByTestId('since-green-commits').textContent()).toContain('change');
    const failing = panel.getByTestId('newly-failing');
    expect(await failing.textContent()).toContain('tst_History::output');
    expect(await failing.textContent()).toContain('Compared values are not the same');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'dashboard-since-green');
    // durations: two earlier runs of a step are too few to call this one slow; the test step's chart has all three
    const durations = page.getByTestId('task-durations');
    await durations.getByRole('button', { name: /^test on / }).click();
    expect(await durations.getByTestId('slow-verdict').getAttribute('data-slow')).toBe('false');
    expect(await durations.getByTestId('slow-verdict').textContent()).toContain('Not judged yet');
    await expect
      .poll(() => durations.getByTestId('duration-chart').getAttribute('data-points'), wait)
      .toBe('3');
    // the passed integration has nothing to compare
    await page.goto(`${base}#/tasks/${ids[1]}`);
    await page.getByTestId('task-summary').waitFor(wait);
    expect(await page.getByTestId('since-green').count()).toBe(0);
  }));
