/**
 * The task_controls table: what people asked of a task besides running it. A queued task's
 * priority (higher starts first), and a cancel: who asked, from where, why and when. The cancel
 * is written before it is carried out, so an instance killed in the middle finishes it when it
 * starts again (SqliteStore.recoverAfterRestart).
 */
import type Database from 'better-sqlite3';
import type { AuditOrigin } from '../../core/instance-api-control';

/** Who cancelled a task, and why. */
export interface CancelRequest {
  readonly by: string;
  readonly origin: AuditOrigin;
  readonly reason: string | null;
  readonly requested: string;
}

interface ControlRow {
  task_id: string;
  priority: number;
  cancel_requested: string | null;
  cancelled_by: string | null;
  cancel_origin: AuditOrigin | null;
  cancel_reason: string | null;
}

/** The words a cancelled task and its work items carry as their reason. */
export function cancelReasonText(request: CancelRequest): string {
  const why = request.reason ? `: ${request.reason}` : '';
  return `cancelled by ${request.by} (${request.origin}) at ${request.requested}${why}`;
}

/** Control rows; every method runs inside the caller's transaction. */
export class TaskControlTable {
  private readonly selectOne: Database.Statement<[string], ControlRow>;
  private readonly upsertPriority: Database.Statement;
  private readonly upsertCancel: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.selectOne = db.prepare('SELECT * FROM task_controls WHERE task_id = ?');
    this.upsertPriority = db.prepare(
      `INSERT INTO task_controls (task_id, priority) VALUES (@task, @priority)
       ON CONFLICT (task_id) DO UPDATE SET priority = excluded.priority`,
    );
    this.upsertCancel = db.prepare(
      `INSERT INTO task_controls (task_id, cancel_requested, cancelled_by, cancel_origin, cancel_reason)
       VALUES (@task, @requested, @by, @origin, @reason)
       ON CONFLICT (task_id) DO UPDATE SET cancel_requested = excluded.cancel_requested,
         cancelled_by = excluded.cancelled_by, cancel_origin = excluded.cancel_origin,
         cancel_reason = excluded.cancel_reason`,
    );
  }

  priority(taskId: string): number {
    return this.selectOne.get(taskId)?.priority ?? 0;
  }

  /** Priorities of the tasks that have one other than 0. */
  priorities(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT task_id, priority FROM task_controls WHERE priority != 0')
      .all() as ControlRow[];
    return new Map(rows.map((r) => [r.task_id, r.priority]));
  }

  setPriority(taskId: string, priority: number): void {
    this.upsertPriority.run({ task: taskId, priority });
  }

  /** Records who cancels the task (first request wins: a second one does not rewrite who did it). */
  requestCancel(taskId: string, request: CancelRequest): CancelRequest {
    const earlier = this.cancelOf(taskId);
    if (earlier) return earlier;
    this.upsertCancel.run({ task: taskId, ...request });
    return request;
  }

  /** The cancel request of a task, if any. */
  cancelOf(taskId: string): CancelRequest | undefined {
    const row = this.selectOne.get(taskId);
    if (!row?.cancel_requested) return undefined;
    return {
      by: row.cancelled_by ?? 'unknown',
      origin: row.cancel_origin ?? 'unknown',
      reason: row.cancel_reason,
      requested: row.cancel_requested,
    };
  }

  /** Ids of tasks with a cancel request that are not finished yet (a restart finishes them). */
  pendingCancels(): string[] {
    const rows = this.db
      .prepare(
        `SELECT c.task_id FROM task_controls c JOIN tasks t ON t.id = c.task_id
         WHERE c.cancel_requested IS NOT NULL AND t.state IN ('Initializing', 'Running')`,
      )
      .all() as { task_id: string }[];
    return rows.map((r) => r.task_id);
  }
}
