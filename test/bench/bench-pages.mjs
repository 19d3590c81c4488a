// The dashboard's pages in Chromium, against the first contentful paint of an empty page served
// the same way (HTTP on loopback):
//   task list: the first task row of a list of N tasks, and frame times while scrolling it
//   log view:  the first lines of a 1,000,000-line log opened by its link (`?log=<id>`, the link
//              the instance gives out: the page carries the lines), cold: the server indexes the
//              file first, the median of five copies opened once each; the same by the
//              dashboard's hash route (`#/log/<id>`: the page asks for the lines), five more
//              copies, the two ways alternating; warm: at line 500,000 once indexed; the log has
//              its batch times, as agents write; each open follows an empty page of its own,
//              the baseline of that way
//   log times: a page of 500 lines with their times vs the same page without, in the server
/* global window, document, requestAnimationFrame, MutationObserver -- functions passed to the page run there */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { chromium } from 'playwright-core';
import { median, repoRoot, startInstance } from './bench-instance.mjs';

register();
const { SqliteStore } = await import('../../runner/node/store/sqlite-store.ts');
const { encodeLogTime, LogTimeIndex } = await import('../../runner/node/store/log-time-index.ts');
const { LogLineIndex } = await import('../../runner/node/store/log-line-index.ts');
const { instancePaths } = await import('../../runner/core/instance-api.ts');

export function buildRenderer() {
  // NODE_ENV=production: React's production build, as people get it.
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'error',
    ],
    { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
  );
}

function seedTasks(store, count) {
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const task = store.createTask({
        type: 'Integration',
        project: `qt/module${i % 40}`,
        branch: 'dev',
        sha: i.toString(16).padStart(40, '0'),
      });
      store.setTaskState(task.id, 'Running');
      store.setTaskState(
        task.id,
        i % 9 === 0 ? 'Failed' : 'Passed',
        i % 9 === 0 ? 'build linux: it broke' : null,
      );
    }
  });
}

/** One finished work item; returns its id. */
function seedWorkItem(store) {
  const task = store.createTask({
    type: 'Integration',
    project: 'qt/qtbase',
    branch: 'dev',
    sha: 'f'.repeat(40),
  });
  const id = `${task.id}.build.qt_qtbase.bench`;
  store.createWorkItems(task.id, [{ id, kind: 'build', configurationId: 'bench' }]);
  store.setWorkItemState(id, 'Running', {});
  store.setWorkItemState(id, 'Done', {});
  store.setTaskState(task.id, 'Running');
  store.setTaskState(task.id, 'Passed');
  return id;
}

/** A 1,000,000-line log with its batch times (20,000 batches of 50 lines) for work item `id`. */
function seedLog(work, id) {
  mkdirSync(path.join(work, 'logs'), { recursive: true });
  const chunks = [];
  const times = [];
  let offset = 0;
  for (let block = 0; block < 10; block++) {
    const lines = [];
    for (let i = block * 100_000; i < (block + 1) * 100_000; i++) {
      const line = `[${String(i).padStart(7, '0')}] \x1b[32mcompiling\x1b[0m src/corelib/file${i % 977}.cpp -o obj/file${i % 977}.o`;
      if (i % 50 === 0) times.push(encodeLogTime(offset, Date.UTC(2026, 10, 28) + (i / 50) * 50));
      offset += Buffer.byteLength(line) + 1;
      lines.push(line);
    }
    chunks.push(`${lines.join('\n')}\n`);
  }
  writeFileSync(path.join(work, 'logs', `${id}.log`), chunks.join(''));
  writeFileSync(path.join(work, 'logs', `${id}.times`), Buffer.concat(times));
}

/**
 * A working directory with `tasks` finished tasks plus `logs` whose work items have the big log
 * (the same bytes, each a file of its own that the server has never indexed); their ids.
 */
export function seedWorkingDir(work, tasks, logs = 1) {
  const store = SqliteStore.open(work);
  seedTasks(store, tasks);
  const ids = Array.from({ length: logs }, () => seedWorkItem(store));
  store.close();
  seedLog(work, ids[0]);
  for (const id of ids.slice(1))
    for (const ext of ['log', 'times'])
      copyFileSync(path.join(work, 'logs', `${ids[0]}.${ext}`), path.join(work, 'logs', `${id}.${ext}`));
  return ids;
}

async function emptyPageServer() {
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>empty</title><p>ok</p>'),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => server.close(r)),
  };
}

// Records, in the page, when the first element matching window.__benchSelector shows content.
const watchScript = () => {
  window.__bench = {};
  const paint = () => {
    const selector = window.__benchSelector;
    if (!selector || window.__bench.useful !== undefined) return;
    const element = document.querySelector(selector);
    if (element && element.textContent && !element.textContent.includes('…'))
      requestAnimationFrame(() => (window.__bench.useful = performance.now()));
  };
  new MutationObserver(paint).observe(document, { childList: true, subtree: true, characterData: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.name === 'first-contentful-paint') window.__bench.fcp = entry.startTime;
  }).observe({ type: 'paint', buffered: true });
};

async function measure(browser, url, selector) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(
    `window.__benchSelector = ${JSON.stringify(selector)}; (${watchScript.toString()})();`,
  );
  const page = await context.newPage();
  await page.goto(url);
  const key = selector ? 'useful' : 'fcp';
  await page.waitForFunction((k) => window.__bench[k] !== undefined, key, { timeout: 60_000 });
  const value = await page.evaluate((k) => window.__bench[k], key);
  return { value, page, context };
}

/** Frame times while the task list scrolls 300 px per frame for 120 frames. */
function scrollFrames(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const scroller = document.querySelector('[data-testid="task-scroller"]');
        const times = [];
        let last = performance.now();
        const step = () => {
          const now = performance.now();
          times.push(now - last);
          last = now;
          scroller.scrollTop += 300;
          if (times.length < 120) requestAnimationFrame(step);
          else resolve(times.slice(1));
        };
        requestAnimationFrame(step);
      }),
  );
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    headless: true,
  });
}

/** The first task row of the list of `tasks` tasks, `runs` times each with the empty page. */
async function taskList(browser, empty, base, tasks, runs) {
  const baseline = [];
  const rows = [];
  let frames = [];
  for (let run = 0; run < runs; run++) {
    const e = await measure(browser, empty.url, null);
    baseline.push(e.value);
    await e.context.close();
    const t = await measure(browser, `${base}#/integrations`, '[data-testid="task-row"]');
    rows.push(t.value);
    const count = await t.page.getByTestId('task-count').textContent();
    if (!count.startsWith(tasks.toLocaleString('en-US')))
      throw new Error(`the task list of ${tasks} says "${count}"`);
    if (run === runs - 1) frames = await scrollFrames(t.page);
    await t.context.close();
  }
  return { empty: median(baseline), firstRow: median(rows), frames: [...frames].sort((a, b) => a - b) };
}

/**
 * First opens of the log (each of its own copy, cold): half by the log's link, half by the hash
 * route, alternating; then `runs` warm opens of the first at line 500,000. Each open follows an
 * empty page opened right before it, in a context of its own the same way: each way's ratio is
 * the median of its opens over the median of the empty pages beside them (the empty page's first
 * paint moved from 52 to 108 ms within one run, so a baseline taken in another phase of the run,
 * such as the task list's, moved the ratio by a third).
 */
async function logView(browser, empty, base, logItems, runs) {
  const ways = {
    link: { opens: [], empties: [] },
    hash: { opens: [], empties: [] },
    warm: { opens: [], empties: [] },
  };
  const paired = async (way, url, selector) => {
    const e = await measure(browser, empty.url, null);
    await e.context.close();
    const open = await measure(browser, url, selector);
    await open.context.close();
    ways[way].empties.push(e.value);
    ways[way].opens.push(open.value);
  };
  for (const [i, logItem] of logItems.entries()) {
    const byLink = i % 2 === 0;
    const url = byLink
      ? new URL(instancePaths.logPage(logItem), base).toString()
      : `${base}#/log/${encodeURIComponent(logItem)}`;
    await paired(byLink ? 'link' : 'hash', url, '.log-line .lt');
  }
  const item = encodeURIComponent(logItems[0]);
  for (let run = 0; run < runs; run++)
    await paired('warm', `${base}#/log/${item}?line=500000`, '.log-line.marked .lt');
  const of = (way) => ({ value: median(ways[way].opens), empty: median(ways[way].empties) });
  return { cold: of('link'), coldHash: of('hash'), warm: of('warm') };
}

/** Median time of a 500-line page at line 500,000 with its times vs without (server side). */
export async function logTimes(work, id) {
  const log = path.join(work, 'logs', `${id}.log`);
  const index = new LogLineIndex();
  // a long log's times are read from its file by range, as LogStore.timesOf does
  const timeIndex = new LogTimeIndex();
  const timesOf = (file) => (first, last, max) => timeIndex.read(file, first, last, max);
  await index.lines(log, 0, 0);
  const page = async (times) => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) await index.lines(log, 500_000 + i * 500, 500, times);
    return (performance.now() - started) / 20;
  };
  const without = [];
  const withTimes = [];
  for (let run = 0; run < 9; run++) {
    without.push(await page(undefined));
    withTimes.push(await page(timesOf(log.replace(/\.log$/, '.times'))));
  }
  return { with: median(withTimes), without: median(without) };
}

/**
 * The pages of a working directory seeded with `tasks` tasks and the big log, measured `runs`
 * times; with `logs` false only the task list.
 */
export async function pages(root, browser, tasks, { runs = 5, logs = true } = {}) {
  const work = path.join(root, `work-pages-${tasks}`);
  const logItems = seedWorkingDir(work, tasks, logs ? 10 : 1);
  const logItem = logItems[0];
  const instance = await startInstance(work, ['--max-agents', '1']);
  const empty = await emptyPageServer();
  try {
    const base = `http://127.0.0.1:${instance.port}/coin/`;
    const list = await taskList(browser, empty, base, tasks + logItems.length, runs);
    const log = logs ? await logView(browser, empty, base, logItems, runs) : undefined;
    const times = logs ? await logTimes(work, logItem) : undefined;
    return { tasks, ...list, log, times };
  } finally {
    await empty.close();
    await instance.stop();
  }
}
