/**
 * What an instance reports about its runtime configuration, read from its event WebSocket
 * (runner/core/instance-api-events.ts): the latest sequence number (taken before a save) and the `config.applied`
 * or `config.rejected` event of a text, found by the text's SHA-256 among the events after it.
 */
import WebSocket from 'ws';
import { eventSocketUrl } from '../../../runner/core/instance-api';
import type { ConfigOutcome } from '../../common/config-editor-contract';

interface PushedEvent {
  seq?: number;
  kind: string;
  lastSeq?: number;
  payload?: Record<string, unknown>;
}

/** The outcome a pushed event gives for `sha256`, or undefined when it is about something else. */
export function outcomeOf(event: PushedEvent, sha256: string): ConfigOutcome | undefined {
  const payload = event.payload ?? {};
  if (payload.sha256 !== sha256 || typeof event.seq !== 'number') return undefined;
  if (event.kind === 'config.applied') {
    return {
      kind: 'applied',
      seq: event.seq,
      version: Number(payload.version),
      appliedBy: String(payload.appliedBy ?? ''),
      via: String(payload.via ?? ''),
      changes: Array.isArray(payload.changes)
        ? (payload.changes as { path: string; before: unknown; after: unknown }[])
        : [],
      diff: typeof payload.diff === 'string' ? payload.diff : '',
    };
  }
  if (event.kind === 'config.rejected') {
    return {
      kind: 'rejected',
      seq: event.seq,
      errors: Array.isArray(payload.errors) ? payload.errors.map(String) : [],
      keptVersion: typeof payload.keptVersion === 'number' ? payload.keptVersion : null,
    };
  }
  return undefined;
}

/**
 * Reads pushed events until `onEvent` returns a value, or until `timeoutMs` passes or the server
 * closes the stream (then `onEnd` decides: a value, or an Error to reject with). The socket is
 * gone before the promise settles, whatever happened.
 */
function readEvents<T>(
  url: string,
  timeoutMs: number,
  onEvent: (event: PushedEvent) => T | undefined,
  onEnd: () => T | Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: 5000 });
    let settled = false;
    const finish = (result: T | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const settle = () => (result instanceof Error ? reject(result) : resolve(result));
      if (socket.readyState === WebSocket.CLOSED) return settle();
      socket.once('close', settle);
      socket.terminate();
    };
    const timer = setTimeout(() => finish(onEnd()), timeoutMs);
    socket.on('message', (data: Buffer) => {
      if (settled) return;
      let event: PushedEvent;
      try {
        event = JSON.parse(data.toString('utf8')) as PushedEvent;
      } catch {
        return;
      }
      const result = onEvent(event);
      if (result !== undefined) finish(result);
    });
    socket.on('error', (error) => finish(new Error(`the instance's event stream failed: ${error.message}`)));
    socket.on('close', () => finish(onEnd()));
  });
}

/** The instance's latest event sequence number. */
export function latestEventSeq(dashboardUrl: string, timeoutMs = 5000): Promise<number> {
  return readEvents<number>(
    eventSocketUrl(dashboardUrl, { hello: true, logs: 'none' }),
    timeoutMs,
    (event) => (event.kind === 'hello' && typeof event.lastSeq === 'number' ? event.lastSeq : undefined),
    () => new Error('the instance did not say hello on its event stream'),
  );
}

/** Waits for the instance's verdict on the text with `sha256` among the events after `since`. */
export function awaitConfigOutcome(
  dashboardUrl: string,
  sha256: string,
  since: number,
  timeoutMs: number,
): Promise<ConfigOutcome> {
  let last = since;
  return readEvents<ConfigOutcome>(
    eventSocketUrl(dashboardUrl, { since, logs: 'none' }),
    timeoutMs,
    (event) => {
      if (typeof event.seq === 'number') last = Math.max(last, event.seq);
      return outcomeOf(event, sha256);
    },
    () => ({ kind: 'pending', since: last }),
  );
}
