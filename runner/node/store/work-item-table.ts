/** The work_items table: a task's planned steps and their checked state changes. */
import type Database from 'better-sqlite3';
import {
  isFinalWorkItemState,
  nextWorkItemState,
  type TaskState,
  type WorkItemState,
} from '../../core/model';
import type { EventLog } from './event-log';
import type { NewWorkItem, WorkItemChange, WorkItemRecord } from './store-records';

interface WorkItemRow {
  id: string;
  task_id: string;
  kind: WorkItemRecord['kind'];
  configuration_id: string;
  build_key: string | null;
  depends_on: string;
  state: WorkItemState;
  reused: number;
  agent_id: string | null;
  created: string;
  started: string | null;
  finished: string | null;
  failure_reason: string | null;
  failure_kind: WorkItemRecord['failureKind'];
}

function toWorkItem(row: WorkItemRow): WorkItemRecord {
  return {
    id: row.id,
    taskId: row.task_id,
    kind: row.kind,
    configurationId: row.configuration_id,
    buildKey: row.build_key,
    dependsOn: JSON.parse(row.depends_on),
    state: row.state,
    reused: row.reused === 1,
    agentId: row.agent_id,
    created: row.created,
    started: row.started,
    finished: row.finished,
    failureReason: row.failure_reason,
    failureKind: row.failure_kind,
  };
}

/** Work item rows; every method runs inside the caller's transaction. */
export class WorkItemTable {
  private readonly insertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[string], WorkItemRow>;
  private readonly selectOfTask: Database.Statement<[string], WorkItemRow>;
  private readonly updateState: Database.Statement;
  private readonly deleteOne: Database.Statement<[string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO work_items (id, task_id, kind, configuration_id, build_key, depends_on, state, created)
       VALUES (@id, @task_id, @kind, @configuration_id, @build_key, @depends_on, 'Queued', @created)`,
    );
    this.selectOne = db.prepare('SELECT * FROM work_items WHERE id = ?');
    this.selectOfTask = db.prepare('SELECT * FROM work_items WHERE task_id = ? ORDER BY rowid');
    this.updateState = db.prepare(
      `UPDATE work_items SET state = @state, reused = @reused, agent_id = @agent_id, started = @started,
       finished = @finished, failure_reason = @failure_reason, failure_kind = @failure_kind WHERE id = @id`,
    );
    this.deleteOne = db.prepare('DELETE FROM work_items WHERE id = ?');
  }

  /**
   * Inserts Queued work items for a task. Every dependency must name a work item of the same
   * task, already stored or in this batch; otherwise nothing is written.
   */
  create(taskId: string, items: readonly NewWorkItem[]): WorkItemRecord[] {
    const known = new Set(this.selectOfTask.all(taskId).map((row) => row.id));
    for (const item of items) known.add(item.id);
    const created = this.now().toISOString();
    for (const item of items) {
      const missing = (item.dependsOn ?? []).filter((dep) => !known.has(dep) || dep === item.id);
      if (missing.length) {
        throw new Error(
          `work item ${item.id} depends on ${missing.join(', ')}, not another work item of task ${taskId}`,
        );
      }
      this.insertRow.run({
        id: item.id,
        task_id: taskId,
        kind: item.kind,
        configuration_id: item.configurationId,
        build_key: item.buildKey ?? null,
        depends_on: JSON.stringify(item.dependsOn ?? []),
        created,
      });
      this.events.append('workItem.created', item.id, {
        taskId,
        kind: item.kind,
        configurationId: item.configurationId,
      });
    }
    return items.map((item) => this.require(item.id));
  }

  /** The work item, or undefined. */
  get(id: string): WorkItemRecord | undefined {
    const row = this.selectOne.get(id);
    return row && toWorkItem(row);
  }

  /** The work item, or a thrown error naming the missing id. */
  require(id: string): WorkItemRecord {
    const item = this.get(id);
    if (!item) throw new Error(`no work item ${id}`);
    return item;
  }

  /** The work items of a task, in the order they were created. */
  ofTask(taskId: string): WorkItemRecord[] {
    return this.selectOfTask.all(taskId).map(toWorkItem);
  }

  /** Moves a work item to a new state (illegal moves throw); Queued -> Done counts as reused. */
  setState(id: string, to: WorkItemState, change: WorkItemChange = {}): WorkItemRecord {
    const item = this.require(id);
    nextWorkItemState(item.state, to);
    const time = this.now().toISOString();
    const reused = change.reused ?? (item.reused || (item.state === 'Queued' && to === 'Done'));
    // the record as written (read back, it would be the same)
    const updated: WorkItemRecord = {
      ...item,
      state: to,
      reused,
      agentId: change.agentId === undefined ? item.agentId : change.agentId,
      started: to === 'Running' ? time : item.started,
      finished: isFinalWorkItemState(to) ? time : null,
      failureReason: change.failureReason === undefined ? item.failureReason : change.failureReason,
      failureKind: change.failureKind === undefined ? item.failureKind : change.failureKind,
    };
    this.updateState.run({
      id,
      state: to,
      reused: reused ? 1 : 0,
      agent_id: updated.agentId,
      started: updated.started,
      finished: updated.finished,
      failure_reason: updated.failureReason,
      failure_kind: updated.failureKind,
    });
    const details = { ...change, ...(reused ? { reused } : {}) };
    this.events.append('workItem.state', id, { taskId: item.taskId, from: item.state, to, ...details });
    return updated;
  }

  /** Deletes a work item that will never finish (an interrupted run), with a workItem.discarded event. */
  discard(item: WorkItemRecord, reason: string): void {
    this.deleteOne.run(item.id);
    this.events.append('workItem.discarded', item.id, { taskId: item.taskId, state: item.state, reason });
  }

  /** The newest Done work item that produced buildKey, the candidate for reuse. */
  latestDone(buildKey: string): WorkItemRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM work_items WHERE build_key = ? AND state = 'Done' ORDER BY finished DESC LIMIT 1`,
      )
      .get(buildKey) as WorkItemRow | undefined;
    return row && toWorkItem(row);
  }

  /** Work items in one of the given states, with their task's state. */
  inStates(states: readonly WorkItemState[]): (WorkItemRecord & { taskState: TaskState })[] {
    const marks = states.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT w.*, t.state AS task_state FROM work_items w JOIN tasks t ON t.id = w.task_id
         WHERE w.state IN (${marks}) ORDER BY w.rowid`,
      )
      .all(...states) as (WorkItemRow & { task_state: TaskState })[];
    return rows.map((row) => ({ ...toWorkItem(row), taskState: row.task_state }));
  }

  /** Build keys of every work item of a task that is not finished (what GC must keep). */
  activeBuildKeys(): Set<string> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT w.build_key AS key FROM work_items w JOIN tasks t ON t.id = w.task_id
         WHERE t.state IN ('Initializing', 'Running') AND w.build_key IS NOT NULL`,
      )
      .all() as { key: string }[];
    return new Set(rows.map((row) => row.key));
  }
}
