/**
 * Whether the instance follows its change source right now (connecting, connected, reconnecting,
 * since when, the last error, the next try), for the overview; a lost connection is logged and
 * recorded (`<source>.disconnected`).
 */
import type { GerritConnectionState } from '../../core/gerrit/gerrit-overview';
import type { StagingJournal } from './staging-journal';

export class SourceConnection {
  private state: GerritConnectionState = {
    state: 'connecting',
    since: new Date().toISOString(),
    lastError: null,
    lastErrorAt: null,
    retryInMs: null,
  };

  constructor(
    private readonly journal: StagingJournal,
    /** What is followed (`gerrit stream-events`). */
    private readonly feed: string,
  ) {}

  current(): GerritConnectionState {
    return { ...this.state };
  }

  connected(): void {
    this.state = { ...this.state, state: 'connected', since: new Date().toISOString(), retryInMs: null };
  }

  /** The source refuses to be followed for good: no more tries; the error says what to do. */
  refused(error: string): void {
    const now = new Date().toISOString();
    this.state = { state: 'refused', since: now, lastError: error, lastErrorAt: now, retryInMs: null };
    this.journal.log.error({ err: error }, error);
    this.journal.record('refused', this.journal.name, { error });
  }

  disconnected(error: string | null, retryInMs: number): void {
    const now = new Date().toISOString();
    this.state = {
      state: 'reconnecting',
      since: this.state.state === 'reconnecting' ? this.state.since : now,
      lastError: error ?? `${this.feed} ended`,
      lastErrorAt: now,
      retryInMs,
    };
    this.journal.log.warn(
      { err: error ?? undefined, retryInMs },
      `${this.feed} ended; reconnecting in ${retryInMs} ms`,
    );
    this.journal.record('disconnected', this.journal.name, { error, retryInMs });
  }
}
