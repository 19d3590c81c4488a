// The dashboard's reconnecting event stream (renderer/src/dashboard/event-stream.ts) against a
// real instance that is stopped and started again: the client catches up on exactly what it
// missed, without a gap or a duplicate, and says when it is live again. After a kill -9 the
// instance begins a new event stream (runner/node/store/event-stream.ts) and a follower re-reads
// instead of resuming by seq.
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StoreEvent } from '../../../renderer/src/dashboard/api-types';
import { EventStream, type StreamStatus } from '../../../renderer/src/dashboard/event-stream';
import { InstanceClient } from '../../../runner/client/instance-client';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { freeLoopbackPort } from '../../helpers/free-port';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { chattyModuleConfig, toolSource } from './dashboard-fixtures';

let root: TempDir;
let work: string;

beforeAll(async () => {
  root = await makeTempDir('event-stream-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/chatty', {
    'coin/module_config.yaml': chattyModuleConfig(5, 0),
    'tool.c': toolSource,
  });
});

afterAll(async () => {
  await root.remove();
});

const integrate = () =>
  runCoin(
    ['integrate', path.join(root.path, 'demo/chatty'), '--ref', 'main', '--working-dir', work, '--wait'],
    {
      timeoutMs: 90_000,
    },
  );

/** Every event the instance stored, read with a fresh connection from the start. */
async function allEvents(port: number): Promise<number[]> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/coin/websocket?since=0&logs=none`);
  const seqs: number[] = [];
  socket.on('message', (data) => seqs.push((JSON.parse(String(data)) as StoreEvent).seq));
  await new Promise((resolve) => socket.once('open', resolve));
  let count = -1;
  while (count !== seqs.length) {
    count = seqs.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  socket.close();
  return seqs;
}

test('a client left open across an instance restart catches up on exactly what it missed', async () => {
  const port = await freeLoopbackPort();
  let coin: CoinProcess = await startCoin(work, ['--port', String(port)]);
  const stream = new EventStream(
    (since) =>
      `ws://127.0.0.1:${port}/coin/websocket?hello=1&logs=none${since === undefined ? '' : `&since=${since}`}`,
    (url) => new WebSocket(url) as unknown as globalThis.WebSocket,
  );
  const seen: number[] = [];
  const statuses: StreamStatus[] = [];
  stream.listen({ event: (e) => seen.push(e.seq), status: (s) => statuses.push(s) });
  stream.start();
  try {
    await expect.poll(() => stream.status).toBe('live');
    const startSeq = stream.lastSeq!;
    await integrate();
    await coin.stop();
    await expect.poll(() => stream.status).toBe('reconnecting');
    coin = await startCoin(work, ['--port', String(port)]);
    await expect.poll(() => stream.status, { timeout: 10_000 }).toBe('live');
    await integrate();
    const stored = await allEvents(port);
    const missedOrLater = stored.filter((seq) => seq > startSeq);
    await expect.poll(() => seen.length).toBe(missedOrLater.length);
    expect(seen).toEqual(missedOrLater);
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
  } finally {
    stream.stop();
    await coin.stop();
  }
});

test('a kill -9 begins a new event stream and a follower re-reads; a clean restart continues the stream', async () => {
  const dir = path.join(root.path, 'killed');
  const port = await freeLoopbackPort();
  let coin: CoinProcess = await startCoin(dir, ['--port', String(port)]);
  const client = new InstanceClient({ root: instanceRootUrl(`http://127.0.0.1:${port}`) });
  let resyncs = 0;
  const follower = client.follow({ resync: () => resyncs++ });
  try {
    await follower.start();
    expect(resyncs).toBe(1); // the first connection reads everything
    const first = follower.stream;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);

    await coin.stop();
    await expect.poll(() => follower.status).toBe('reconnecting');
    coin = await startCoin(dir, ['--port', String(port)]);
    await expect.poll(() => follower.status, { timeout: 15_000 }).toBe('live');
    expect(follower.stream).toBe(first);
    expect(resyncs).toBe(1); // resumed by seq
    expect(coin.output()).not.toContain('new event stream');

    await coin.kill();
    coin = await startCoin(dir, ['--port', String(port)]);
    expect(coin.output()).toContain('new event stream');
    await expect.poll(() => follower.stream, { timeout: 15_000 }).not.toBe(first);
    expect(resyncs).toBe(2);
    expect(follower.lastSeq).toBeGreaterThan(0);
  } finally {
    await follower.stop();
    await coin.stop();
  }
});
