/**
 * `gerrit stream-events`, kept open: each line parsed into a typed event; when the connection or
 * the command ends, it connects again after a backoff (doubling up to a maximum, back to the
 * start once a stream was up). Events sent while it was away are lost (Gerrit does not replay
 * them), so `onConnected` runs after every (re)connection, once the stream is open: the place to
 * query Gerrit again for what changed meanwhile (the staged changes). Gerrit's `dropped-output`
 * (it dropped events for this stream) gets the same catch-up. A stream Gerrit refuses for lack of
 * the Stream Events capability is not tried again: reconnecting cannot help (onRefused says why).
 */
import { parseGerritEvent, type GerritEvent } from '../../core/gerrit/gerrit-protocol';
import type { GerritSsh, LineStream } from './gerrit-ssh';

export interface EventStreamOptions {
  /** Open a new connection. */
  connect(): Promise<GerritSsh>;
  onEvent(event: GerritEvent): void;
  /** After each successful (re)connection; `reconnected` is false the first time. */
  onConnected?(reconnected: boolean): Promise<void> | void;
  /** The stream ended or could not be opened; `retryInMs` until the next attempt. */
  onDisconnected?(error: Error | undefined, retryInMs: number): void;
  /** Gerrit refused the stream for good (the account lacks the Stream Events capability). */
  onRefused?(error: Error): void;
  /** A line that is not a JSON object. */
  onBadLine?(line: string, error: Error): void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Gerrit refused stream-events for good (not an outage: asking again gives the same answer). */
export class StreamRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamRefusedError';
  }
}

/** The refusal of a stream that ended with a capability error; undefined for any other end. */
function refusal(ended: { exitCode: number | null; stderr: string }): StreamRefusedError | undefined {
  if (ended.exitCode === null || ended.exitCode === 0) return undefined;
  const said = ended.stderr.trim().split('\n')[0] ?? '';
  if (!/capability|not permitted|administrators/i.test(said)) return undefined;
  return new StreamRefusedError(
    `gerrit stream-events was refused (${said}): give the account the "Stream Events" global capability, then restart the instance`,
  );
}

export class GerritEventStream {
  private stopping = false;
  private connection: GerritSsh | undefined;
  private lines: LineStream | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private connectedOnce = false;
  private signalStop: (() => void) | undefined;
  /** Resolves (to undefined) when stop() is called. */
  private readonly stopped = new Promise<undefined>(
    (resolve) => (this.signalStop = () => resolve(undefined)),
  );

  constructor(private readonly options: EventStreamOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    let backoff = initial;
    while (!this.stopping) {
      const outcome = await this.follow();
      if (outcome === 'stopped' || this.stopping) break;
      if (outcome.failure instanceof StreamRefusedError) {
        this.options.onRefused?.(outcome.failure);
        break;
      }
      if (outcome.streamed) backoff = initial;
      this.options.onDisconnected?.(outcome.failure, backoff);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      backoff = Math.min(backoff * 2, max);
    }
  }

  /**
   * One connection: open it and the stream, catch up (onConnected), read until it ends. Whether a
   * stream was up (the backoff starts again) and why it ended; 'stopped' when stop() came first.
   */
  private async follow(): Promise<'stopped' | { streamed: boolean; failure: Error | undefined }> {
    let streamed = false;
    try {
      const connecting = this.options.connect();
      const connection = await Promise.race([connecting, this.stopped]);
      if (!connection) {
        // stopped while connecting: close the connection if it still comes
        connecting.then(
          (c) => c.end(),
          () => undefined,
        );
        return 'stopped';
      }
      this.connection = connection;
      this.lines = await this.connection.stream(['gerrit', 'stream-events'], (line) => this.line(line));
      streamed = true;
      const failure = await this.catchUpAndRead(this.lines);
      return { streamed, failure: refusal(this.lines.ended()) ?? failure };
    } catch (error) {
      return { streamed, failure: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      this.lines = undefined;
      await this.connection?.end();
      this.connection = undefined;
    }
  }

  /** After the stream opened: onConnected, then wait until the stream ends. */
  private async catchUpAndRead(lines: LineStream): Promise<Error | undefined> {
    const reconnected = this.connectedOnce;
    this.connectedOnce = true;
    let failure: Error | undefined;
    try {
      await this.options.onConnected?.(reconnected);
    } catch (error) {
      // What was missed could not be caught up: connect again (and so query again).
      failure = error instanceof Error ? error : new Error(String(error));
      lines.close();
    }
    await lines.closed;
    return failure;
  }

  private line(line: string): void {
    let event: GerritEvent;
    try {
      event = parseGerritEvent(line);
    } catch (error) {
      this.options.onBadLine?.(line, error as Error);
      return;
    }
    if (event.type === 'dropped-output') return this.catchUpAgain();
    this.options.onEvent(event);
  }

  /** Events were dropped: catch up as after a reconnection; when that fails, reconnect. */
  private catchUpAgain(): void {
    const lines = this.lines;
    Promise.resolve()
      .then(() => this.options.onConnected?.(true))
      .catch(() => lines?.close());
  }

  /** Close the stream and stop reconnecting. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop?.();
    this.wake?.();
    this.lines?.close();
    await this.connection?.end();
    await this.loop;
  }
}
