// `kinds=` on the event WebSocket: a client that asks for some kinds gets exactly the events of
// those kinds, both those it missed (replayed from the store with ?since) and those that happen
// while it is live, in order; a reconnect after events it was not sent resumes without a gap or a
// duplicate. The client is the CLI's own follower (EventFollower through InstanceClient), the
// server the instance's event socket on a real SQLite store.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import { eventSocketUrl } from '../../../runner/core/instance-api';
import { registerEventSocket } from '../../../runner/node/server/event-socket';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import type { StoreEvent } from '../../../runner/node/store/store-records';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let store: SqliteStore;
let app: FastifyInstance;
let client: InstanceClient;

beforeEach(async () => {
  dir = await makeTempDir('event-kinds-');
  store = SqliteStore.open(dir.path);
  app = Fastify();
  await app.register(websocket);
  registerEventSocket(app, store, '/coin', new EventEmitter());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  client = new InstanceClient({ root: `http://127.0.0.1:${port}/coin/` });
});

afterEach(async () => {
  await app.close();
  store.close();
  await dir.remove();
});

/** Appends `count` events of the kinds in turn; returns the seqs of those of kind `wanted`. */
function append(count: number, kinds: readonly string[], wanted: string): number[] {
  const seqs: number[] = [];
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const kind = kinds[i % kinds.length]!;
      store.appendEvent(kind, `s${i}`, { i });
      if (kind === wanted) seqs.push(store.lastEventSeq());
    }
  });
  return seqs;
}

test('the URL carries the kinds, and none when no kind is named', () => {
  expect(eventSocketUrl('http://127.0.0.1:1/coin/', { kinds: ['task.state', 'workItem.state'] })).toBe(
    'ws://127.0.0.1:1/coin/websocket?kinds=task.state%2CworkItem.state',
  );
  expect(eventSocketUrl('http://127.0.0.1:1/coin/', { kinds: [] })).toBe('ws://127.0.0.1:1/coin/websocket');
});

test('only the asked kinds arrive, replayed and live, and a reconnect resumes after the last one sent', async () => {
  const kinds = ['workItem.state', 'task.state', 'agent.state', 'workItem.created'];
  // missed before the client connects (replayed from the store in batches of 500)
  const missed = append(1200, kinds, 'task.state');
  const seen: StoreEvent[] = [];
  const follower = client.follow({ event: (event) => seen.push(event) }, { since: 0, kinds: ['task.state'] });
  await follower.start();
  await expect.poll(() => seen.length).toBe(missed.length);
  // live
  const live = append(400, kinds, 'task.state');
  await expect.poll(() => seen.length).toBe(missed.length + live.length);
  expect(seen.map((e) => e.seq)).toEqual([...missed, ...live]);
  expect(new Set(seen.map((e) => e.kind))).toEqual(new Set(['task.state']));

  // events of other kinds only, then the connection drops: nothing is sent twice or lost after it
  append(30, ['agent.state'], 'task.state');
  for (const socket of app.websocketServer.clients) socket.terminate();
  await expect.poll(() => follower.status).toBe('reconnecting');
  const afterDrop = append(40, kinds, 'task.state');
  await expect.poll(() => follower.status, { timeout: 10_000 }).toBe('live');
  await expect.poll(() => seen.length).toBe(missed.length + live.length + afterDrop.length);
  expect(seen.map((e) => e.seq)).toEqual([...missed, ...live, ...afterDrop]);
  await follower.stop();
});

test('without kinds every event arrives', async () => {
  const all = append(50, ['a.one', 'b.two'], 'a.one').length;
  const seen: StoreEvent[] = [];
  const follower = client.follow({ event: (event) => seen.push(event) }, { since: 0 });
  await follower.start();
  await expect.poll(() => seen.length).toBe(all * 2);
  await follower.stop();
});
