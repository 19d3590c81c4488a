/**
 * The health_runs table: every run of the checks an instance makes on itself (its schedule, or
 * someone asking), with when, how long it took, the worst status and every check's outcome, so
 * the history exists whether or not anybody looked. Runs older than keepDays are dropped at each
 * new run. Recording one appends a `health.checked` event in the same transaction, so dashboards
 * see it over the WebSocket.
 */
import type Database from 'better-sqlite3';
import type { HealthCheck, HealthStatus } from '../../core/health-checks';
import { eventKinds } from '../../core/instance-api-events';
import type { EventLog } from './event-log';

/** The subject of health events. */
export const healthEventSubject = 'health';

/** Runs are kept this long. */
export const healthKeepDays = 90;

/** One stored run. */
export interface HealthRunRecord {
  id: number;
  checkedAt: string;
  trigger: 'schedule' | 'request';
  overall: HealthStatus;
  ms: number;
  checks: HealthCheck[];
}

interface RunRow {
  id: number;
  checked_at: string;
  trigger: 'schedule' | 'request';
  overall: HealthStatus;
  ms: number;
  checks: string;
}

const toRecord = (row: RunRow): HealthRunRecord => ({
  id: row.id,
  checkedAt: row.checked_at,
  trigger: row.trigger,
  overall: row.overall,
  ms: row.ms,
  checks: JSON.parse(row.checks) as HealthCheck[],
});

/** Health run rows. */
export class HealthTable {
  private readonly insertRow: Database.Statement;
  private readonly deleteOld: Database.Statement<[string]>;
  private readonly selectSince: Database.Statement<[string, number], RunRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO health_runs (checked_at, trigger, overall, ms, checks)
       VALUES (@checked_at, @trigger, @overall, @ms, @checks)`,
    );
    this.deleteOld = db.prepare('DELETE FROM health_runs WHERE checked_at < ?');
    // The newest `max` runs since the time, returned oldest first.
    this.selectSince = db.prepare(
      `SELECT * FROM (SELECT * FROM health_runs WHERE checked_at >= ? ORDER BY checked_at DESC, id DESC LIMIT ?)
       ORDER BY checked_at, id`,
    );
  }

  /** Stores a run, drops the runs older than healthKeepDays, and appends its event. */
  record(run: Omit<HealthRunRecord, 'id'>): HealthRunRecord {
    return this.db
      .transaction(() => {
        const cutoff = new Date(Date.parse(run.checkedAt) - healthKeepDays * 86_400_000).toISOString();
        this.deleteOld.run(cutoff);
        const info = this.insertRow.run({
          checked_at: run.checkedAt,
          trigger: run.trigger,
          overall: run.overall,
          ms: run.ms,
          checks: JSON.stringify(run.checks),
        });
        const id = Number(info.lastInsertRowid);
        this.events.append(eventKinds.healthChecked, healthEventSubject, { id, overall: run.overall });
        return { ...run, id };
      })
      .immediate();
  }

  /** The newest `max` runs checked at or after `since` (an ISO time), oldest first. */
  since(since: string, max: number): HealthRunRecord[] {
    return this.selectSince.all(since, max).map(toRecord);
  }
}
