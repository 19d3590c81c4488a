#!/usr/bin/env node
// Dashboard benchmarks (issue 5). Not part of npm test: run `node test/bench/dashboard-bench.mjs`.
// Each measurement prints a ratio against a baseline measured in the same run:
//   task list:  first useful paint (the first task row) of a 10,000-task list in Chromium vs the
//               first contentful paint of an empty page; plus frame times while scrolling it
//   log:        first useful paint (the first log lines) of a 1,000,000-line log (cold: the
//               server indexes the file; warm: indexed) vs the empty page; the log has its
//               batch times (20,000 batches of 50 lines), as a log written by agents has
//   log times:  a page of 500 lines with their times vs the same page without, in the server
//   websocket:  store events per second through the event WebSocket to 1 and to 50 clients vs a
//               raw `ws` server sending the same messages to the same clients
/* global window, document, requestAnimationFrame, MutationObserver -- functions passed to the page run there */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { register } from 'tsx/esm/api';
import { chromium } from 'playwright-core';
import WebSocket, { WebSocketServer } from 'ws';

register();
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const { SqliteStore } = await import('../../runner/node/store/sqlite-store.ts');
const { registerEventSocket } = await import('../../runner/node/server/event-socket.ts');
const { encodeLogTime, LogTimeIndex } = await import('../../runner/node/store/log-time-index.ts');
const { LogLineIndex } = await import('../../runner/node/store/log-line-index.ts');
const { default: Fastify } = await import('fastify');
const { default: websocket } = await import('@fastify/websocket');

const runs = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(0)} ms`;

function buildRenderer() {
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
    {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
}

/** A working directory with 10,000 finished tasks and one work item with a 1,000,000-line log. */
function seedWorkingDir(work) {
  const store = SqliteStore.open(work);
  store.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
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
  store.close();
  mkdirSync(path.join(work, 'logs'), { recursive: true });
  const chunks = [];
  const times = [];
  let offset = 0;
  for (let block = 0; block < 10; block++) {
    const lines = [];
    for (let i = block * 100_000; i < (block + 1) * 100_000; i++) {
      const line = `[${String(i).padStart(7, '0')}] \x1b[32mcompiling\x1b[0m src/corelib/file${i % 977}.cpp -o obj/file${i % 977}.o`;
      if (i % 50 === 0) times.push(encodeLogTime(offset, Date.UTC(2026, 10, 28) + (i / 50) * 50));
      offset += line.length + 1;
      lines.push(line);
    }
    chunks.push(`${lines.join('\n')}\n`);
  }
  writeFileSync(path.join(work, 'logs', `${id}.log`), chunks.join(''));
  writeFileSync(path.join(work, 'logs', `${id}.times`), Buffer.concat(times));
  return id;
}

/** Median time of a 500-line page at line 500,000 with its times vs without (server side). */
async function logTimesBenchmark(work, id) {
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
  const [a, b] = [median(withTimes), median(without)];
  console.log(
    `log page of 500 lines (server): ${a.toFixed(2)} ms with its times vs ${b.toFixed(2)} ms without; ratio ${(a / b).toFixed(2)}`,
  );
}

async function startInstance(work) {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'runner/cli/coin.mjs'),
      'run',
      '--working-dir',
      work,
      '--port',
      '0',
      '--log-format',
      'json',
      '--max-agents',
      '1',
    ],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /"port":(\d+),"workingDir"/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`coin run exited ${code}: ${out}`)));
  });
  child.stdout.resume();
  return { port, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** A page with one word, served the same way (HTTP on loopback), for the baseline. */
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
  await page.waitForFunction((k) => window.__bench[k] !== undefined, key, { timeout: 30_000 });
  const value = await page.evaluate((k) => window.__bench[k], key);
  return { value, page, context };
}

/** Frame times while the task list scrolls 300 px per frame for 120 frames. */
async function scrollFrames(page) {
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

async function paintBenchmarks(root) {
  buildRenderer();
  const work = path.join(root, 'work');
  const logItem = seedWorkingDir(work);
  const instance = await startInstance(work);
  const empty = await emptyPageServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    headless: true,
  });
  try {
    const base = `http://127.0.0.1:${instance.port}/coin/`;
    const baseline = [];
    const tasks = [];
    const logsCold = [];
    const logsWarm = [];
    let frames = [];
    for (let run = 0; run < runs; run++) {
      const e = await measure(browser, empty.url, null);
      baseline.push(e.value);
      await e.context.close();
      const t = await measure(browser, `${base}#/integrations`, '[data-testid="task-row"]');
      tasks.push(t.value);
      const count = await t.page.getByTestId('task-count').textContent();
      if (!count.startsWith('10,001')) throw new Error(`the task list says "${count}"`);
      if (run === runs - 1) frames = await scrollFrames(t.page);
      await t.context.close();
      if (run === 0) {
        // The first open of the log builds the server's line index (the cold case).
        const cold = await measure(browser, `${base}#/log/${encodeURIComponent(logItem)}`, '.log-line .lt');
        logsCold.push(cold.value);
        await cold.context.close();
      }
      const l = await measure(
        browser,
        `${base}#/log/${encodeURIComponent(logItem)}?line=500000`,
        '.log-line.marked .lt',
      );
      logsWarm.push(l.value);
      await l.context.close();
    }
    const empty50 = median(baseline);
    console.log(`empty page: first contentful paint ${ms(empty50)} (median of ${runs})`);
    console.log(
      `task list (10,000 tasks): first task row ${ms(median(tasks))}; ratio ${(median(tasks) / empty50).toFixed(1)}x the empty page`,
    );
    const sorted = [...frames].sort((a, b) => a - b);
    console.log(
      `task list scrolling 300 px per frame: median frame ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, 95th percentile ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms, worst ${sorted[sorted.length - 1].toFixed(1)} ms`,
    );
    console.log(
      `log (1,000,000 lines): first lines ${ms(logsCold[0])} when the server indexes it first (ratio ${(logsCold[0] / empty50).toFixed(1)}x); at line 500,000 once indexed ${ms(median(logsWarm))} (ratio ${(median(logsWarm) / empty50).toFixed(1)}x)`,
    );
    await logTimesBenchmark(work, logItem);
  } finally {
    await browser.close();
    await empty.close();
    await instance.stop();
  }
}

/** Clients that count messages; resolves when each has `expected` of them. */
function clients(url, n) {
  const all = Array.from({ length: n }, () => {
    const socket = new WebSocket(url);
    const client = { socket, received: 0 };
    socket.on('message', () => client.received++);
    return client;
  });
  return {
    all,
    opened: Promise.all(all.map((c) => new Promise((resolve) => c.socket.once('open', resolve)))),
    until: (expected) =>
      new Promise((resolve) => {
        const check = () => (all.every((c) => c.received >= expected) ? resolve() : setTimeout(check, 2));
        check();
      }),
    close: () => all.forEach((c) => c.socket.terminate()),
  };
}

const eventCount = 20_000;
const payload = {
  taskId: 'a0b1c2d3-e4f5-6789-abcd-ef0123456789',
  from: 'Queued',
  to: 'Running',
  agentId: 'local-0123abcd',
};

/** Events/s from store writes to `n` clients through the instance's event WebSocket. */
async function coinSocket(root, n) {
  const dir = mkdtempSync(path.join(root, 'ws-'));
  const store = SqliteStore.open(dir);
  const app = Fastify();
  await app.register(websocket);
  registerEventSocket(app, store, '/coin', new EventEmitter());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const group = clients(`ws://127.0.0.1:${app.server.address().port}/coin/websocket?logs=none`, n);
  await group.opened;
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  for (let i = 0; i < eventCount; i++) {
    store.appendEvent('workItem.state', `wi-${i}`, payload);
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await group.until(eventCount);
  const seconds = (performance.now() - started) / 1000;
  group.close();
  await app.close();
  store.close();
  return { rate: eventCount / seconds };
}

/** The same messages from a raw ws server to `n` clients. */
async function rawSocket(n) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const group = clients(`ws://127.0.0.1:${server.address().port}/`, n);
  await group.opened;
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  for (let i = 0; i < eventCount; i++) {
    const text = JSON.stringify({
      seq: i + 1,
      time: new Date().toISOString(),
      kind: 'workItem.state',
      subject: `wi-${i}`,
      payload,
    });
    for (const client of server.clients) client.send(text);
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await group.until(eventCount);
  const seconds = (performance.now() - started) / 1000;
  group.close();
  await new Promise((resolve) => server.close(resolve));
  return eventCount / seconds;
}

async function socketBenchmarks(root) {
  const alone = await coinSocket(root, 0);
  console.log(
    `store events written with no client connected: ${Math.round(alone.rate)}/s (each its own SQLite transaction)`,
  );
  for (const n of [1, 50]) {
    const raw = await rawSocket(n);
    const coin = await coinSocket(root, n);
    console.log(
      `websocket to ${n} client(s): ${Math.round(coin.rate)} events/s from store write to every client vs ${Math.round(raw)} messages/s from a raw ws server; ratio ${(coin.rate / raw).toFixed(2)}`,
    );
  }
}

const root = mkdtempSync(path.join(os.tmpdir(), 'coin-dashboard-bench-'));
try {
  await paintBenchmarks(root);
  await socketBenchmarks(root);
} finally {
  rmSync(root, { recursive: true, force: true });
}
