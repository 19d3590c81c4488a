/**
 * A minimal Chrome DevTools Protocol session over the inspector's WebSocket: numbered commands
 * with a time limit each, and events by name. Enough for a diagnosis; not a debugger.
 */
import WebSocket from 'ws';

/** A command the target answered with an error, or did not answer in time. */
export class CdpError extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'CdpError';
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/** One open session with a target's inspector. */
export class CdpSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.onMessage(String(data)));
    socket.on('close', () => this.failAll('the inspector closed the connection'));
    socket.on('error', () => undefined); // reported by 'close'
  }

  /** Connects to the inspector's WebSocket URL (from /json/list). */
  static open(url: string, timeoutMs = 5000): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
      socket.once('open', () => resolve(new CdpSession(socket)));
      socket.once('error', (error) =>
        reject(new CdpError(`cannot reach the inspector at ${url}: ${error.message}`)),
      );
    });
  }

  /** Sends `method` and resolves to its result; rejects with CdpError on an error or after `timeoutMs`. */
  send<T = unknown>(method: string, params: object = {}, timeoutMs = 5000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CdpError(`${method} got no answer within ${timeoutMs} ms`, true));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }), (error) => {
        if (error) this.settle(id, undefined, `cannot send ${method}: ${error.message}`);
      });
    });
  }

  /** Sends `method` without waiting for an answer (inspector.close() blocks until we hang up). */
  post(method: string, params: object = {}): void {
    this.socket.send(JSON.stringify({ id: this.nextId++, method, params }));
  }

  /** Calls `listener` with the params of every `event`; returns the unsubscribe function. */
  on<T = unknown>(event: string, listener: (params: T) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    const wrapped = listener as (params: unknown) => void;
    set.add(wrapped);
    this.listeners.set(event, set);
    return () => set.delete(wrapped);
  }

  /** Resolves with the first `event`'s params, or undefined after `timeoutMs`. */
  once<T = unknown>(event: string, timeoutMs: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const listener = (params: unknown) => {
        clearTimeout(timer);
        this.listeners.get(event)?.delete(listener);
        resolve(params as T);
      };
      const timer = setTimeout(() => {
        this.listeners.get(event)?.delete(listener);
        resolve(undefined);
      }, timeoutMs);
      this.on(event, listener);
    });
  }

  /** Hangs up and waits until the socket is closed. */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.socket.terminate(), resolve()), 2000);
      this.socket.once('close', () => (clearTimeout(timer), resolve()));
      this.socket.close();
    });
  }

  private onMessage(text: string): void {
    let message: {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string };
    };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.id !== undefined) this.settle(message.id, message.result, message.error?.message);
    else if (message.method)
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
  }

  private settle(id: number, result: unknown, error: string | undefined): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (error !== undefined) pending.reject(new CdpError(error));
    else pending.resolve(result);
  }

  private failAll(reason: string): void {
    for (const [id] of this.pending) this.settle(id, undefined, reason);
  }
}
