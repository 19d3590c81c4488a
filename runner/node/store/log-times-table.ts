/**
 * The log_times table: the batch times of finished short logs (log-times.ts), one row of records
 * per work item, gone with the work item. A row is a few hundred bytes where a file of its own
 * would cost the work item an inode.
 */
import type Database from 'better-sqlite3';
import type { KeptTimes } from './log-times';
import type { TickTransaction } from './tick-transaction';

export class LogTimesTable implements KeptTimes {
  private readonly selectOne: Database.Statement<[string], { records: Buffer }>;
  private readonly upsertOne: Database.Statement<[string, Buffer]>;
  private readonly deleteOne: Database.Statement<[string]>;

  constructor(
    db: Database.Database,
    private readonly writes: TickTransaction,
  ) {
    this.selectOne = db.prepare('SELECT records FROM log_times WHERE work_item_id = ?');
    this.upsertOne = db.prepare(
      `INSERT INTO log_times (work_item_id, records) VALUES (?, ?)
       ON CONFLICT (work_item_id) DO UPDATE SET records = excluded.records`,
    );
    this.deleteOne = db.prepare('DELETE FROM log_times WHERE work_item_id = ?');
  }

  get(workItemId: string): Buffer | undefined {
    return this.selectOne.get(workItemId)?.records;
  }

  /** In the tick's transaction; throws for a work item the store does not know. */
  put(workItemId: string, records: Buffer): void {
    this.writes.runStatement(() => this.upsertOne.run(workItemId, records));
  }

  remove(workItemId: string): void {
    this.writes.runStatement(() => this.deleteOne.run(workItemId));
  }
}
