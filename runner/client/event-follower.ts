/**
 * Follows an instance's event WebSocket from Node (runner/core/instance-api-events.ts has the
 * protocol): after a dropped connection or a restarted instance it reconnects, backing off up to a
 * few seconds, with `since` = the last sequence number it saw, so the instance replays exactly
 * what was missed. When the instance's store was replaced or its seqs started over
 * (runner/core/event-resume.ts) the listener is told to re-read everything (`resync`), as on the
 * first connection.
 */
import WebSocket from 'ws';
import { afterHello } from '../core/event-resume';
import {
  parseEventSocketMessage,
  type EventSocketQuery,
  type LogMessage,
  type StoreEvent,
} from '../core/instance-api';

/** Where the follower is. */
export type FollowStatus = 'connecting' | 'live' | 'reconnecting';

/** What the follower tells. */
export interface FollowListener {
  event?(event: StoreEvent): void;
  log?(message: LogMessage): void;
  status?(status: FollowStatus): void;
  /** Connected for the first time, or the store was replaced: re-read what is shown. */
  resync?(): void;
}

const minDelayMs = 250;
const maxDelayMs = 5000;

/** A reconnecting follower of one instance's events. */
export class EventFollower {
  /** The newest sequence number seen; undefined until the first hello. */
  lastSeq: number | undefined;
  /** The event stream lastSeq belongs to, once a hello named it. */
  stream: string | undefined;
  status: FollowStatus = 'connecting';
  private socket: WebSocket | undefined;
  private delay = minDelayMs;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly firstHello: Promise<number>;
  private helloSeen: (seq: number) => void = () => undefined;

  /** `urlFor(query)`: the socket's address (InstanceClient.eventsUrl); `since`: where to start (default: now). */
  constructor(
    private readonly urlFor: (query: EventSocketQuery) => string,
    private readonly listener: FollowListener,
    private readonly options: Pick<EventSocketQuery, 'since' | 'logs' | 'kinds'> = {},
  ) {
    this.lastSeq = options.since;
    this.firstHello = new Promise((resolve) => (this.helloSeen = resolve));
  }

  /** Connect; resolves with the instance's newest seq once it said hello. */
  start(): Promise<number> {
    this.stopped = false;
    this.connect();
    return this.firstHello;
  }

  /** Disconnect for good; resolves when the socket is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  private connect(): void {
    const query = {
      since: this.lastSeq,
      hello: true,
      logs: this.options.logs ?? 'none',
      kinds: this.options.kinds,
    };
    const socket = new WebSocket(this.urlFor(query), { handshakeTimeout: 10_000 });
    this.socket = socket;
    socket.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    socket.on('open', () => (this.delay = minDelayMs));
    // A failed connection is followed by close, which schedules the next attempt.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.setStatus('reconnecting');
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, maxDelayMs);
    });
  }

  private receive(text: string): void {
    const message = parseEventSocketMessage(text);
    if (!message) return;
    if (message.type === 'hello') return this.hello(message.lastSeq, message.stream);
    if (message.type === 'log') return this.listener.log?.(message.log);
    if (this.lastSeq !== undefined && message.event.seq <= this.lastSeq) return;
    this.lastSeq = message.event.seq;
    this.listener.event?.(message.event);
  }

  private hello(lastSeq: number, stream: string | undefined): void {
    const { position, reread } = afterHello({ seq: this.lastSeq, stream: this.stream }, { lastSeq, stream });
    this.lastSeq = position.seq;
    this.stream = position.stream;
    this.setStatus('live');
    this.helloSeen(lastSeq);
    if (reread) this.listener.resync?.();
  }

  private setStatus(status: FollowStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.listener.status?.(status);
  }
}
