// The log page's early paint in real Chromium against a real `coin run`: with the application's
// bundle held back by the browser, a page opened on a log already shows its first lines (or the
// lines around `?line=N`), as text, under the dashboard's Content-Security-Policy; once the bundle
// runs, the log page takes over with the same lines, each once, and no frame without lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { instancePaths, taskListFirstPage } from '../../runner/core/instance-api';
import { SqliteStore } from '../../runner/node/store/sqlite-store';
import { withPage } from '../helpers/chromium';
import { startCoin, type CoinProcess } from '../helpers/coin-process';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

const lineCount = 3000;
/** Line n (1-based) of the log; some lines carry colours, one looks like HTML. */
const lineText = (n: number) =>
  n === 3
    ? '<b>not bold</b> & <script>alert(1)</script>'
    : `line ${n} \x1b[32mcompiled\x1b[0m part${n % 7}.o`;
const shownText = (n: number) => lineText(n).replace(/\x1b\[\d+m/g, ''); // eslint-disable-line no-control-regex -- the log's colours

let root: TempDir;
let coin: CoinProcess;
let base: string;
let itemId: string;

/** A working directory with one finished work item whose log has `lineCount` lines; its id. */
function seedWork(work: string): string {
  const store = SqliteStore.open(work);
  const task = store.createTask({
    type: 'Integration',
    project: 'demo/early',
    branch: 'dev',
    sha: 'e'.repeat(40),
  });
  const id = `${task.id}.build.demo_early.linux`;
  store.createWorkItems(task.id, [{ id, kind: 'build', configurationId: 'linux' }]);
  store.setWorkItemState(id, 'Running', {});
  store.setWorkItemState(id, 'Done', {});
  store.setTaskState(task.id, 'Running');
  store.setTaskState(task.id, 'Passed');
  store.close();
  mkdirSync(path.join(work, 'logs'), { recursive: true });
  const text = Array.from({ length: lineCount }, (_, i) => `${lineText(i + 1)}\n`).join('');
  writeFileSync(path.join(work, 'logs', `${id}.log`), text);
  return id;
}

beforeAll(async () => {
  root = await makeTempDir('early-paint-e2e-');
  const work = path.join(root.path, 'work');
  itemId = seedWork(work);
  coin = await startCoin(work);
  base = `http://127.0.0.1:${coin.port}/coin/`;
});

afterAll(async () => {
  await coin?.stop();
  await root?.remove();
});

/** Holds the application's entry script until `release` is called. */
async function holdBundle(page: Page): Promise<{ release: () => void; requested: Promise<void> }> {
  let release!: () => void;
  let seen!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const requested = new Promise<void>((resolve) => (seen = resolve));
  await page.route(/\/assets\/index-[^/]+\.js$/, async (route: Route) => {
    seen();
    await released;
    await route.continue();
  });
  return { release, requested };
}

/** Counts, frame by frame, frames without a log line after the first one with lines. */
const watchFrames = () => {
  const state = { seenLines: false, emptyFrames: 0 };
  (window as unknown as { __frames: typeof state }).__frames = state;
  const frame = () => {
    const lines = document.querySelectorAll('.log-line .lt').length;
    if (lines) state.seenLines = true;
    else if (state.seenLines) state.emptyFrames++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

const rowsIn = (page: Page, scope: string) =>
  page.locator(`${scope} .log-line`).evaluateAll((rows) =>
    rows.map((row) => ({
      line: Number((row as HTMLElement).dataset.line),
      text: row.querySelector('.lt')?.textContent ?? '',
      elements: row.querySelector('.lt')?.querySelectorAll('b, script').length ?? 0,
    })),
  );

test('a log page shows its first lines before the bundle runs, then the log page takes them over once', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    const taskListRequests: string[] = [];
    page.on('request', (r) => /\/api\/(search\/)?tasks\?/.test(r.url()) && taskListRequests.push(r.url()));
    await page.addInitScript(watchFrames);
    await page.addInitScript(() => {
      const seen = new MutationObserver(() => {
        if (!document.querySelector('.log-line')) return;
        (window as unknown as { __rowsAt: number }).__rowsAt = Date.now();
        seen.disconnect();
      });
      seen.observe(document, { childList: true, subtree: true });
    });
    let bundleAskedAt = 0;
    page.on('request', (r) => /\/assets\/index-[^/]+\.js$/.test(r.url()) && (bundleAskedAt ||= Date.now()));
    const bundle = await holdBundle(page);
    const response = await page.goto(`${base}#/log/${encodeURIComponent(itemId)}`, { waitUntil: 'commit' });
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-[\w+/=]+'/);
    await page.locator('[data-testid="early-log"] .log-line[data-line="1"] .lt').waitFor();
    await bundle.requested;
    // On a log page the bundle is asked for only once the early lines are there.
    const rowsAt = await page.evaluate(() => (window as unknown as { __rowsAt: number }).__rowsAt);
    expect(bundleAskedAt).toBeGreaterThanOrEqual(rowsAt);
    // The application has not run: no React page, the root is empty.
    expect(await page.getByTestId('page-log').count()).toBe(0);
    expect(await page.locator('#root').evaluate((el) => el.childElementCount)).toBe(0);
    // The first screen's rows come first, the rest of the 200 after that frame.
    await expect.poll(async () => (await rowsIn(page, '[data-testid="early-log"]')).length).toBe(200);
    const early = await rowsIn(page, '[data-testid="early-log"]');
    expect(early.map((r) => r.line).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    for (const row of early) expect(row.text).toBe(shownText(row.line));
    expect(early[2]!.elements).toBe(0); // the HTML-looking line is text
    expect(taskListRequests).toEqual([]); // a log page does not preload the task list
    expect(
      await page.locator('[data-testid="early-log"] .log-line[data-line="2"] .ln').getAttribute('href'),
    ).toBe(`#/log/${encodeURIComponent(itemId)}?line=2`);

    bundle.release();
    await page.getByTestId('page-log').waitFor();
    await expect.poll(() => page.getByTestId('early-log').count(), { timeout: 30_000 }).toBe(0);
    await expect
      .poll(async () => (await rowsIn(page, '[data-testid="page-log"]')).length)
      .toBeGreaterThan(20);
    const taken = await rowsIn(page, 'body');
    const numbers = taken.map((r) => r.line);
    expect(new Set(numbers).size).toBe(numbers.length); // every line once
    expect(numbers).toContain(1);
    for (const row of taken) expect(row.text).toBe(shownText(row.line));
    expect(await page.getByTestId('log-line-count').textContent()).toBe(
      `${lineCount.toLocaleString('en')} lines`,
    );
    const frames = await page.evaluate(() => (window as unknown as { __frames: object }).__frames);
    expect(frames).toEqual({ seenLines: true, emptyFrames: 0 });
    expect(violations).toEqual([]);
  }));

test('a link to line N paints the lines around N early, marked and in view, and the log page keeps it', ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const bundle = await holdBundle(page);
    await page.goto(`${base}#/log/${encodeURIComponent(itemId)}?line=2500`, { waitUntil: 'commit' });
    const marked = page.locator('[data-testid="early-log"] .log-line.marked');
    await marked.waitFor();
    expect(await page.getByTestId('page-log').count()).toBe(0);
    expect(await marked.getAttribute('data-line')).toBe('2500');
    expect(await marked.locator('.lt').textContent()).toBe(shownText(2500));
    await expect.poll(async () => (await rowsIn(page, '[data-testid="early-log"]')).length).toBe(200);
    const early = (await rowsIn(page, '[data-testid="early-log"]')).map((r) => r.line);
    expect(Math.min(...early)).toBe(2400);
    expect(Math.max(...early)).toBe(2599);
    const box = await marked.boundingBox();
    expect(box!.y).toBeGreaterThan(0);
    expect(box!.y + box!.height).toBeLessThan(800);

    bundle.release();
    await page.locator('[data-testid="page-log"] .log-line.marked[data-line="2500"]').waitFor();
    await expect.poll(() => page.getByTestId('early-log').count(), { timeout: 30_000 }).toBe(0);
    const numbers = (await rowsIn(page, 'body')).map((r) => r.line);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(await page.locator('.log-line.marked').count()).toBe(1);
  }));

test("a log's link carries its lines in the page: drawn before the bundle with nothing asked, then the hash route", ({
  task,
}) =>
  withPage(task.name, async (page) => {
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    const linesRequests: string[] = [];
    page.on('request', (r) => r.url().includes('/log/lines') && linesRequests.push(r.url()));
    const bundle = await holdBundle(page);
    const link = new URL(instancePaths.logPage(itemId, 2500), base).toString();
    expect(link).toBe(`${base}?log=${encodeURIComponent(itemId)}&line=2500`);
    await page.goto(link, { waitUntil: 'commit' });
    const marked = page.locator('[data-testid="early-log"] .log-line.marked');
    await marked.waitFor();
    await bundle.requested;
    // the page held the lines: none were asked for before the application ran
    expect(linesRequests).toEqual([]);
    expect(await page.getByTestId('page-log').count()).toBe(0);
    expect(await marked.getAttribute('data-line')).toBe('2500');
    expect(await marked.locator('.lt').textContent()).toBe(shownText(2500));
    // the address is the log page's route, so reloading, links and the application agree
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe(`#/log/${encodeURIComponent(itemId)}?line=2500`);
    await expect.poll(async () => (await rowsIn(page, '[data-testid="early-log"]')).length).toBe(200);
    const early = (await rowsIn(page, '[data-testid="early-log"]')).map((r) => r.line);
    expect([Math.min(...early), Math.max(...early)]).toEqual([2400, 2599]);

    bundle.release();
    await page.locator('[data-testid="page-log"] .log-line.marked[data-line="2500"]').waitFor();
    await expect.poll(() => page.getByTestId('early-log').count(), { timeout: 30_000 }).toBe(0);
    const numbers = (await rowsIn(page, 'body')).map((r) => r.line);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(violations).toEqual([]);

    // the top of the log: the line that looks like HTML stays text
    await page.goto('about:blank');
    await page.goto(new URL(instancePaths.logPage(itemId), base).toString());
    await page.locator('.log-line[data-line="3"] .lt').waitFor();
    const third = (await rowsIn(page, 'body')).find((r) => r.line === 3)!;
    expect(third).toEqual({ line: 3, text: shownText(3), elements: 0 });
  }));

test('leaving a log before the bundle runs removes the early lines; other pages paint none', ({ task }) =>
  withPage(task.name, async (page) => {
    const bundle = await holdBundle(page);
    await page.goto(`${base}#/log/${encodeURIComponent(itemId)}`, { waitUntil: 'commit' });
    await page.getByTestId('early-log').waitFor();
    await page.evaluate(() => (window.location.hash = '#/agents'));
    await expect.poll(() => page.getByTestId('early-log').count()).toBe(0);
    bundle.release();
    await page.getByTestId('page-agents').waitFor();
    await page.goto('about:blank');
    const listRequests: string[] = [];
    page.on('request', (r) => /\/api\/(search\/)?tasks\?/.test(r.url()) && listRequests.push(r.url()));
    await page.goto(`${base}#/integrations`);
    await page.getByTestId('task-count').waitFor();
    await page.getByTestId('task-row').first().waitFor();
    // The early script preloads the task list's first page, and the list's own request for it is
    // served by that preload: one request reaches the instance (two when the URLs differ, as they
    // once did: the preload named api/tasks, the list asks api/search/tasks).
    expect(listRequests).toEqual([new URL(taskListFirstPage, base).toString()]);
    expect(await page.locator('link[rel="preload"][as="fetch"]').getAttribute('href')).toBe(
      `./${taskListFirstPage}`,
    );
    expect(await page.evaluate(() => 'coinEarlyLog' in window)).toBe(false);
    expect(await page.getByTestId('early-log').count()).toBe(0);
  }));

test('under another base path the early paint asks relative to the page', ({ task }) =>
  withPage(task.name, async (page) => {
    const work = path.join(root.path, 'work-based');
    const id = seedWork(work);
    const based = await startCoin(work, ['--base-path', '/ci/coin']);
    try {
      const bundle = await holdBundle(page);
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`http://127.0.0.1:${based.port}/ci/coin/#/log/${encodeURIComponent(id)}`, {
        waitUntil: 'commit',
      });
      await page.locator('[data-testid="early-log"] .log-line[data-line="1"] .lt').waitFor();
      expect(await page.locator('[data-testid="early-log"] .log-line[data-line="1"] .lt').textContent()).toBe(
        shownText(1),
      );
      expect(asked).toContain(`/ci/coin/${instancePaths.workItemLogLines(id, {})}`);
      bundle.release();
      await page.getByTestId('page-log').waitFor();
    } finally {
      await page.close(); // its event stream would hold the instance's graceful stop open
      await based.stop();
    }
  }));
