/**
 * The store's history: task search, test outcomes, work item plans, and the reads of durations
 * and the last green integration. One object on SqliteStore (`store.history`), so the history
 * routes and the task runner's two hooks reach it without more methods on the store itself.
 */
import type Database from 'better-sqlite3';
import type { DurationPoint } from '../../core/instance-api-history';
import type { TaskRecord } from './store-records';
import { TaskSearch } from './task-search';
import { toTask, type TaskRow } from './task-table';
import { TestHistoryTable } from './test-history-table';
import { WorkItemPlanTable } from './work-item-plan-table';

/** Which finished work items a duration series holds. */
export interface DurationFilter {
  readonly project?: string;
  readonly branch?: string;
  readonly configurationId?: string;
  readonly kind?: string;
  /** Only runs that finished before this time (ISO). */
  readonly before?: string;
  readonly max?: number;
}

const durationColumns = `w.task_id AS taskId, w.id AS workItemId, w.kind, w.configuration_id AS configurationId,
  w.finished, w.state, CAST(round((julianday(w.finished) - julianday(w.started)) * 86400000) AS INTEGER) AS durationMs`;

/** History reads and the tables behind them. */
export class HistoryTables {
  readonly search: TaskSearch;
  readonly tests: TestHistoryTable;
  readonly plans: WorkItemPlanTable;

  constructor(
    private readonly db: Database.Database,
    now: () => Date,
  ) {
    this.search = new TaskSearch(db);
    this.tests = new TestHistoryTable(db, now);
    this.plans = new WorkItemPlanTable(db);
  }

  /**
   * Durations of finished work items that ran (not reused), newest `max`, returned oldest first.
   */
  durations(filter: DurationFilter): DurationPoint[] {
    const where = [
      `w.reused = 0`,
      `w.started IS NOT NULL`,
      `w.finished IS NOT NULL`,
      `w.state IN ('Done', 'Failed')`,
    ];
    const params: Record<string, string | number> = { max: Math.min(Math.max(filter.max ?? 200, 1), 5000) };
    const exact = [
      ['t.project', 'project', filter.project],
      ['t.branch', 'branch', filter.branch],
      ['w.configuration_id', 'configurationId', filter.configurationId],
      ['w.kind', 'kind', filter.kind],
    ] as const;
    for (const [column, name, value] of exact) {
      if (value === undefined) continue;
      where.push(`${column} = @${name}`);
      params[name] = value;
    }
    if (filter.before) {
      where.push('w.finished < @before');
      params.before = filter.before;
    }
    const rows = this.db
      .prepare(
        `SELECT ${durationColumns} FROM work_items w JOIN tasks t ON t.id = w.task_id
         WHERE ${where.join(' AND ')} ORDER BY w.finished DESC LIMIT @max`,
      )
      .all(params) as DurationPoint[];
    return rows.reverse();
  }

  /** The newest integration of the same project and branch that passed before `task` was created. */
  lastGreen(task: TaskRecord): TaskRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM tasks WHERE project = ? AND branch = ? AND state = 'Passed' AND created < ?
         ORDER BY created DESC LIMIT 1`,
      )
      .get(task.project, task.branch, task.created) as TaskRow | undefined;
    return row && toTask(row);
  }
}
