// A client that stops reading the event WebSocket costs the server a bounded amount of memory:
// it is fed from the database only while its send buffer is low, dropped when it stalls, and
// gets exactly the rest when it reconnects with ?since. Real SQLite store, real sockets.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { registerEventSocket, type EventSocketLimits } from '../../../runner/node/server/event-socket';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const limits: EventSocketLimits = {
  highWaterBytes: 64 * 1024,
  maxBufferedBytes: 256 * 1024,
  stalledMs: 400,
  maxClientMessageBytes: 4096,
  maxLogMessageBytes: 16 * 1024,
  pingMs: 60_000,
};
const events = 20_000;

let dir: TempDir;
let store: SqliteStore;
let app: FastifyInstance;
let port: number;

beforeEach(async () => {
  dir = await makeTempDir('slow-client-');
  store = SqliteStore.open(dir.path);
  const padding = 'x'.repeat(200);
  store.transaction(() => {
    for (let i = 0; i < events; i++) store.appendEvent('test.event', `s${i}`, { padding });
  });
  app = Fastify();
  await app.register(websocket);
  registerEventSocket(app, store, '/coin', new EventEmitter(), limits);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});

afterEach(async () => {
  await app.close();
  store.close();
  await dir.remove();
});

function connect(since: number): { socket: WebSocket; seqs: number[] } {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/coin/websocket?since=${since}&logs=none`);
  const seqs: number[] = [];
  socket.on('message', (data) => seqs.push((JSON.parse(String(data)) as { seq: number }).seq));
  return { socket, seqs };
}

test('a stalled reader is held at the high-water mark, then dropped, and resumes with ?since', async () => {
  const slow = connect(0);
  await new Promise((resolve) => slow.socket.once('open', resolve));
  const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
  tcp.pause();
  let maxBuffered = 0;
  const watch = setInterval(() => {
    for (const client of app.websocketServer.clients)
      maxBuffered = Math.max(maxBuffered, client.bufferedAmount);
  }, 5);
  await expect.poll(() => app.websocketServer.clients.size, { timeout: 5000 }).toBe(0);
  clearInterval(watch);
  expect(maxBuffered).toBeGreaterThan(0);
  expect(maxBuffered).toBeLessThan(limits.highWaterBytes + 200 * 1024);
  const closed = new Promise((resolve) => slow.socket.once('close', resolve));
  tcp.resume();
  await closed;
  expect(slow.seqs.length).toBeLessThan(events);
  const last = slow.seqs[slow.seqs.length - 1] ?? 0;
  const again = connect(last);
  await expect.poll(() => again.seqs.length, { timeout: 10_000 }).toBe(events - slow.seqs.length);
  again.socket.close();
  const all = [...slow.seqs, ...again.seqs];
  expect(all).toEqual(Array.from({ length: events }, (_, i) => i + 1));
});

test('a reader that keeps up gets the backlog and then live events, in order', async () => {
  const client = connect(0);
  await expect.poll(() => client.seqs.length, { timeout: 10_000 }).toBe(events);
  store.appendEvent('test.live', 'live', {});
  await expect.poll(() => client.seqs.length).toBe(events + 1);
  client.socket.close();
  expect(client.seqs).toEqual(Array.from({ length: events + 1 }, (_, i) => i + 1));
});
