/**
 * Coin's state in one SQLite database (DIR/coin.db): tasks, work items, agents, the event log,
 * artifact records and meta values. All SQL lives in this directory; callers get typed methods.
 * Writes are batched into one IMMEDIATE transaction per tick; their events reach subscribers at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { COIN_REVISION } from '../../core/build-key';
import { isFinalTaskState, type AgentState, type TaskState, type WorkItemState } from '../../core/model';
import { AgentTable } from './agent-table';
import { AuditTable } from './audit-table';
import { ArtifactTable } from './artifact-table';
import { ConfigHistoryTable } from './config-history-table';
import { EventLog, type EventListener, type EventText } from './event-log';
import { beginEventStream, endEventStream, type BegunStream } from './event-stream';
import { HealthTable } from './health-table';
import { HistoryTables } from './history-tables';
import { LogTimesTable } from './log-times-table';
import { migrateSchema } from './schema';
import { silentLog, type StoreLog } from './store-log';
import type {
  AgentRecord,
  AgentUpsert,
  ArtifactRecord,
  JsonObject,
  NewArtifact,
  NewTask,
  NewWorkItem,
  RecoveryReport,
  StoreEvent,
  TaskFilters,
  TaskPage,
  TaskRecord,
  WorkItemChange,
  WorkItemRecord,
} from './store-records';
import { cancelReasonText, TaskControlTable } from './task-control-table';
import { TaskTable } from './task-table';
import { TickTransaction } from './tick-transaction';
import { WorkItemTable } from './work-item-table';

/** How a store is opened; every field has a production default. */
export interface SqliteStoreOptions {
  /** The clock for every stored time (tests pass a fake one). */
  readonly now?: () => Date;
  readonly log?: StoreLog;
  /** The COIN revision of this code; a change since the last open bumps the artifact epoch. */
  readonly coinRevision?: number;
  /** How long a write waits for another connection's lock before failing (SQLITE_BUSY). */
  readonly busyTimeoutMs?: number;
}

/** The result of integrityCheck: ok, or what SQLite found wrong. */
export interface IntegrityReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/** The file name of the database inside the working directory. */
export const databaseFileName = 'coin.db';

const interrupted = 'interrupted by a restart';

/** Coin's SQLite store. Open with SqliteStore.open(workingDir); close() when done. */
export class SqliteStore {
  private readonly events: EventLog;
  private readonly writes: TickTransaction;
  private readonly tasks: TaskTable;
  private readonly workItems: WorkItemTable;
  private readonly agents: AgentTable;
  private readonly artifacts: ArtifactTable;
  /** Applied runtime-configuration versions (config-history-table.ts); record() inside transaction(). */
  readonly configHistory: ConfigHistoryTable;
  /** The audit trail (audit-table.ts); record() inside transaction(), with the action it records. */
  readonly audit: AuditTable;
  /** Priorities and cancel requests of tasks (task-control-table.ts); writes inside transaction(). */
  readonly controls: TaskControlTable;
  /** Task search, test outcomes, work item plans and durations (history-tables.ts). */
  readonly history: HistoryTables;
  /** Runs of the instance's health checks (health-table.ts). */
  readonly health: HealthTable;
  /** The batch times of finished short logs (log-times-table.ts): LogStore's KeptTimes. */
  readonly logTimes: LogTimesTable;

  private constructor(
    private readonly db: Database.Database,
    private readonly log: StoreLog,
    now: () => Date,
  ) {
    this.events = new EventLog(db, now, log);
    this.writes = new TickTransaction(db, this.events, log);
    this.tasks = new TaskTable(db, this.events, now);
    this.workItems = new WorkItemTable(db, this.events, now);
    this.agents = new AgentTable(db, this.events, now);
    this.artifacts = new ArtifactTable(db, this.events, now);
    this.configHistory = new ConfigHistoryTable(db, this.events, now);
    this.audit = new AuditTable(db, this.events, now);
    this.controls = new TaskControlTable(db);
    this.history = new HistoryTables(db, now);
    this.health = new HealthTable(db, this.events);
    this.logTimes = new LogTimesTable(db, this.writes);
  }

  /** Opens (creating when needed) DIR/coin.db: WAL, synchronous NORMAL, foreign keys, migrations. */
  static open(workingDir: string, options: SqliteStoreOptions = {}): SqliteStore {
    fs.mkdirSync(workingDir, { recursive: true });
    const db = new Database(path.join(workingDir, databaseFileName));
    const log = options.log ?? silentLog;
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') log.warn(`${db.name}: WAL is not available here (journal mode ${String(mode)})`);
      db.pragma('synchronous = NORMAL');
      // 64 MiB of page cache (the default is 2): searches read task rows spread over a large file
      db.pragma('cache_size = -65536');
      db.pragma('foreign_keys = ON');
      migrateSchema(db);
      const store = new SqliteStore(db, log, options.now ?? (() => new Date()));
      store.checkCoinRevision(options.coinRevision ?? COIN_REVISION);
      store.commit();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** One all-or-nothing write (nested calls join it) in the tick's transaction; events publish at once. */
  transaction<T>(fn: () => T): T {
    return this.writes.run(fn);
  }

  /** Whether a write is running now (coin diagnose reports one left open in a hung runner). */
  get inTransaction(): boolean {
    return this.db.open && this.writes.writing;
  }

  /** Commits the writes of this tick now (they otherwise commit when the synchronous code ends). */
  commit = (): void => this.writes.commit();

  /** The stream of this run's event seqs (event-stream.ts), once begun by the instance holding the lock. */
  eventStream: string | undefined;
  beginEventStream = (): BegunStream => {
    const begun = this.transaction(() => beginEventStream(this.artifacts));
    this.eventStream = begun.stream;
    return begun;
  };

  /** Closes the database (checkpointing the WAL); a begun event stream ends cleanly. Unusable afterwards; again: nothing. */
  close(): void {
    if (!this.db.open) return;
    if (this.eventStream !== undefined) this.transaction(() => endEventStream(this.artifacts));
    this.writes.commit();
    this.db.close();
  }

  /** The journal mode SQLite actually uses ('wal' unless the file system cannot do it). */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /** PRAGMA integrity_check and foreign_key_check; ok when both find nothing. */
  integrityCheck(): IntegrityReport {
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
    const orphans = this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
    for (const o of orphans) problems.push(`${o.table} row ${o.rowid} refers to a missing ${o.parent} row`);
    return { ok: problems.length === 0, problems };
  }

  /** Creates an Initializing task. */
  createTask(task: NewTask): TaskRecord {
    return this.transaction(() => this.tasks.create(task));
  }

  /** The task, or undefined. */
  getTask(id: string): TaskRecord | undefined {
    return this.tasks.get(id);
  }

  /** A page of tasks, newest first (project, branch, type, state, before, after, searchText, start, max). */
  listTasks(filters: TaskFilters = {}): TaskPage {
    return this.tasks.list(filters);
  }

  /** Checked task state change with a task.state event; reason becomes the result reason. */
  setTaskState(id: string, to: TaskState, reason?: string | null): TaskRecord {
    return this.transaction(() => this.tasks.setState(id, to, reason));
  }

  /** Adds Queued work items to an existing task, all or nothing. */
  createWorkItems(taskId: string, items: readonly NewWorkItem[]): WorkItemRecord[] {
    return this.transaction(() => {
      this.tasks.require(taskId);
      return this.workItems.create(taskId, items);
    });
  }

  /** The work items of a task, in creation order. */
  workItemsOf(taskId: string): WorkItemRecord[] {
    return this.workItems.ofTask(taskId);
  }

  /** The work item, or undefined. */
  getWorkItem(id: string): WorkItemRecord | undefined {
    return this.workItems.get(id);
  }

  /** Checked work item state change with a workItem.state event. */
  setWorkItemState(id: string, to: WorkItemState, change: WorkItemChange = {}): WorkItemRecord {
    return this.transaction(() => this.workItems.setState(id, to, change));
  }

  /** The newest Done work item that produced this build key (a reuse candidate), or undefined. */
  findReusableWorkItem(buildKey: string): WorkItemRecord | undefined {
    return this.workItems.latestDone(buildKey);
  }

  /** Build keys of the work items of unfinished tasks: artifacts garbage collection must keep. */
  activeBuildKeys(): Set<string> {
    return this.workItems.activeBuildKeys();
  }

  /** Creates or updates an agent (a state change in it is checked). */
  upsertAgent(agent: AgentUpsert): AgentRecord {
    return this.transaction(() => this.agents.upsert(agent));
  }

  /** Checked agent state change; workItemId assigns (or with null, frees) the agent. */
  setAgentState(id: string, to: AgentState, workItemId?: string | null): AgentRecord {
    return this.transaction(() => this.agents.setState(id, to, workItemId));
  }

  /** The agent, or undefined. */
  getAgent(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /** Agents, optionally only those in the given states. */
  listAgents(states?: readonly AgentState[]): AgentRecord[] {
    return this.agents.list(states);
  }

  /** Appends an event of another part (configuration reloads, health reports, ...). */
  appendEvent(kind: string, subject: string, payload: JsonObject = {}): StoreEvent {
    return this.writes.runStatement(() => this.events.append(kind, subject, payload));
  }

  /** Events after seq, oldest first: what a reconnecting client missed. */
  eventsSince = (seq: number, limit = 1000): StoreEvent[] => this.events.since(seq, limit);
  /** The same, each event as the JSON text the event WebSocket sends. */
  eventTextsSince = (seq: number, limit = 1000): EventText[] => this.events.textsSince(seq, limit);

  /** The seq of the newest event (0 when none). */
  lastEventSeq = (): number => this.events.lastSeq();

  /** Calls listener with each committed event; returns the unsubscribe function. */
  subscribe = (listener: EventListener): (() => void) => this.events.subscribe(listener);

  /** Records a key -> blob mapping in the current epoch; returns the record it replaced, if any. */
  recordArtifact(artifact: NewArtifact): { record: ArtifactRecord; replaced: ArtifactRecord | undefined } {
    return this.transaction(() => this.artifacts.record(artifact));
  }

  /** The record of a key, whatever its epoch. */
  findArtifact(key: string): ArtifactRecord | undefined {
    return this.artifacts.find(key);
  }

  /** Marks a key as used now; false when unknown. */
  touchArtifact(key: string): boolean {
    return this.transaction(() => this.artifacts.touch(key));
  }

  /** Every artifact record, least recently used first. */
  listArtifacts(): ArtifactRecord[] {
    return this.artifacts.list();
  }

  /** The records whose key starts with prefix, by key. */
  artifactsWithPrefix(prefix: string): ArtifactRecord[] {
    return this.artifacts.withPrefix(prefix);
  }

  /** Removes a key's record (the blob file is the ArtifactStore's business); undefined when unknown. */
  removeArtifact(key: string, reason: string): ArtifactRecord | undefined {
    return this.transaction(() => this.artifacts.remove(key, reason));
  }

  /** Whether any key refers to the blob with this hash. */
  artifactReferenced(sha256: string): boolean {
    return this.artifacts.isReferenced(sha256);
  }

  /** The keys whose records point at the blob with this hash. */
  artifactKeysOf(sha256: string): string[] {
    return this.artifacts.keysOf(sha256);
  }

  /** The stat fingerprint under which a key's blob was last hashed and found intact, if any. */
  artifactVerifiedStat(key: string): string | null {
    return this.artifacts.verifiedStat(key);
  }

  /** Stores (null: clears) the verified stat fingerprint of a blob. */
  setArtifactVerifiedStat(sha256: string, stat: string | null): void {
    this.transaction(() => this.artifacts.setVerifiedStat(sha256, stat));
  }

  /** The current artifact epoch. */
  artifactEpoch(): number {
    return this.artifacts.epoch();
  }

  /** Invalidates every stored artifact at once (`coin invalidate-artifacts`); returns the new epoch. */
  bumpArtifactEpoch(reason: string): number {
    return this.transaction(() => this.artifacts.bumpEpoch(reason));
  }

  /** The COIN revision the artifacts of the current epoch were built with. */
  storedCoinRevision(): number | undefined {
    const value = this.artifacts.meta('coin_revision');
    return value === undefined ? undefined : Number(value);
  }

  /** Ends a task asked to cancel (task-control-table.ts): it and its Queued and Running items. */
  finishCancel(taskId: string): TaskRecord {
    return this.transaction(() => {
      const request = this.controls.cancelOf(taskId);
      if (!request) throw new Error(`task ${taskId} was not asked to cancel`);
      const reason = cancelReasonText(request);
      for (const item of this.workItems.ofTask(taskId)) {
        if (item.state !== 'Queued' && item.state !== 'Running') continue;
        if (item.state === 'Running') this.dropUploadsOf(item);
        this.workItems.setState(item.id, 'Cancelled', { failureReason: reason, failureKind: null });
      }
      const task = this.tasks.require(taskId);
      return isFinalTaskState(task.state) ? task : this.tasks.setState(taskId, 'Cancelled', reason);
    });
  }

  // What a cancelled item uploaded is no artifact anyone may reuse (the keys the server gives its
  // uploads: its build key, a test's with `.test`, alone or followed by `.<transfer type>`).
  private dropUploadsOf(item: WorkItemRecord): void {
    const owner = item.buildKey ?? item.id;
    const base = item.kind === 'test' ? `${owner}.test` : owner;
    for (const artifact of this.artifacts.list()) {
      if (artifact.key === base || artifact.key.startsWith(`${base}.`))
        this.artifacts.remove(artifact.key, `work item ${item.id} was cancelled`);
    }
  }

  /**
   * After an interruption: finishes the cancels a kill cut short, discards the unfinished work items of unfinished tasks,
   * cancels any left on finished tasks, re-queues Running tasks and returns the agents not stopped, to stop and clean up.
   */
  recoverAfterRestart(): RecoveryReport {
    return this.transaction(() => {
      const finishedCancels = this.controls.pendingCancels();
      finishedCancels.forEach((id) => this.finishCancel(id));
      let discardedWorkItems = 0;
      let cancelledWorkItems = 0;
      for (const item of this.workItems.inStates(['Queued', 'Running'])) {
        if (isFinalTaskState(item.taskState)) {
          const change = { failureReason: interrupted, failureKind: 'system' } as const;
          this.workItems.setState(item.id, 'Cancelled', change);
          cancelledWorkItems++;
        } else {
          this.workItems.discard(item, interrupted);
          discardedWorkItems++;
        }
      }
      const running = this.tasks.inStates(['Running']);
      for (const task of running) this.tasks.setState(task.id, 'Initializing', `${interrupted}: re-queued`);
      const agentsToStop = this.agents.list(['provisioning', 'waiting', 'running', 'stopping']);
      const report = { requeuedTasks: running.length, discardedWorkItems, cancelledWorkItems, agentsToStop };
      this.events.append('store.recovered', 'store', {
        ...report,
        finishedCancels,
        agentsToStop: agentsToStop.map((a) => a.id),
      });
      return report;
    });
  }

  // A new COIN revision makes every old key unreachable: start a new epoch so GC removes them first.
  private checkCoinRevision(revision: number): void {
    const stored = this.storedCoinRevision();
    if (stored === revision) return;
    this.transaction(() => {
      if (stored !== undefined) {
        const epoch = this.artifacts.bumpEpoch(`COIN revision ${stored} -> ${revision}`);
        this.log.info(`COIN revision changed from ${stored} to ${revision}: artifact epoch is now ${epoch}`);
      }
      this.artifacts.setMeta('coin_revision', String(revision));
    });
  }
}
