/**
 * `<base>/websocket`: every committed store event, in order. A client passes `?since=SEQ` (the
 * last sequence number it saw) and first receives what it missed, so a reconnect resynchronises.
 * Log lines are pushed too, as `{kind: 'log', workItemId, lines}` messages without a sequence
 * number: they are not replayed (the log API serves them in ranges).
 */
import type { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { SqliteStore } from '../store/sqlite-store';

/** Bytes a client may have unsent before it is dropped (it reconnects and resyncs with ?since). */
const maxBufferedBytes = 8 * 1024 * 1024;

/** Register the event WebSocket. */
export function registerEventSocket(
  app: FastifyInstance,
  store: SqliteStore,
  basePath: string,
  logBus: EventEmitter,
): void {
  app.get(`${basePath}/websocket`, { websocket: true }, (socket, request) => {
    const since = Number((request.query as { since?: string }).since ?? store.lastEventSeq());
    let last = Number.isFinite(since) ? since : store.lastEventSeq();
    const sendBatch = () => {
      for (;;) {
        const batch = store.eventsSince(last, 1000);
        for (const event of batch) socket.send(JSON.stringify(event));
        if (batch.length > 0) last = batch[batch.length - 1]!.seq;
        if (batch.length < 1000) return;
      }
    };
    sendBatch();
    const unsubscribe = store.subscribe(() => {
      if (socket.bufferedAmount > maxBufferedBytes) return socket.terminate();
      sendBatch();
    });
    const onLog = (workItemId: string, lines: readonly string[]) => {
      if (socket.bufferedAmount > maxBufferedBytes) return socket.terminate();
      socket.send(JSON.stringify({ kind: 'log', workItemId, lines }));
    };
    logBus.on('log', onLog);
    socket.on('close', () => {
      unsubscribe();
      logBus.off('log', onLog);
    });
  });
}
