// The read API and the event WebSocket of a running instance, as dashboards use them.
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from './demo-modules';

let root: TempDir;
let coin: CoinProcess;
let work: string;
let taskId: string;
const received: { kind: string; seq?: number; subject?: string; workItemId?: string; lines?: string[] }[] =
  [];
let socket: WebSocket;

const api = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${coin.port}/coin${p}`, init);

beforeAll(async () => {
  root = await makeTempDir('read-api-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  coin = await startCoin(work);
  socket = new WebSocket(`ws://127.0.0.1:${coin.port}/coin/websocket?since=0`);
  socket.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve) => socket.once('open', resolve));
  const result = await runCoin([
    'integrate',
    path.join(root.path, 'demo/tool'),
    '--ref',
    'main',
    '--working-dir',
    work,
    '--wait',
    '--json',
  ]);
  taskId = (JSON.parse(result.stdout) as { id: string }).id;
});

afterAll(async () => {
  socket.close();
  await coin.stop();
  await root.remove();
});

describe('read API', () => {
  test('tasks filter like Coin public /coin/api/tasks and validate their parameters', async () => {
    const all = (await (await api('/api/tasks?project=demo/tool&max=10')).json()) as {
      total: number;
      tasks: { id: string }[];
    };
    expect(all.total).toBe(1);
    expect(all.tasks[0]!.id).toBe(taskId);
    const none = (await (await api('/api/tasks?project=other/repo')).json()) as { total: number };
    expect(none.total).toBe(0);
    // project and branch match parts of names, ignoring case
    const part = (await (await api('/api/tasks?project=TOOL&branch=ai')).json()) as { total: number };
    expect(part.total).toBe(1);
    const prefix = (await (await api(`/api/tasks?idPrefix=${taskId.slice(0, 8)}`)).json()) as {
      tasks: { id: string }[];
    };
    expect(prefix.tasks.map((t) => t.id)).toEqual([taskId]);
    const passed = (await (await api('/api/tasks?state=Passed&searchText=tool')).json()) as { total: number };
    expect(passed.total).toBe(1);
    const bad = await api('/api/tasks?max=5000');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^max: /);
  });

  test('a work item log is served whole or in byte ranges', async () => {
    const detail = (await (await api(`/api/taskDetail?id=${taskId}`)).json()) as {
      workItems: { id: string; kind: string }[];
    };
    const testItem = detail.workItems.find((w) => w.kind === 'test')!;
    const whole = await (await api(`/api/workitems/${encodeURIComponent(testItem.id)}/log`)).text();
    expect(whole).toContain('tool works');
    const tail = await api(`/api/workitems/${encodeURIComponent(testItem.id)}/log`, {
      headers: { range: 'bytes=-11' },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(
      `bytes ${whole.length - 11}-${whole.length - 1}/${whole.length}`,
    );
    expect(await tail.text()).toBe(whole.slice(-11));
    expect((await api('/api/workitems/nope/log')).status).toBe(404);
  });

  test('the WebSocket pushed every state change in order, and the log lines live', async () => {
    await expect.poll(() => received.some((e) => e.kind === 'task.state' && e.subject === taskId)).toBe(true);
    const seqs = received.filter((e) => e.seq !== undefined).map((e) => e.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const kinds = new Set(received.map((e) => e.kind));
    for (const kind of [
      'task.created',
      'task.state',
      'workItem.created',
      'workItem.state',
      'agent.state',
      'log',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(received.filter((e) => e.kind === 'log').flatMap((e) => e.lines)).toContain('tool works');
  });

  test('a client reconnecting with ?since gets exactly what it missed', async () => {
    const seqs = received.filter((e) => e.seq !== undefined).map((e) => e.seq!);
    const middle = seqs[Math.floor(seqs.length / 2)]!;
    const late = new WebSocket(`ws://127.0.0.1:${coin.port}/coin/websocket?since=${middle}`);
    const replay: number[] = [];
    late.on('message', (data) => replay.push((JSON.parse(String(data)) as { seq: number }).seq));
    await expect.poll(() => replay.length).toBe(seqs.filter((s) => s > middle).length);
    expect(replay).toEqual(seqs.filter((s) => s > middle));
    late.close();
  });

  test('the configurations the instance offers come with their properties', async () => {
    const body = (await (await api('/api/configurations')).json()) as {
      configurations: { id: string; properties: Record<string, unknown> }[];
    };
    expect(body.configurations[0]!.id).toMatch(/^local-/);
    expect(body.configurations[0]!.properties['host.os']).toBe('Linux');
  });

  test('state changes need the admin token', async () => {
    const refused = await api('/api/integrations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    expect(
      (
        await api('/api/admin/gc', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(403);
  });
});
