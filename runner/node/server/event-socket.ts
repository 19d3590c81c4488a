/**
 * `<base>/websocket`: every committed store event, in order. A client passes `?since=SEQ` (the
 * last sequence number it saw) and first receives what it missed, so a reconnect resynchronises.
 * Log lines are pushed too, as `{kind: 'log', workItemId, lines}` messages without a sequence
 * number: they are not replayed (the log API serves them in ranges).
 *
 * Bounded by design: a client that is behind is fed from the database in batches, only while its
 * send buffer is below a high-water mark, so a slow reader costs the server one batch of memory,
 * not the backlog. A client whose buffer stays full (it stopped reading) is dropped; it reconnects
 * with ?since. Log output is not replayed: a client whose buffer overflows with it misses the
 * output of that work item until its buffer has drained, then gets one `{kind: 'log',
 * workItemId, lines: [], skipped: true}` and reads what it missed by range (the dashboard's log
 * page reads its ranges again on any log message) before the output goes on. Handshakes from a
 * page of another origin are refused; client messages are small subscription changes, anything
 * larger closes the socket.
 *
 * Query: `since=SEQ`; `hello=1` to get `{kind: 'hello', lastSeq, stream}` first (a lastSeq below
 * the client's since means the instance's store was replaced, a stream other than the one the
 * client followed that the seqs start over after a run that did not stop cleanly
 * (event-stream.ts): either way, reload); `logs=all|none|ID,ID` which
 * work items' log lines to push (default all); `binary=1` to get log output as binary frames
 * instead of `{kind:'log'}` text: each the byte 0x4f, the work item id's length (uint16, big
 * endian), the id and the output's bytes as they went into the log (agent-output-frame.ts): the
 * frame a remote agent sent, passed on without a copy, or, for a log its local agent writes
 * itself, one frame per run of lines the instance read back (shared-log.ts). Client
 * message: `{"type":"logs","workItemIds":[...]}` or `{"type":"logs","all":true}`.
 */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { encodeOutputFrame } from '../../core/agent-output-frame';
import { eventJson } from '../store/event-log';
import type { SqliteStore } from '../store/sqlite-store';
import type { Delivery } from '../store/shared-log';
import type { StoreEvent } from '../store/store-records';
import { outputMessages, splitLog } from './log-messages';
import { sameOriginRequest } from './web-security';

/** Limits of the event socket; the defaults suit production. */
export interface EventSocketLimits {
  /** Feed a lagging client from the database only while its unsent bytes are below this. */
  highWaterBytes: number;
  /** Unsent bytes at which a client is dropped (log lines are pushed regardless of high water). */
  maxBufferedBytes: number;
  /** A client that stays above high water this long is dropped. */
  stalledMs: number;
  /** Largest message a client may send. */
  maxClientMessageBytes: number;
  /** Largest log message pushed: bigger batches of lines are split. */
  maxLogMessageBytes: number;
  /** Ping period; a client that has not answered the previous ping is dropped. */
  pingMs: number;
}

/** The production limits. */
export const defaultEventSocketLimits: EventSocketLimits = {
  highWaterBytes: 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  stalledMs: 60_000,
  maxClientMessageBytes: 4096,
  maxLogMessageBytes: 256 * 1024,
  pingMs: 25_000,
};

const batchSize = 500;

interface Client {
  socket: WebSocket;
  last: number;
  /** Caught up: new events go straight out instead of through the database. */
  live: boolean;
  pumping: boolean;
  closed: boolean;
  logs: 'all' | Set<string>;
  /** The event kinds the client asked for (`kinds=`); undefined: all of them. */
  kinds: ReadonlySet<string> | undefined;
  /** Log output as binary frames (`binary=1`), not JSON lines. */
  binary: boolean;
  alive: boolean;
  /** The connection under the WebSocket, corked until the end of the current turn (corkForTurn). */
  tcp: Socket | undefined;
  corked: boolean;
  /** Work items whose output was left out while the buffer was full; told once it drained. */
  skipped: Set<string>;
}

/**
 * Every frame sent to a client in one turn of the event loop leaves in one write: the connection
 * is corked at the first and uncorked when the turn is over. A busy instance publishes many
 * events per turn (a task of hundreds of items), and a write per frame cost a system call each
 * (measured: writes to WebSockets were the instance's largest cost for 200 trivial work items).
 */
function corkForTurn(client: Client): void {
  const tcp = client.tcp;
  if (!tcp || client.corked) return;
  client.corked = true;
  tcp.cork();
  setImmediate(() => {
    client.corked = false;
    tcp.uncork();
  });
}

/** `kinds=a,b`: at most 50 kinds; absent or empty means every kind. */
function parseKinds(value: string | undefined): Client['kinds'] {
  const kinds = (value ?? '').split(',').filter(Boolean).slice(0, 50);
  return kinds.length > 0 ? new Set(kinds) : undefined;
}

/** Whether the client wants events of this kind. */
const wants = (client: Client, event: { kind: string }) =>
  client.kinds === undefined || client.kinds.has(event.kind);

function parseLogs(value: string | undefined): Client['logs'] {
  if (value === undefined || value === 'all') return 'all';
  return new Set(value === 'none' ? [] : value.split(',').filter(Boolean).slice(0, 100));
}

function startSeq(request: FastifyRequest, store: SqliteStore): number {
  const since = Number((request.query as { since?: string }).since ?? Number.NaN);
  return Number.isInteger(since) && since >= 0 ? since : store.lastEventSeq();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Register the event WebSocket. */
export function registerEventSocket(
  app: FastifyInstance,
  store: SqliteStore,
  basePath: string,
  logBus: EventEmitter,
  limits: EventSocketLimits = defaultEventSocketLimits,
): void {
  const clients = new Set<Client>();
  const pump = (client: Client) => void pumpFromStore(client, store, limits);
  const unsubscribe = store.subscribe((event, payloadJson) =>
    broadcastEvent(clients, event, payloadJson, limits, pump),
  );
  const onLog = (workItemId: string, lines: readonly string[]) =>
    broadcastLog(clients, workItemId, limits, {
      text: () => splitLog(workItemId, lines, limits.maxLogMessageBytes),
      binary: () => encodeOutputFrame(workItemId, Buffer.from(lines.join('\n') + '\n')),
    });
  // `frame`: the agent's own message, already a viewer's frame (no copy of the bytes); `delivery`
  // (a log read from its file): told when a viewer is half way to being skipped (the reading then
  // waits a little) and when a socket still holds the memory (it is not read into again)
  const onOutput = (workItemId: string, bytes: Buffer, frame?: Buffer, delivery?: Delivery) => {
    const sent = broadcastLog(clients, workItemId, limits, {
      text: () => outputMessages(workItemId, bytes, limits.maxLogMessageBytes),
      binary: () => frame ?? encodeOutputFrame(workItemId, bytes),
    });
    if (delivery) {
      delivery.behind ||= sent.behind;
      delivery.held ||= sent.held;
    }
  };
  logBus.on('log', onLog);
  logBus.on('output', onOutput);
  const pinger = setInterval(() => pingAll(clients), limits.pingMs);
  pinger.unref();
  app.addHook('onClose', async () => {
    unsubscribe();
    logBus.off('log', onLog);
    logBus.off('output', onOutput);
    clearInterval(pinger);
  });
  const originCheck = async (request: FastifyRequest) => {
    if (!sameOriginRequest(request))
      throw Object.assign(new Error(`a page from ${request.headers.origin} may not open this WebSocket`), {
        statusCode: 403,
      });
  };
  app.get(`${basePath}/websocket`, { websocket: true, preValidation: originCheck }, (socket, request) => {
    const query = request.query as { hello?: string; logs?: string; binary?: string; kinds?: string };
    const client: Client = {
      socket,
      last: startSeq(request, store),
      live: false,
      pumping: false,
      closed: false,
      logs: parseLogs(query.logs),
      kinds: parseKinds(query.kinds),
      binary: query.binary === '1',
      alive: true,
      // after the upgrade, the request's connection is the WebSocket's
      tcp: request.raw.socket as Socket | undefined,
      corked: false,
      skipped: new Set(),
    };
    clients.add(client);
    socket.on('close', () => {
      client.closed = true;
      clients.delete(client);
    });
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (data: Buffer) => onClientMessage(client, data, limits));
    if (query.hello === '1')
      socket.send(
        JSON.stringify({ kind: 'hello', lastSeq: store.lastEventSeq(), stream: store.eventStream }),
      );
    pump(client);
  });
}

/** Sends what the client missed from the database, a batch at a time, then marks it live. */
async function pumpFromStore(client: Client, store: SqliteStore, limits: EventSocketLimits): Promise<void> {
  if (client.pumping || client.closed) return;
  client.pumping = true;
  client.live = false;
  let stalledSince: number | undefined;
  try {
    while (!client.closed) {
      if (client.socket.bufferedAmount > limits.highWaterBytes) {
        stalledSince ??= Date.now();
        if (Date.now() - stalledSince > limits.stalledMs) return client.socket.terminate();
        await sleep(20);
        continue;
      }
      stalledSince = undefined;
      const batch = store.eventTextsSince(client.last, batchSize);
      const sent = client.kinds === undefined ? batch : batch.filter((event) => wants(client, event));
      if (sent.length > 0) corkForTurn(client);
      for (const event of sent) client.socket.send(event.text);
      if (batch.length > 0) client.last = batch[batch.length - 1]!.seq;
      if (batch.length < batchSize) {
        client.live = true;
        return;
      }
    }
  } finally {
    client.pumping = false;
  }
}

/** A committed event: its JSON made once, sent to every live client that has room for it. */
function broadcastEvent(
  clients: ReadonlySet<Client>,
  event: StoreEvent,
  payloadJson: string,
  limits: EventSocketLimits,
  pump: (client: Client) => void,
): void {
  let text: string | undefined;
  for (const client of clients) {
    if (!client.live || event.seq <= client.last) continue;
    if (!wants(client, event)) {
      client.last = event.seq;
      continue;
    }
    if (client.socket.bufferedAmount > limits.highWaterBytes) {
      pump(client);
      continue;
    }
    corkForTurn(client);
    client.socket.send((text ??= eventJson(event, payloadJson)));
    client.last = event.seq;
  }
}

/**
 * Log output to the clients that follow the work item: one binary frame per chunk for `binary=1`
 * clients, bounded `{kind:'log'}` text messages for the others, each made once and only when
 * someone follows (a log nobody watches costs the instance nothing here).
 */
function broadcastLog(
  clients: ReadonlySet<Client>,
  workItemId: string,
  limits: EventSocketLimits,
  make: { text: () => (string | Buffer)[]; binary: () => Buffer },
): Delivery {
  let text: (string | Buffer)[] | undefined;
  let frame: Buffer | undefined;
  let behind = false;
  let held = false;
  for (const client of clients) {
    if (client.logs !== 'all' && !client.logs.has(workItemId)) continue;
    if (client.skipped.has(workItemId)) continue;
    if (client.socket.bufferedAmount > limits.maxBufferedBytes) {
      skipOutput(client, workItemId);
      continue;
    }
    if (client.binary) client.socket.send((frame ??= make.binary()), { binary: true });
    // a message made of bytes is JSON text all the same: it goes out as a text frame
    else (text ??= make.text()).forEach((m) => client.socket.send(m, { binary: false }));
    // bytes the socket could not hand to the kernel at once are still the caller's memory
    held ||= client.socket.bufferedAmount > 0;
    behind ||= client.socket.bufferedAmount > limits.maxBufferedBytes / 2;
  }
  return { behind, held };
}

/**
 * Leaves the work item's output out for this client until its send buffer has drained, then
 * tells it so (without a connection to wait on, the client is dropped as before).
 */
function skipOutput(client: Client, workItemId: string): void {
  const tcp = client.tcp;
  if (!tcp) return client.socket.terminate();
  if (client.skipped.size === 0)
    tcp.once('drain', () => {
      if (client.closed) return;
      for (const id of client.skipped)
        client.socket.send(JSON.stringify({ kind: 'log', workItemId: id, lines: [], skipped: true }));
      client.skipped.clear();
    });
  client.skipped.add(workItemId);
}

function onClientMessage(client: Client, data: Buffer, limits: EventSocketLimits): void {
  if (data.length > limits.maxClientMessageBytes) return client.socket.close(1009, 'message too big');
  let message: { type?: unknown; workItemIds?: unknown; all?: unknown };
  try {
    message = JSON.parse(data.toString('utf8')) as typeof message;
  } catch {
    return client.socket.close(1003, 'messages must be JSON');
  }
  if (message.type !== 'logs') return;
  if (message.all === true) client.logs = 'all';
  else if (Array.isArray(message.workItemIds))
    client.logs = new Set(
      message.workItemIds.filter((id): id is string => typeof id === 'string').slice(0, 100),
    );
}

function pingAll(clients: ReadonlySet<Client>): void {
  for (const client of clients) {
    if (!client.alive) {
      client.socket.terminate();
      continue;
    }
    client.alive = false;
    client.socket.ping();
  }
}
