// Store events per second through the instance's event WebSocket to 1 and to 50 clients vs a raw
// `ws` server sending the same messages to the same clients, both in this process.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { register } from 'tsx/esm/api';
import WebSocket, { WebSocketServer } from 'ws';

register();
const { SqliteStore } = await import('../../runner/node/store/sqlite-store.ts');
const { registerEventSocket } = await import('../../runner/node/server/event-socket.ts');
const { default: Fastify } = await import('fastify');
const { default: websocket } = await import('@fastify/websocket');

/** Clients that count messages; `until(n)` resolves when each has n of them. */
function clients(url, n) {
  const all = Array.from({ length: n }, () => {
    const socket = new WebSocket(url);
    const client = { socket, received: 0 };
    socket.on('message', () => client.received++);
    return client;
  });
  return {
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
const yieldEvery = (i) => (i % 200 === 199 ? new Promise((resolve) => setImmediate(resolve)) : undefined);

/** Events/s from store writes to `n` clients through the instance's event WebSocket. */
async function coinSocket(root, n) {
  const store = SqliteStore.open(mkdtempSync(path.join(root, 'ws-')));
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
    await yieldEvery(i);
  }
  await group.until(eventCount);
  const seconds = (performance.now() - started) / 1000;
  group.close();
  await app.close();
  store.close();
  return eventCount / seconds;
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
    await yieldEvery(i);
  }
  await group.until(eventCount);
  const seconds = (performance.now() - started) / 1000;
  group.close();
  await new Promise((resolve) => server.close(resolve));
  return eventCount / seconds;
}

/**
 * Events/s with no client, then coin vs raw to 1 and 50 clients, `runs` pairs each (raw then
 * coin, one after the other); the pair with the median ratio stands for all, every ratio kept.
 */
export async function sockets(root, runs = 1) {
  const alone = await coinSocket(root, 0);
  const result = { alone };
  for (const n of [1, 50]) {
    const pairs = [];
    for (let run = 0; run < runs; run++) {
      const raw = await rawSocket(n);
      const coin = await coinSocket(root, n);
      pairs.push({ raw, coin, ratio: coin / raw });
    }
    const ratios = pairs.map((p) => p.ratio);
    const mid = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    result[n] = { ...pairs.find((p) => p.ratio === mid), ratios };
  }
  return result;
}
