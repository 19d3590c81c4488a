// The runner's web server as the dashboard uses it: the page and the docs under the base path,
// logs by line, the chart series (read with the instance client, which checks every answer
// against the contract) and the event WebSocket's hello and log subscriptions, against a real
// `coin run` that ran a real integration.
import { createHash } from 'node:crypto';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instancePaths, instanceRootUrl, type EventSocketQuery } from '../../../runner/core/instance-api';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { chattyModuleConfig, ensureWebBuild, toolSource } from './dashboard-fixtures';

let root: TempDir;
let coin: CoinProcess;
let buildItem: string;
let work: string;

let client: InstanceClient;

const url = (p: string) => `http://127.0.0.1:${coin.port}/coin${p}`;

beforeAll(async () => {
  await ensureWebBuild();
  root = await makeTempDir('dashboard-server-');
  await commitModule(root.path, 'demo/chatty', {
    'coin/module_config.yaml': chattyModuleConfig(300, 0),
    'tool.c': toolSource,
  });
  work = path.join(root.path, 'work');
  coin = await startCoin(work);
  client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });
  const repo = path.join(root.path, 'demo/chatty');
  const result = await runCoin(
    ['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json'],
    {
      timeoutMs: 90_000,
    },
  );
  const task = JSON.parse(result.stdout) as { workItems: { id: string; kind: string }[] };
  buildItem = task.workItems.find((w) => w.kind === 'build')!.id;
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

describe('the dashboard page', () => {
  test('is served under the base path, marked for dashboard mode, with a strict policy', async () => {
    const bare = await fetch(url(''), { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/coin/');
    const page = await fetch(url('/'));
    const html = await page.text();
    expect(html).toContain('<meta name="coin-dashboard" content="runner">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // The bundle's modules are left to the early paint (entry first); the stylesheets are inline,
    // each allowed by its hash.
    expect(html).not.toMatch(/<script type="module"|rel="modulepreload"|rel="stylesheet"/);
    const modules = /<meta name="coin-app-modules" content="([^"]+)">/.exec(html)![1]!.split(' ');
    expect(modules[0]).toMatch(/^\.\/assets\/index-[\w-]+\.js$/);
    for (const module of modules) {
      const asset = await fetch(url(`/${module.slice(2)}`));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
    }
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]!);
    expect(styles.length).toBeGreaterThan(0);
    const policy = page.headers.get('content-security-policy')!;
    for (const css of styles)
      expect(policy).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    const pool = await fetch(url('/agentpool'), { redirect: 'manual' });
    expect(pool.headers.get('location')).toBe('/coin/#/agents');
  });

  test("a log's link carries the lines the page would ask for; an unknown log carries none", async () => {
    const embedded = (html: string) => {
      const json = /<script type="application\/json" id="coin-early-lines">(.*?)<\/script>/s.exec(html)?.[1];
      return json === undefined
        ? undefined
        : (JSON.parse(json) as { workItemId: string; line?: number; page: unknown });
    };
    const lines = async (from: number) =>
      (await fetch(url(`/${instancePaths.workItemLogLines(buildItem, { from, count: 200 })}`))).json();
    const top = embedded(await (await fetch(url(`/${instancePaths.logPage(buildItem)}`))).text());
    expect(top).toEqual({ workItemId: buildItem, page: await lines(0) });
    const around = embedded(await (await fetch(url(`/${instancePaths.logPage(buildItem, 250)}`))).text());
    expect(around).toEqual({ workItemId: buildItem, line: 250, page: await lines(149) });
    // the data block comes before the early paint that reads it
    const html = await (await fetch(url(`/${instancePaths.logPage(buildItem)}`))).text();
    expect(html.indexOf('id="coin-early-lines"')).toBeLessThan(html.indexOf('<script>'));
    const unknown = await fetch(url(`/${instancePaths.logPage('no.such.item')}`));
    expect(unknown.status).toBe(200);
    expect(embedded(await unknown.text())).toBeUndefined();
    // the bare base path keeps the link's query on its way to the page
    const bare = await fetch(url(instancePaths.logPage(buildItem, 3)), { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe(`/coin/${instancePaths.logPage(buildItem, 3)}`);
  });

  test('the documentation is served at <base>/doc', async () => {
    expect((await fetch(url('/doc'), { redirect: 'manual' })).headers.get('location')).toBe('/coin/doc/');
    const index = await (await fetch(url('/doc/'))).text();
    expect(index).toMatch(/<a href="runner.html">/);
    const runner = await fetch(url('/doc/runner.html'));
    expect(runner.status).toBe(200);
    expect(await runner.text()).toMatch(/<h1[^>]*>/);
    expect((await fetch(url('/doc/../../package.json'))).status).not.toBe(200);
  });
});

describe('logs by line', () => {
  test('a page of lines, the tail, and the line count', async () => {
    const first = await client.logLines(buildItem, { from: 0, count: 5 });
    expect(first.from).toBe(0);
    expect(first.lines).toHaveLength(5);
    expect(first.total).toBeGreaterThan(300);
    const step = await client.logLines(buildItem, { from: first.total - 1, count: 10 });
    expect(step.lines).toHaveLength(1);
    const tail = await client.logLines(buildItem, { tail: 3 });
    expect(tail.from).toBe(first.total - 3);
    const whole = (await client.workItemLog(buildItem)).split('\n');
    expect(tail.lines).toEqual(whole.slice(-4, -1));
    await expect(client.logLines(buildItem, { count: 100000 })).rejects.toMatchObject({ status: 400 });
  });

  test('a range of lines comes with when they arrived; the raw log stays the bytes the agent sent', async () => {
    const detail = await client.taskDetail(buildItem.split('.')[0]!);
    const item = detail.workItems.find((w) => w.id === buildItem)!;
    const all = await client.logLines(buildItem, { from: 0, count: 5000 });
    const times = all.times!;
    expect(times[0]!.line).toBe(0);
    for (const [i, run] of times.entries()) {
      expect(run.at).toBeGreaterThanOrEqual(Date.parse(item.started!) - 1000);
      expect(run.at).toBeLessThanOrEqual(Date.parse(item.finished!) + 1000);
      if (i > 0) expect(run.line).toBeGreaterThan(times[i - 1]!.line);
      if (i > 0) expect(run.at).toBeGreaterThan(times[i - 1]!.at);
    }
    expect(times.length).toBeGreaterThan(1);
    // A range from the middle of a batch starts with that batch's time.
    const timeOf = (line: number) => times.filter((t) => t.line <= line).pop()!.at;
    const middle = await client.logLines(buildItem, { from: 150, count: 20 });
    expect(middle.times![0]).toEqual({ line: 150, at: timeOf(150) });
    expect(middle.times!.every((t) => t.at === timeOf(t.line))).toBe(true);
    const tail = await client.logLines(buildItem, { tail: 2 });
    expect(tail.times![0]).toEqual({ line: all.total - 2, at: timeOf(all.total - 2) });
    const raw = await fetch(client.url(instancePaths.workItemLog(buildItem)));
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toBe(`${all.lines.join('\n')}\n`);
  });

  test('search finds the lines with a text, first error finds none in a passing build', async () => {
    const found = await client.logSearch(buildItem, 'COMPILING PART 150');
    expect(found.matches).toHaveLength(1);
    const [line] = (await client.logLines(buildItem, { from: found.matches[0]!, count: 1 })).lines;
    expect(line).toBe('\x1b[32mstep 150\x1b[0m compiling part 150');
    expect(await client.firstError(buildItem)).toBeNull();
    await expect(client.logSearch(buildItem, '')).rejects.toMatchObject({ status: 400 });
    await expect(client.logLines('nope', {})).rejects.toMatchObject({ status: 404 });
  });
});

test('the chart series: agents per state and artifact bytes over the last hours', async () => {
  const pool = await client.agentHistory({ hours: 1, points: 10 });
  expect(pool.series).toHaveLength(10);
  const agents = await client.agents();
  const last = pool.series[pool.series.length - 1]!;
  expect(last.waiting).toBe(agents.filter((a) => a.state === 'waiting').length);
  expect(pool.series[0]).toMatchObject({ waiting: 0, running: 0 });
  expect(pool.series.some((p) => p.running === 1)).toBe(true);
  const storage = await client.storageHistory({ hours: 1 });
  const report = await client.storage();
  expect(storage.artifactBytes[storage.artifactBytes.length - 1]!.bytes).toBe(report.artifacts.bytes);
  expect(storage.artifactBytes[0]!.bytes).toBe(0);
  expect(storage.disk.length).toBeGreaterThan(0);
});

test('the WebSocket says hello with the newest seq and pushes only the logs a client follows', async () => {
  const open = (query: EventSocketQuery) => {
    const socket = new WebSocket(client.eventsUrl(query));
    const messages: { kind: string; lastSeq?: number }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    return { socket, messages, opened: new Promise((resolve) => socket.once('open', resolve)) };
  };
  const picky = open({ hello: true, logs: 'none' });
  const everything = open({});
  await Promise.all([picky.opened, everything.opened]);
  await expect.poll(() => picky.messages.length).toBe(1);
  expect(picky.messages[0]).toEqual({
    kind: 'hello',
    lastSeq: expect.any(Number),
    stream: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  picky.socket.send(JSON.stringify({ type: 'logs', workItemIds: ['someone-else'] }));
  const repo = path.join(root.path, 'demo/chatty');
  await runCoin(['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait']);
  await expect.poll(() => everything.messages.some((m) => m.kind === 'log')).toBe(true);
  picky.socket.close();
  everything.socket.close();
  expect(picky.messages.filter((m) => m.kind === 'log')).toEqual([]);
  expect(picky.messages.some((m) => m.kind === 'task.state')).toBe(true);
});
