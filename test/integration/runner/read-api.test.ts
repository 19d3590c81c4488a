// The read API and the event WebSocket of a running instance, as dashboards use them (through the
// typed client, runner/client, which checks every answer against the contract).
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { InstanceRefusedError } from '../../../runner/client/instance-errors';
import { instancePaths, instanceRootUrl } from '../../../runner/core/instance-api';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { integrateWait } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from './demo-modules';

let root: TempDir;
let coin: CoinProcess;
let work: string;
let taskId: string;
const received: { kind: string; seq?: number; subject?: string; workItemId?: string; lines?: string[] }[] =
  [];
let socket: WebSocket;
let client: InstanceClient;

beforeAll(async () => {
  root = await makeTempDir('read-api-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  coin = await startCoin(work);
  client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${coin.port}`) });
  socket = new WebSocket(client.eventsUrl({ since: 0 }));
  socket.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve) => socket.once('open', resolve));
  taskId = (await integrateWait(path.join(root.path, 'demo/tool'), work, { timeoutMs: 30_000 })).task.id;
});

afterAll(async () => {
  socket.close();
  await coin.stop();
  await root.remove();
});

describe('read API', () => {
  test("tasks filter like Coin's public task list and validate their parameters", async () => {
    const all = await client.tasks({ project: 'demo/tool', max: 10 });
    expect(all.total).toBe(1);
    expect(all.tasks[0]!.id).toBe(taskId);
    expect((await client.tasks({ project: 'other/repo' })).total).toBe(0);
    // project and branch match parts of names, ignoring case
    expect((await client.tasks({ project: 'TOOL', branch: 'ai' })).total).toBe(1);
    const prefix = await client.tasks({ idPrefix: taskId.slice(0, 8) });
    expect(prefix.tasks.map((t) => t.id)).toEqual([taskId]);
    expect((await client.tasks({ state: 'Passed', searchText: 'tool' })).total).toBe(1);
    const bad = await client.tasks({ max: 5000 }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(InstanceRefusedError);
    expect(bad).toMatchObject({ status: 400, reason: expect.stringMatching(/^max: /) });
  });

  test('a work item log is served whole or in byte ranges', async () => {
    const detail = await client.taskDetail(taskId);
    const testItem = detail.workItems.find((w) => w.kind === 'test')!;
    const whole = await client.workItemLog(testItem.id);
    expect(whole).toContain('tool works');
    expect(await client.workItemLog(testItem.id, { suffix: 11 })).toBe(whole.slice(-11));
    expect(await client.workItemLog(testItem.id, { start: 2, end: 5 })).toBe(whole.slice(2, 6));
    expect(await client.workItemLog(testItem.id, { start: whole.length + 10 })).toBe('');
    // The range answer itself, as a browser's download resumes it.
    const tail = await fetch(client.url(instancePaths.workItemLog(testItem.id)), {
      headers: { range: 'bytes=-11' },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(
      `bytes ${whole.length - 11}-${whole.length - 1}/${whole.length}`,
    );
    expect(await tail.text()).toBe(whole.slice(-11));
    await expect(client.workItemLog('nope')).rejects.toMatchObject({ status: 404 });
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
    const late = new WebSocket(client.eventsUrl({ since: middle }));
    const replay: number[] = [];
    late.on('message', (data) => replay.push((JSON.parse(String(data)) as { seq: number }).seq));
    await expect.poll(() => replay.length).toBe(seqs.filter((s) => s > middle).length);
    expect(replay).toEqual(seqs.filter((s) => s > middle));
    late.close();
  });

  test('the configurations the instance offers come with their properties', async () => {
    const body = await client.configurations();
    expect(body.configurations[0]!.id).toMatch(/^local-/);
    expect(body.configurations[0]!.properties['host.os']).toBe('Linux');
  });

  test('state changes need the admin token', async () => {
    // The client without the token: the instance refuses, and the client says where a token comes from.
    const anonymous = new InstanceClient({ root: client.root, tokenSource: path.join(work, 'admin-token') });
    const refused = await anonymous
      .submitIntegration({ repo: root.path, ref: 'main' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining(`(the admin token is read from ${path.join(work, 'admin-token')})`),
    });
    await expect(anonymous.gc({ dryRun: true })).rejects.toMatchObject({ status: 403 });
    await expect(anonymous.invalidateArtifacts()).rejects.toMatchObject({ status: 403 });
  });
});
