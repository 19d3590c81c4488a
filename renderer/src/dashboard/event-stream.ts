/**
 * The runner's event WebSocket, kept open: after a network blip or an instance restart it
 * reconnects (backing off up to a few seconds) with `?since=` the last sequence number it saw, so
 * the server replays exactly what was missed and the page shows the truth again without a
 * reload. When the instance's store was replaced or its seqs started over (runner/core/
 * event-resume.ts), listeners are told to reload everything. Log output comes as binary frames (`binary=1`, see
 * runner/node/server/event-socket.ts): listeners get a LogMessage whose lines are decoded only if
 * read (the log page only needs to know that its work item's log grew). A socket that sends text
 * only (the app's IPC link) is understood as well.
 */
import { afterHello } from '../../../runner/core/event-resume';
import type { LogMessage } from '../../../runner/core/instance-api';
import type { StoreEvent } from './api-types';

/** Log lines pushed live for a followed work item (the contract's message, instance-api-events.ts). */
export type { LogMessage };

/** Where the stream is. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** What listeners can be told. */
export interface StreamListeners {
  event?(event: StoreEvent): void;
  log?(message: LogMessage): void;
  status?(status: StreamStatus): void;
  /** The stream (re)connected and is caught up, or the store was replaced: reload what is shown. */
  resync?(): void;
}

/** The minimal WebSocket the stream needs (the browser's, or a test double). */
export type SocketFactory = (url: string) => WebSocket;

/** WebSocket.OPEN (not read from the global, which Node 20 lacks). */
const openState = 1;
const minDelayMs = 250;
const maxDelayMs = 5000;

const utf8 = new TextDecoder();

/**
 * The log message of a binary frame: 0x4f, the id's length (uint16 big endian), the id, then the
 * output's bytes (complete lines). Undefined for any other binary message.
 */
export function decodeLogFrame(frame: ArrayBuffer): LogMessage | undefined {
  const bytes = new Uint8Array(frame);
  if (bytes.length < 3 || bytes[0] !== 0x4f) return undefined;
  const idEnd = 3 + ((bytes[1]! << 8) | bytes[2]!);
  if (idEnd > bytes.length) return undefined;
  const workItemId = utf8.decode(bytes.subarray(3, idEnd));
  let lines: string[] | undefined;
  return {
    kind: 'log',
    workItemId,
    get lines() {
      lines ??= utf8
        .decode(bytes.subarray(idEnd))
        .replace(/\r?\n$/, '')
        .split(/\r?\n/);
      return lines;
    },
  };
}

/** A reconnecting event stream. */
export class EventStream {
  private socket: WebSocket | undefined;
  private listeners = new Set<StreamListeners>();
  private followed: readonly string[] = [];
  private delay = minDelayMs;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Newest sequence number seen; undefined until the first hello. */
  lastSeq: number | undefined;
  /** The event stream lastSeq belongs to, once known. */
  private stream: string | undefined;
  status: StreamStatus = 'connecting';

  /**
   * `startSeq`: where to start (the seq the page was served at), or undefined for "from now";
   * `startStream`: the event stream that seq belongs to, when the page was told.
   */
  constructor(
    private readonly urlFor: (since: number | undefined) => string,
    private readonly open: SocketFactory = (url) => new WebSocket(url),
    startSeq?: number,
    startStream?: string,
  ) {
    this.lastSeq = startSeq;
    this.stream = startSeq === undefined ? undefined : startStream;
  }

  /** Listen; returns the function that stops listening. */
  listen(listeners: StreamListeners): () => void {
    this.listeners.add(listeners);
    return () => this.listeners.delete(listeners);
  }

  /** Push the log lines of these work items (and no others). */
  followLogs(workItemIds: readonly string[]): void {
    this.followed = workItemIds;
    this.sendFollowed();
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = undefined;
  }

  private connect(): void {
    const url = this.urlFor(this.lastSeq);
    const socket = this.open(`${url}${url.includes('?') ? '&' : '?'}binary=1`);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (message: MessageEvent<unknown>) => {
      if (message.data instanceof ArrayBuffer) {
        const log = decodeLogFrame(message.data);
        if (log) this.emit((l) => l.log?.(log));
      } else this.receive(String(message.data));
    };
    // A failed connection is followed by close, which schedules the next attempt.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.setStatus('reconnecting');
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, maxDelayMs);
    };
    socket.onopen = () => {
      this.delay = minDelayMs;
      this.sendFollowed();
    };
  }

  private receive(text: string): void {
    type Hello = { kind: 'hello'; lastSeq: number; stream?: string };
    const message = JSON.parse(text) as StoreEvent | LogMessage | Hello;
    if (message.kind === 'hello') return this.hello(message as Hello);
    if (message.kind === 'log') return this.emit((l) => l.log?.(message as LogMessage));
    const event = message as StoreEvent;
    if (this.lastSeq !== undefined && event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.emit((l) => l.event?.(event));
  }

  private hello(hello: { lastSeq: number; stream?: string }): void {
    const { position, reread } = afterHello({ seq: this.lastSeq, stream: this.stream }, hello);
    this.lastSeq = position.seq;
    this.stream = position.stream;
    this.setStatus('live');
    // what the page fetched may be older than the stream (event-resume.ts says when)
    if (reread) this.emit((l) => l.resync?.());
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit((l) => l.status?.(status));
  }

  private sendFollowed(): void {
    if (this.socket?.readyState === openState)
      this.socket.send(JSON.stringify({ type: 'logs', workItemIds: this.followed }));
  }

  private emit(call: (listeners: StreamListeners) => void): void {
    for (const listeners of [...this.listeners]) call(listeners);
  }
}
