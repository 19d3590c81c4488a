// A stand-in for an instance's event WebSocket (`/coin/websocket`): it answers hello and replays
// the events after `since`, as the real one does, and can push more later.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeEvent {
  seq: number;
  kind: string;
  subject?: string;
  payload: Record<string, unknown>;
}

export interface FakeEventServer {
  /** The dashboard URL, as instance:dashboard gives it. */
  url: string;
  /** The query strings the clients connected with. */
  queries: string[];
  /** Appends an event and pushes it to the connected clients. */
  push(kind: string, payload: Record<string, unknown>): FakeEvent;
  /** Clients connected now. */
  connected(): number;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port with `events` already recorded. */
export async function startFakeEventServer(events: FakeEvent[] = []): Promise<FakeEventServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/coin/websocket' });
  await new Promise((resolve) => server.once('listening', resolve));
  const queries: string[] = [];
  const clients = new Set<WebSocket>();
  server.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '', 'http://x').searchParams;
    queries.push(query.toString());
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    const last = events.at(-1)?.seq ?? 0;
    if (query.get('hello') === '1') socket.send(JSON.stringify({ kind: 'hello', lastSeq: last }));
    const since = query.has('since') ? Number(query.get('since')) : last;
    for (const event of events) if (event.seq > since) socket.send(JSON.stringify(event));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/coin/`,
    queries,
    push(kind, payload) {
      const event = { seq: (events.at(-1)?.seq ?? 0) + 1, kind, subject: 'runtime-config', payload };
      events.push(event);
      for (const client of clients) client.send(JSON.stringify(event));
      return event;
    },
    connected: () => clients.size,
    close: async () => {
      for (const client of clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
