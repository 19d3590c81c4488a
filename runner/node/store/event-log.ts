/**
 * The events table: every state change is appended here inside the write that makes it, and
 * handed to subscribers (the WebSocket push) as soon as that write has succeeded, from memory,
 * while the tick's transaction commits behind it (tick-transaction.ts); a client never sees an
 * event of a write that was rolled back.
 *
 * Inside the tick's transaction the rows themselves are written just before its COMMIT, up to 50
 * in one INSERT (`writeOut`): one statement per event was most of the cost of an event (5.6 to
 * 5.9 us of SQLite per event against 3.5 to 4.3 us in batches of 50, measured with the table's
 * index). Their seqs are counted here from the table's newest when the transaction's first event
 * comes (the transaction holds SQLite's write lock, so no other connection adds events between);
 * readers of this log see the events not yet written too, as they saw rows inserted in the open
 * transaction before. An event appended outside the tick's writes is written at once.
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

/** Rows per INSERT of writeOut (5 values each, well under SQLite's 32,766 variables). */
const batchRows = 50;

/**
 * Called with each event of a successful write, in seq order, and its payload as the JSON text
 * stored in the table (eventJson() makes the event's own JSON from it without a second pass).
 */
export type EventListener = (event: StoreEvent, payloadJson: string) => void;

/**
 * `JSON.stringify(event)` of an event made by append (keys in the order seq, time, kind,
 * subject, payload), from the payload's JSON as it was stored: the WebSocket sends this text, and
 * serialising the payload a second time per event was about 4% of an event's cost to one client.
 */
export function eventJson(event: Omit<StoreEvent, 'payload'>, payloadJson: string): string {
  const { seq, time, kind, subject } = event;
  return `{"seq":${seq},"time":${JSON.stringify(time)},"kind":${JSON.stringify(kind)},"subject":${JSON.stringify(subject)},"payload":${payloadJson}}`;
}

/** An event as the JSON text the event WebSocket sends, with what a replay filters on. */
export interface EventText {
  seq: number;
  kind: string;
  text: string;
}

/** Appends, reads back and publishes events. */
export class EventLog {
  private readonly insert: Database.Statement<[string, string, string, string]>;
  /** INSERTs of n rows with their seqs, by n (1 to batchRows). */
  private readonly inserts = new Map<number, Database.Statement>();
  private readonly selectNewest: Database.Statement<[], { seq: number | null }>;
  /** Appended in the open transaction, not yet in the table (oldest first). */
  private unwritten: StoreEvent[] = [];
  /** The payloads of `unwritten` as JSON, made at append (a payload that cannot be fails there). */
  private unwrittenPayloads: string[] = [];
  /** The seq the next event of the open transaction gets; undefined until its first event. */
  private nextSeq: number | undefined;
  /**
   * Whether an event appended now is written at the transaction's end: set by the tick's
   * transaction (true inside its writes, in a transaction it began and will commit).
   */
  deferring: () => boolean = () => false;
  private readonly selectSince: Database.Statement<[number, number], EventRow>;
  private readonly selectLast: Database.Statement<[], { seq: number | null }>;
  private readonly listeners = new Set<EventListener>();
  private pending: StoreEvent[] = [];
  /** The payloads of `pending` as JSON. */
  private pendingPayloads: string[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
    private readonly log: StoreLog,
  ) {
    this.insert = db.prepare('INSERT INTO events (time, kind, subject, payload) VALUES (?, ?, ?, ?)');
    this.selectSince = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectLast = db.prepare('SELECT max(seq) AS seq FROM events');
    // AUTOINCREMENT never gives a seq twice, also after the newest events were deleted
    this.selectNewest = db.prepare(
      `SELECT max(coalesce((SELECT max(seq) FROM events), 0),
         coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) AS seq`,
    );
  }

  /** Appends an event; it reaches subscribers when the surrounding write commits. */
  append(kind: string, subject: string, payload: JsonObject = {}): StoreEvent {
    const time = this.now().toISOString();
    const payloadJson = JSON.stringify(payload);
    let event: StoreEvent;
    if (this.deferring()) {
      this.nextSeq ??= (this.selectNewest.get()?.seq ?? 0) + 1;
      event = { seq: this.nextSeq++, time, kind, subject, payload };
      this.unwritten.push(event);
      this.unwrittenPayloads.push(payloadJson);
    } else if (this.nextSeq !== undefined) {
      // outside the tick's writes while its transaction holds seqs: the next of those, at once
      event = { seq: this.nextSeq++, time, kind, subject, payload };
      this.insertOf(1).run([event.seq, time, kind, subject, payloadJson]);
    } else {
      const result = this.insert.run(time, kind, subject, payloadJson);
      event = { seq: Number(result.lastInsertRowid), time, kind, subject, payload };
    }
    this.pending.push(event);
    this.pendingPayloads.push(payloadJson);
    return event;
  }

  /**
   * Writes the events of the open transaction into the table (tick-transaction.ts calls it just
   * before COMMIT); a statement that fails throws, and the transaction is then rolled back.
   */
  writeOut(): void {
    const events = this.unwritten;
    const payloads = this.unwrittenPayloads;
    this.rolledBack();
    for (let at = 0; at < events.length; at += batchRows) {
      const rows = Math.min(batchRows, events.length - at);
      const values: (string | number)[] = [];
      for (let i = at; i < at + rows; i++) {
        const e = events[i]!;
        values.push(e.seq, e.time, e.kind, e.subject, payloads[i]!);
      }
      this.insertOf(rows).run(values);
    }
  }

  /** The transaction was rolled back: its events were never written, and are forgotten. */
  rolledBack(): void {
    this.unwritten = [];
    this.unwrittenPayloads = [];
    this.nextSeq = undefined;
  }

  private insertOf(rows: number): Database.Statement {
    let statement = this.inserts.get(rows);
    if (!statement) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
      statement = this.db.prepare(`INSERT INTO events (seq, time, kind, subject, payload) VALUES ${values}`);
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  /** Events after seq (exclusive), oldest first, at most limit (1..10000) of them. */
  since(seq: number, limit = 1000): StoreEvent[] {
    return this.read(seq, limit, (event, payloadJson) => ({
      ...event,
      payload: JSON.parse(payloadJson) as JsonObject,
    }));
  }

  /**
   * The same events as `since`, each as the JSON text of eventJson() (what the event WebSocket
   * sends), made from the payloads as stored: a replay does not parse each payload to serialise
   * it again (JSON.stringify's output parses back to a value it writes identically).
   */
  textsSince(seq: number, limit = 1000): EventText[] {
    return this.read(seq, limit, (event, payloadJson) => ({
      seq: event.seq,
      kind: event.kind,
      text: eventJson(event, payloadJson),
    }));
  }

  /** The stored events after seq, then the open transaction's (newer than every stored one). */
  private read<T>(
    seq: number,
    limit: number,
    as: (event: Omit<StoreEvent, 'payload'>, payloadJson: string) => T,
  ): T[] {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new RangeError(`event limit must be an integer from 1 to 10000, not ${limit}`);
    }
    const found = this.selectSince.all(seq, limit).map((row) => as(row, row.payload));
    for (let i = 0; i < this.unwritten.length && found.length < limit; i++) {
      const event = this.unwritten[i]!;
      if (event.seq > seq) found.push(as(event, this.unwrittenPayloads[i]!));
    }
    return found;
  }

  /** The seq of the newest event, 0 when there is none. */
  lastSeq(): number {
    const newest = this.unwritten[this.unwritten.length - 1];
    return newest?.seq ?? this.selectLast.get()?.seq ?? 0;
  }

  /** Registers a listener for published events; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes the events of a successful write. A throwing listener is logged, not fatal. */
  flush(): void {
    const events = this.pending;
    const payloads = this.pendingPayloads;
    this.pending = [];
    this.pendingPayloads = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      for (const listener of this.listeners) {
        try {
          listener(event, payloads[i]!);
        } catch (error) {
          this.log.warn(`event listener failed on ${event.kind} #${event.seq}: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Forgets the events of a write that rolled back (its savepoint; the transaction goes on). */
  discard(): void {
    const dropped = new Set(this.pending);
    this.pending = [];
    this.pendingPayloads = [];
    if (dropped.size === 0) return;
    const kept = this.unwritten.flatMap((event, i) => (dropped.has(event) ? [] : [i]));
    this.unwrittenPayloads = kept.map((i) => this.unwrittenPayloads[i]!);
    this.unwritten = kept.map((i) => this.unwritten[i]!);
    // their seqs are not given again in this transaction (a gap; no client saw them)
  }
}
