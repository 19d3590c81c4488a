/**
 * Which run of the instance an event's seq belongs to. The store hands events to WebSocket
 * clients as soon as their write succeeds, before the turn's batch commits (tick-transaction.ts);
 * a kill -9 in between takes those events away, and the next run gives their seqs to other
 * events. A client resuming with `?since=` would then skip those. So the seqs carry a stream id:
 * a run that stops cleanly (every published event committed with the last batch) hands its
 * stream on, and the next run continues it, so clients resume exactly where they were; a run
 * that did not (a kill -9, a crash, a power cut) may have published events that never reached
 * the disk, and the next run begins a new stream. A client whose hello names another stream than
 * the one it followed re-reads everything instead of resuming.
 *
 * Only the instance that holds the working directory's lock begins a stream: the commands that
 * open the store while no instance runs (offline-store.ts, coin diagnose) leave it alone, and what
 * they write is committed, so the next run may still continue the stream.
 */
import { randomUUID } from 'node:crypto';

/** The store's meta values (artifact-table.ts), written in the caller's transaction. */
export interface MetaValues {
  meta(name: string): string | undefined;
  setMeta(name: string, value: string): void;
}

const streamKey = 'event_stream';
/** 'open' while a run publishes on the stream, 'closed' once it stopped cleanly. */
const stateKey = 'event_stream_state';

/** A run's stream, and whether it continues the last run's. */
export interface BegunStream {
  readonly stream: string;
  /** False for the first run and after a run that did not stop cleanly. */
  readonly continued: boolean;
}

/** This run's stream: the last run's when it stopped cleanly, else a new one. Marks it open. */
export function beginEventStream(values: MetaValues): BegunStream {
  const last = values.meta(streamKey);
  const continued = last !== undefined && values.meta(stateKey) === 'closed';
  const stream = continued ? last : randomUUID();
  values.setMeta(streamKey, stream);
  values.setMeta(stateKey, 'open');
  return { stream, continued };
}

/** Marks the stream as stopped cleanly: to be written in the run's last batch. */
export function endEventStream(values: MetaValues): void {
  values.setMeta(stateKey, 'closed');
}
