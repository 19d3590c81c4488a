/**
 * The events table: every state change is appended here inside the write that makes it, and
 * handed to subscribers (the WebSocket push) as soon as that write has succeeded, from memory,
 * while the tick's transaction commits behind it (tick-transaction.ts); a client never sees an
 * event of a write that was rolled back.
 */
import type Database from 'better-sqlite3';
import type { StoreLog } from './store-log';
import type { JsonObject, StoreEvent } from './store-records';

interface EventRow {
  seq: number;
  time: string;
  kind: string;
  subject: string;
  payload: string;
}

/** Called with each event of a successful write, in seq order. */
export type EventListener = (event: StoreEvent) => void;

/** Appends, reads back and publishes events. */
export class EventLog {
  private readonly insert: Database.Statement<[string, string, string, string]>;
  private readonly selectSince: Database.Statement<[number, number], EventRow>;
  private readonly selectLast: Database.Statement<[], { seq: number | null }>;
  private readonly listeners = new Set<EventListener>();
  private pending: StoreEvent[] = [];

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
    private readonly log: StoreLog,
  ) {
    this.insert = db.prepare('INSERT INTO events (time, kind, subject, payload) VALUES (?, ?, ?, ?)');
    this.selectSince = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectLast = db.prepare('SELECT max(seq) AS seq FROM events');
  }

  /** Appends an event; it reaches subscribers when the surrounding write commits. */
  append(kind: string, subject: string, payload: JsonObject = {}): StoreEvent {
    const time = this.now().toISOString();
    const result = this.insert.run(time, kind, subject, JSON.stringify(payload));
    const event = { seq: Number(result.lastInsertRowid), time, kind, subject, payload };
    this.pending.push(event);
    return event;
  }

  /** Events after seq (exclusive), oldest first, at most limit (1..10000) of them. */
  since(seq: number, limit = 1000): StoreEvent[] {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new RangeError(`event limit must be an integer from 1 to 10000, not ${limit}`);
    }
    return this.selectSince.all(seq, limit).map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
  }

  /** The seq of the newest event, 0 when there is none. */
  lastSeq(): number {
    return this.selectLast.get()?.seq ?? 0;
  }

  /** Registers a listener for published events; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes the events of a successful write. A throwing listener is logged, not fatal. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.log.warn(`event listener failed on ${event.kind} #${event.seq}: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Forgets the events of a write that rolled back. */
  discard(): void {
    this.pending = [];
  }
}
