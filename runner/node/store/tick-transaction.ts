/**
 * Store writes batched into one SQLite transaction per tick of the event loop. The first write
 * opens an IMMEDIATE transaction and queues its COMMIT with setImmediate; every write until then
 * (the state changes of every message handled in this turn of the loop, events appended in a
 * loop with awaits between them) runs in it as a savepoint, so a write that throws still rolls
 * back alone. Events are published from memory as soon as their write's savepoint is released,
 * before the batch commits: WebSocket clients never wait for SQLite. A kill -9 loses at most the
 * writes of the current turn, as if the process had stopped just before them; restart recovery
 * treats them so. Whoever tells another process about a write (the HTTP server before it sends a
 * reply to a mutating request) calls commit() first.
 */
import type Database from 'better-sqlite3';
import type { EventLog } from './event-log';
import type { StoreLog } from './store-log';

/** Runs writes in the tick's transaction and commits it when the synchronous code is done. */
export class TickTransaction {
  private depth = 0;
  private commitQueued = false;
  /** The open transaction is the one this began (and will commit). */
  private ours = false;
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollbackStatement: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly log: StoreLog,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollbackStatement = db.prepare('ROLLBACK');
    // events of these writes are written in one go just before the COMMIT (event-log.ts)
    events.deferring = () => this.depth > 0 && this.ours;
  }

  /** Whether a write is running now (a runner stuck inside one holds SQLite's write lock). */
  get writing(): boolean {
    return this.depth > 0;
  }

  /** Runs fn as one all-or-nothing write of this tick's transaction; its events publish at once. */
  run<T>(fn: () => T): T {
    // inside an open transaction better-sqlite3 runs fn in a SAVEPOINT, rolled back on a throw
    return this.write(() => this.db.transaction(fn)());
  }

  /**
   * Runs fn, a write of exactly one SQL statement, in the tick's transaction without a savepoint
   * of its own: SQLite undoes a failed statement by itself, so the savepoint (two more statements
   * and a wrapper per write) buys nothing there. Appending an event is such a write.
   */
  runStatement<T>(fn: () => T): T {
    return this.write(fn);
  }

  /** Opens the tick's transaction if needed, runs `body`, then publishes or drops its events. */
  private write<T>(body: () => T): T {
    if (this.depth > 0) return body();
    if (!this.db.inTransaction) {
      this.begin.run();
      this.ours = true;
      this.queueCommit();
    }
    this.depth++;
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.events.discard();
      throw error;
    } finally {
      this.depth--;
    }
    this.events.flush();
    return result;
  }

  /** Commits the tick's transaction now (before close, or when a caller needs it on disk). */
  commit(): void {
    if (!this.db.open || !this.db.inTransaction || this.depth > 0) return;
    try {
      this.events.writeOut();
      this.commitStatement.run();
    } catch (error) {
      // the writes are lost as if the process had stopped before them; recovery handles that
      this.log.warn(`the store could not commit a batch of writes: ${(error as Error).message}`);
      this.events.rolledBack();
      if (this.db.inTransaction) this.rollbackStatement.run();
    } finally {
      this.ours = false;
    }
  }

  private queueCommit(): void {
    if (this.commitQueued) return;
    this.commitQueued = true;
    setImmediate(() => {
      this.commitQueued = false;
      this.commit();
    });
  }
}
