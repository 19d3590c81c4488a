/**
 * The instance event WebSockets the in-window dashboard reads, relayed as long-polled batches.
 * Each stream is one `ws` connection from the main process to an instance. Its text messages queue
 * until the renderer collects them (`next`, which waits for the first one); a stream nobody collects
 * for a while, or whose queue outgrows its bound, is closed: the renderer then opens a new one with
 * `since` = the last sequence number it saw and the instance replays what was missed, so closing is
 * always safe and memory stays bounded however slow or gone the window is.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** What `next` answers. */
export interface RelayBatch {
  open: boolean;
  messages: string[];
  closed: boolean;
}

/** Bounds of the relay. */
export interface RelayLimits {
  /** Queued bytes per stream before it is closed. */
  maxQueuedBytes: number;
  /** Streams open at once; opening one more closes the least recently read. */
  maxStreams: number;
  /** A stream not read for this long is closed. */
  idleMs: number;
  /** Largest message accepted from an instance. */
  maxMessageBytes: number;
}

export const defaultRelayLimits: RelayLimits = {
  maxQueuedBytes: 16 * 1024 * 1024,
  maxStreams: 16,
  idleMs: 60_000,
  maxMessageBytes: 8 * 1024 * 1024,
};

interface Stream {
  socket: WebSocket;
  queue: string[];
  queuedBytes: number;
  open: boolean;
  closed: boolean;
  lastRead: number;
  wake: (() => void) | undefined;
}

/** Open relayed streams by id. */
export class EventRelay {
  private readonly streams = new Map<string, Stream>();
  private readonly janitor: NodeJS.Timeout;

  constructor(private readonly limits: RelayLimits = defaultRelayLimits) {
    this.janitor = setInterval(() => this.sweep(), Math.min(limits.idleMs, 15_000));
    this.janitor.unref();
  }

  /** Connect to `url` (a ws:// address of an instance's event socket); returns the stream's id. */
  open(url: string): string {
    while (this.streams.size >= this.limits.maxStreams) this.close(this.leastRecentlyRead()!);
    const id = randomBytes(12).toString('hex');
    const socket = new WebSocket(url, { maxPayload: this.limits.maxMessageBytes, handshakeTimeout: 10_000 });
    const stream: Stream = {
      socket,
      queue: [],
      queuedBytes: 0,
      open: false,
      closed: false,
      lastRead: Date.now(),
      wake: undefined,
    };
    this.streams.set(id, stream);
    socket.on('open', () => {
      stream.open = true;
      this.wake(stream);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary || stream.closed) return;
      const text = data.toString();
      stream.queue.push(text);
      stream.queuedBytes += text.length;
      if (stream.queuedBytes > this.limits.maxQueuedBytes) this.closeStream(id);
      else this.wake(stream);
    });
    // An error is followed by close; both end the stream.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      stream.closed = true;
      this.wake(stream);
    });
    return id;
  }

  /**
   * What arrived since the last call: at once when something is queued or the stream ended, else
   * after the first message or `waitMs`. An unknown id answers "closed" (the renderer reopens).
   */
  async next(id: string, waitMs: number): Promise<RelayBatch> {
    const stream = this.streams.get(id);
    if (!stream) return { open: false, messages: [], closed: true };
    stream.lastRead = Date.now();
    if (stream.queue.length === 0 && !stream.closed && waitMs > 0) {
      // One reader at a time: an earlier waiting call answers now, empty.
      stream.wake?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          if (stream!.wake === done) stream!.wake = undefined;
          resolve();
        }
        stream.wake = done;
      });
      stream.lastRead = Date.now();
    }
    const messages = stream.queue;
    stream.queue = [];
    stream.queuedBytes = 0;
    if (stream.closed) this.streams.delete(id);
    return { open: stream.open, messages, closed: stream.closed };
  }

  /** Send a text message; false when the stream is not open (the renderer resends after reopening). */
  send(id: string, data: string): boolean {
    const stream = this.streams.get(id);
    if (!stream || stream.closed || stream.socket.readyState !== WebSocket.OPEN) return false;
    stream.socket.send(data);
    return true;
  }

  /** Close a stream; false when it was not open. */
  close(id: string): boolean {
    if (!this.streams.has(id)) return false;
    this.closeStream(id);
    this.streams.delete(id);
    return true;
  }

  /** How many streams are open (for tests and diagnostics). */
  get size(): number {
    return this.streams.size;
  }

  /** Close every stream and stop the janitor. */
  closeAll(): void {
    clearInterval(this.janitor);
    for (const id of [...this.streams.keys()]) this.close(id);
  }

  private closeStream(id: string): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.closed = true;
    stream.queue = [];
    stream.queuedBytes = 0;
    stream.socket.terminate();
    this.wake(stream);
  }

  private wake(stream: Stream): void {
    const wake = stream.wake;
    stream.wake = undefined;
    wake?.();
  }

  private leastRecentlyRead(): string | undefined {
    let oldest: [string, number] | undefined;
    for (const [id, s] of this.streams) if (!oldest || s.lastRead < oldest[1]) oldest = [id, s.lastRead];
    return oldest?.[0];
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of [...this.streams])
      if (now - s.lastRead > this.limits.idleMs) {
        this.closeStream(id);
        this.streams.delete(id);
      }
  }
}
