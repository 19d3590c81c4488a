/** The tasks table: create, read, filter, and checked state changes with their events. */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isFinalTaskState, nextTaskState, type TaskState } from '../../core/model';
import type { EventLog } from './event-log';
import {
  taskFiltersSchema,
  type NewTask,
  type TaskFilters,
  type TaskPage,
  type TaskRecord,
} from './store-records';

export interface TaskRow {
  id: string;
  type: TaskRecord['type'];
  project: string;
  branch: string;
  sha: string | null;
  tested_changes: string;
  state: TaskState;
  created: string;
  started: string | null;
  finished: string | null;
  source: string;
  result_reason: string | null;
}

export function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    type: row.type,
    project: row.project,
    branch: row.branch,
    sha: row.sha,
    testedChanges: JSON.parse(row.tested_changes),
    state: row.state,
    created: row.created,
    started: row.started,
    finished: row.finished,
    source: JSON.parse(row.source),
    resultReason: row.result_reason,
  };
}

/** Escapes LIKE wildcards so the text matches literally (anywhere, or at the start with `prefix`). */
function likePattern(text: string, prefix = false): string {
  return `${prefix ? '' : '%'}${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** LIKE conditions (case-insensitive for ASCII, SQLite's default) of the part and prefix filters. */
function likeFilters(f: ReturnType<typeof taskFiltersSchema.parse>): [string, Record<string, string>] {
  const where: string[] = [];
  const params: Record<string, string> = {};
  const likes = [
    ['project', 'projectPart', f.projectPart, false],
    ['branch', 'branchPart', f.branchPart, false],
    ['id', 'idPrefix', f.idPrefix, true],
  ] as const;
  for (const [column, name, value, prefix] of likes) {
    if (!value) continue;
    where.push(`${column} LIKE @${name} ESCAPE '\\'`);
    params[name] = likePattern(value, prefix);
  }
  return [where.join(' AND '), params];
}

/** Task rows; every method runs inside the caller's transaction. */
export class TaskTable {
  private readonly insertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[string], TaskRow>;
  private readonly updateState: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO tasks (id, type, project, branch, sha, tested_changes, state, created, source)
       VALUES (@id, @type, @project, @branch, @sha, @tested_changes, 'Initializing', @created, @source)`,
    );
    this.selectOne = db.prepare('SELECT * FROM tasks WHERE id = ?');
    this.updateState = db.prepare(
      `UPDATE tasks SET state = @state, started = @started, finished = @finished,
       result_reason = @result_reason WHERE id = @id`,
    );
  }

  /** Inserts a new Initializing task and its task.created event. */
  create(task: NewTask): TaskRecord {
    const id = task.id ?? randomUUID();
    this.insertRow.run({
      id,
      type: task.type,
      project: task.project,
      branch: task.branch,
      sha: task.sha ?? null,
      tested_changes: JSON.stringify(task.testedChanges ?? []),
      created: this.now().toISOString(),
      source: JSON.stringify(task.source ?? {}),
    });
    const created = this.require(id);
    this.events.append('task.created', id, {
      type: created.type,
      project: created.project,
      branch: created.branch,
    });
    return created;
  }

  /** The task, or undefined. */
  get(id: string): TaskRecord | undefined {
    const row = this.selectOne.get(id);
    return row && toTask(row);
  }

  /** The task, or a thrown error naming the missing id. */
  require(id: string): TaskRecord {
    const task = this.get(id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  /**
   * Moves a task to a new state (an illegal move throws, nothing written). Running stamps the
   * start, a final state the finish; going back to Initializing (re-queue) clears both and the
   * result reason (the reason then only goes into the event).
   */
  setState(id: string, to: TaskState, reason?: string | null): TaskRecord {
    const task = this.require(id);
    nextTaskState(task.state, to);
    const time = this.now().toISOString();
    const requeue = to === 'Initializing';
    this.updateState.run({
      id,
      state: to,
      started: requeue ? null : to === 'Running' ? (task.started ?? time) : task.started,
      finished: isFinalTaskState(to) ? time : null,
      result_reason: requeue ? null : reason === undefined ? task.resultReason : reason,
    });
    this.events.append('task.state', id, { from: task.state, to, ...(reason ? { reason } : {}) });
    return this.require(id);
  }

  /** A page of tasks, newest first, filtered like Coin's public task list. */
  list(filters: TaskFilters = {}): TaskPage {
    const f = taskFiltersSchema.parse(filters);
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    const equal = { project: f.project, branch: f.branch, type: f.type, state: f.state };
    for (const [column, value] of Object.entries(equal)) {
      if (value === undefined) continue;
      where.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (f.before !== undefined) {
      where.push('created < @before');
      params.before = f.before;
    }
    if (f.after !== undefined) {
      where.push('created > @after');
      params.after = f.after;
    }
    const [likes, likeParams] = likeFilters(f);
    if (likes) {
      where.push(likes);
      Object.assign(params, likeParams);
    }
    if (f.searchText) {
      const columns = ['id', 'project', 'branch', 'sha', 'tested_changes', 'result_reason'];
      where.push(`(${columns.map((c) => `coalesce(${c}, '') LIKE @search ESCAPE '\\'`).join(' OR ')})`);
      params.search = likePattern(f.searchText);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) AS n FROM tasks ${clause}`).get(params) as { n: number };
    const rows = this.db
      .prepare(`SELECT * FROM tasks ${clause} ORDER BY created DESC, rowid DESC LIMIT @max OFFSET @start`)
      .all({ ...params, max: f.max, start: f.start }) as TaskRow[];
    return { total: total.n, start: f.start, tasks: rows.map(toTask) };
  }

  /** Tasks in one of the given states, oldest first. */
  inStates(states: readonly TaskState[]): TaskRecord[] {
    const marks = states.map(() => '?').join(', ');
    const rows = this.db.prepare(`SELECT * FROM tasks WHERE state IN (${marks}) ORDER BY created, rowid`);
    return (rows.all(...states) as TaskRow[]).map(toTask);
  }
}
