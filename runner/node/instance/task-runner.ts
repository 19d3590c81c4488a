/**
 * Runs one task to its end: plans its work units, creates the work items that do not exist yet
 * (after a restart the finished ones do), reuses builds whose artifact is stored, dispatches the
 * rest to agents as their dependencies finish, and records the outcome.
 */
import { gzipSync } from 'node:zlib';
import { agentPaths, type ResultMessage, type RunMessage } from '../../core/agent-protocol';
import { artifactKeyFor } from '../../core/work-unit';
import { takenFromFirstRun } from '../../core/retry-plan';
import { failureKindOf } from '../../core/failure-classification';
import { WorkSchedule } from '../../core/work-scheduling';
import type { TaskRecord, WorkItemChange, WorkItemRecord } from '../store/store-records';
import type { SqliteStore } from '../store/sqlite-store';
import type { ArtifactStore } from '../store/artifact-store';
import type { AgentHub } from './agent-hub';
import type { AgentPool, AgentSpec } from './agent-pool';
import type { LogStore } from '../store/log-store';
import type { WorkUnit } from '../../core/work-unit';

export interface TaskRunnerDeps {
  store: SqliteStore;
  artifacts: ArtifactStore;
  hub: AgentHub;
  pool: AgentPool;
  logs: LogStore;
  /** How long a cancelled command gets between SIGTERM and SIGKILL (default defaultCancelGraceMs). */
  cancelGraceMs?: number;
  /** The kind of agent a work unit needs (OpenNebula: template and SCHED_REQUIREMENTS). */
  agentSpec?(unit: WorkUnit): AgentSpec;
  /**
   * The source archives agents download (source-cache.ts): a work item that will run has its
   * archive made while its agent is acquired (often: started), not when the agent asks for it.
   */
  sources?: {
    archiveWithHash(repoPath: string, sha: string): Promise<{ sha256: string; file: string; tree?: string }>;
  };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /**
   * The agents run on this machine (the local hypervisor): each copies its sources from the
   * archive's tree or reads the archive's file (the run message's `sourceTree`, `sourceFile`)
   * and writes its work item's log file itself (`logFile`, log-file-sink.ts), not sending it.
   */
  agentsOnThisMachine?: boolean;
}

/** A cancel's grace period between SIGTERM and SIGKILL when none is set (`coin run --cancel-grace-seconds`). */
export const defaultCancelGraceMs = 10_000;

/** Relative directories of a work unit in the agent's work area. */
function workDirs(unit: WorkUnit): RunMessage['dirs'] {
  const source = unit.project;
  return {
    agentWorkingDir: '.',
    sourceDir: source,
    buildDir: `${source}/build`,
    installDir: 'install',
    installRoot: 'install-root',
  };
}

/**
 * Inputs known only once the build ran: the named artifacts it uploaded (GenericArtifactWithName,
 * documentation, ...), offered to its test work item for InstallBinaryArchive on request.
 */
function uploadedByOwnBuild(unit: WorkUnit, store: SqliteStore): WorkUnit['inputs'] {
  const ownBuild = unit.inputs
    .find((i) => i.kind === 'test')
    ?.key.replace(/\.UploadModuleTestsArtifact$/, '');
  if (unit.kind !== 'test' || !ownBuild) return [];
  const known = new Set(unit.inputs.map((i) => i.key));
  return store
    .artifactsWithPrefix(`${ownBuild}.`)
    .filter((a) => !known.has(a.key))
    .map((a) => ({
      key: a.key,
      name: `${unit.project}/${a.key.slice(ownBuild.length + 1)}`,
      kind: 'named',
      unpackTo: null,
    }));
}

function runMessage(unit: WorkUnit, store: SqliteStore, sourceSha256?: string): RunMessage {
  const inputs = [...unit.inputs, ...uploadedByOwnBuild(unit, store)];
  return {
    type: 'run',
    workItemId: unit.id,
    instructions: unit.instructions,
    env: unit.env,
    dirs: workDirs(unit),
    inputs: inputs.map((input) => {
      const stored = store.findArtifact(input.key);
      return {
        ...input,
        // A build's installed files go where its upload said they belong (artifact-mount.ts),
        // whether the build ran in this integration or is reused from an earlier one.
        unpackTo: input.unpackTo === '.' ? (stored?.mount ?? '.') : input.unpackTo,
        url: agentPaths.artifact(input.key),
        ...(stored ? { sha256: stored.sha256 } : {}),
      };
    }),
    sourceUrl: agentPaths.source(unit.id),
    ...(sourceSha256 ? { sourceSha256 } : {}),
    cores: unit.cores,
  };
}

/** An empty tar.gz (two zero blocks), stored for a build that uploaded nothing so its key can be reused. */
const emptyArchive = gzipSync(Buffer.alloc(1024));

/**
 * Keys a work unit's uploads are stored under (the server's receiveArtifact names them so): its
 * build key (a test's with `.test`), alone or followed by `.<transfer type>`.
 */
function uploadedBy(unit: WorkUnit, keys: readonly string[]): string[] {
  const owner = unit.buildKey ?? unit.id;
  const base = artifactKeyFor(unit.kind === 'test' ? `${owner}.test` : owner, 'UploadModuleBuildArtifact');
  return keys.filter((key) => key === base || key.startsWith(`${base}.`));
}

/** Runs tasks; one instance per Coin instance. */
export class TaskRunner {
  /** Work units of running tasks by id: the agent endpoints look them up. */
  readonly units = new Map<string, WorkUnit>();
  /** Set at shutdown: interrupted work is left as it is for the next start to discard. */
  stopping = false;
  /** Tasks asked to cancel while they run here. */
  private readonly cancelled = new Set<string>();
  /** The tasks running here, each with the wake-up of its drive loop. */
  private readonly running = new Map<string, { wake(): void }>();
  /**
   * The work items of each task running here, kept current by setItemState: the drive loop
   * decides from memory, the store is the durable journal of every change (read once per run).
   */
  private readonly items = new Map<string, Map<string, WorkItemRecord>>();
  /** What is ready, blocked and where each running task stands, kept up to date by setItemState. */
  private readonly schedules = new Map<string, WorkSchedule<WorkItemRecord>>();

  constructor(private readonly deps: TaskRunnerDeps) {}

  /**
   * Stop a task this runner runs (its cancel request is already stored): nothing new starts, the
   * agents stop the running commands (SIGTERM, SIGKILL after the grace period), and the task ends
   * Cancelled once they have. False when the task does not run here.
   */
  cancel(taskId: string): boolean {
    const running = this.running.get(taskId);
    if (!running) return false;
    this.cancelled.add(taskId);
    const grace = this.deps.cancelGraceMs ?? defaultCancelGraceMs;
    for (const item of this.items.get(taskId)?.values() ?? []) {
      if (item.state === 'Running' && item.agentId) this.deps.hub.cancel(item.agentId, item.id, grace);
    }
    running.wake();
    return true;
  }

  /** Run `task` (Initializing) with its planned units until it passes or fails. */
  async run(task: TaskRecord, units: WorkUnit[]): Promise<void> {
    const { store } = this.deps;
    // A cancel that came while the task was being planned (or before a restart) ends it here.
    if (store.controls.cancelOf(task.id)) return void store.finishCancel(task.id);
    units.forEach((u) => this.units.set(u.id, u));
    this.running.set(task.id, { wake: () => undefined });
    try {
      const existing = new Set(store.workItemsOf(task.id).map((w) => w.id));
      store.transaction(() => {
        store.setTaskState(task.id, 'Running');
        store.createWorkItems(
          task.id,
          units
            .filter((u) => !existing.has(u.id))
            .map((u) => ({
              id: u.id,
              kind: u.kind,
              configurationId: u.configuration,
              buildKey: u.buildKey,
              dependsOn: u.dependsOn,
            })),
        );
      });
      // next turn, once the first items asked for agents (200 units' fingerprints took ~40 ms)
      setImmediate(() => this.recordPlan(task.id, units));
      await this.takeFromFirstRun(task, units, existing);
      const items = store.workItemsOf(task.id);
      this.items.set(task.id, new Map(items.map((w) => [w.id, w])));
      this.schedules.set(task.id, new WorkSchedule(items));
      await this.drive(task.id);
    } finally {
      units.forEach((u) => this.units.delete(u.id));
      this.items.delete(task.id);
      this.schedules.delete(task.id);
      this.cancelled.delete(task.id);
      this.running.delete(task.id);
    }
  }

  /** The plan's fingerprints; a store closed meanwhile (the instance stopping) leaves them out. */
  private recordPlan(taskId: string, units: WorkUnit[]): void {
    try {
      this.deps.store.transaction(() => this.deps.store.history.plans.record(taskId, units));
    } catch (error) {
      this.deps.log.warn({ taskId }, `the plan of ${taskId} was not recorded: ${(error as Error).message}`);
    }
  }

  /** A retry (source.retryOf): the items that passed in the first run are taken from it as they ended. */
  private async takeFromFirstRun(task: TaskRecord, units: WorkUnit[], existing: Set<string>): Promise<void> {
    const first = typeof task.source.retryOf === 'string' ? task.source.retryOf : undefined;
    if (!first) return;
    const { store, logs } = this.deps;
    const taken = [...takenFromFirstRun(units, first, store.workItemsOf(first))].filter(
      ([id]) => !existing.has(id),
    );
    store.transaction(() => {
      for (const [id, from] of taken) store.setWorkItemState(id, from.state, { reused: true });
    });
    for (const [id, from] of taken) {
      logs.append(id, [`taken from the first run: work item ${from.id} (${from.state})`]);
      await logs.finish(id);
    }
  }

  /** The state change of a work item, in the store and in the running task's items. */
  private setItemState(id: string, to: WorkItemRecord['state'], change?: WorkItemChange): void {
    const record = this.deps.store.setWorkItemState(id, to, change);
    this.items.get(record.taskId)?.set(id, record);
    this.schedules.get(record.taskId)?.update(record);
  }

  /**
   * Starts what is ready, then sleeps until a started item ends (or a cancel comes) and looks
   * again: each step decides from the task's schedule in memory (work-scheduling.ts), so a step
   * costs no store reads and no pass over all the items.
   */
  private async drive(taskId: string): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    const running = this.running.get(taskId)!;
    const known = this.items.get(taskId)!;
    const schedule = this.schedules.get(taskId)!;
    let woken = false;
    let resolveWake: (() => void) | undefined;
    let failure: { error: unknown } | undefined;
    running.wake = () => {
      woken = true;
      resolveWake?.();
    };
    for (;;) {
      if (failure) throw failure.error;
      if (this.stopping) return;
      if (this.cancelled.has(taskId)) return this.endCancelled(taskId, inFlight);
      this.endBlockedItems(schedule);
      const progress = schedule.progress();
      if (progress === 'passed') return this.finish(taskId, [...known.values()], 'Passed');
      // After a failure nothing new starts; what runs is allowed to finish.
      if (progress === 'running') {
        for (const item of schedule.take()) {
          const started = this.start(item).catch((error: unknown) => void (failure ??= { error }));
          inFlight.set(
            item.id,
            started.finally(() => {
              inFlight.delete(item.id);
              running.wake();
            }),
          );
        }
      }
      if (inFlight.size === 0) return this.finish(taskId, [...known.values()], 'Failed');
      if (!woken) await new Promise<void>((resolve) => (resolveWake = resolve));
      woken = false;
      resolveWake = undefined;
    }
  }

  /** A cancelled task ends once its running items have stopped; nothing else starts meanwhile. */
  private async endCancelled(taskId: string, inFlight: Map<string, Promise<void>>): Promise<void> {
    await Promise.allSettled(inFlight.values());
    if (this.stopping) return;
    this.deps.store.finishCancel(taskId);
    this.deps.log.info({ taskId }, `task ${taskId} Cancelled`);
  }

  /**
   * Items that wait on an insignificant failure can never run: they end Insignificant as well, and
   * so do those waiting on them in turn.
   */
  private endBlockedItems(schedule: WorkSchedule<WorkItemRecord>): void {
    const failureReason = 'not run: what it needs failed on an insignificant configuration';
    for (let blocked = schedule.blockedItems(); blocked.length > 0; blocked = schedule.blockedItems()) {
      this.deps.store.transaction(() => {
        for (const item of blocked) this.setItemState(item.id, 'Insignificant', { failureReason });
      });
    }
  }

  private finish(taskId: string, items: WorkItemRecord[], state: 'Passed' | 'Failed'): void {
    const { store } = this.deps;
    store.transaction(() => {
      for (const item of items.filter((i) => i.state === 'Queued')) {
        this.setItemState(item.id, 'Cancelled', { failureReason: 'an earlier work item failed' });
      }
      const failed = items.find((i) => i.state === 'Failed');
      store.setTaskState(
        taskId,
        state,
        failed ? `${failed.kind} ${failed.configurationId}: ${failed.failureReason}` : null,
      );
    });
    this.deps.log.info({ taskId, state }, `task ${taskId} ${state}`);
  }

  private async start(item: WorkItemRecord): Promise<void> {
    const unit = this.units.get(item.id);
    if (!unit) throw new Error(`work item ${item.id} has no planned unit`);
    if (unit.buildKey && (await this.deps.artifacts.lookup(unit.buildKey)).hit) {
      this.deps.artifacts.touch(unit.buildKey);
      this.setItemState(item.id, 'Done', { reused: true });
      this.deps.logs.append(item.id, [`reused the finished build ${unit.buildKey.slice(0, 12)}`]);
      await this.deps.logs.finish(item.id);
      return;
    }
    if (this.cancelled.has(item.taskId)) return;
    // Made once per repository and revision while the agent is acquired; the agent's download
    // waits for the same job. Its hash lets an agent that has the tree skip the download.
    const source = this.deps.sources?.archiveWithHash(unit.repoPath, unit.sha).catch(() => undefined);
    let agentId: string;
    try {
      agentId = await this.deps.pool.acquire(this.deps.agentSpec?.(unit) ?? {});
    } catch (error) {
      if (this.stopping || this.cancelled.has(item.taskId)) return;
      // no agent could be provisioned: a system failure of the work item, not a hang
      const reason = `no agent: ${(error as Error).message}`;
      this.deps.logs.append(item.id, [reason]);
      await this.deps.logs.finish(item.id);
      this.setItemState(item.id, unit.insignificant ? 'Insignificant' : 'Failed', {
        failureReason: reason,
        failureKind: 'system',
      });
      return;
    }
    try {
      if (this.cancelled.has(item.taskId)) return;
      this.setItemState(item.id, 'Running', { agentId });
      this.deps.pool.running(agentId, item.id);
      const archive = await source;
      const message = runMessage(unit, this.deps.store, archive?.sha256);
      if (this.deps.agentsOnThisMachine) {
        // an agent on this machine reads the sources where they lie and writes its log itself
        if (archive) message.sourceFile = archive.file;
        if (archive?.tree) message.sourceTree = archive.tree;
        message.logFile = this.deps.logs.share(unit.id);
      }
      // a cancel that came while the archive was being made: the agent never gets the item
      if (this.stopping || this.cancelled.has(item.taskId)) return;
      const result = await this.deps.hub.run(agentId, message);
      if (this.stopping) return;
      if (this.cancelled.has(item.taskId)) return await this.dropCancelled(unit, result);
      await this.record(unit, result);
    } finally {
      this.deps.pool.release(agentId);
    }
  }

  /**
   * A cancelled item's log stays readable up to the cut; whatever it uploaded is removed, so no
   * later integration reuses a build that was stopped halfway. Its state is set by finishCancel.
   */
  private async dropCancelled(unit: WorkUnit, result: ResultMessage): Promise<void> {
    await this.deps.logs.finish(unit.id);
    const stored = this.deps.store.listArtifacts().map((a) => a.key);
    const keys = new Set([...result.uploaded, ...uploadedBy(unit, stored)]);
    for (const key of keys) this.deps.artifacts.remove(key, `work item ${unit.id} was cancelled`);
  }

  private async record(unit: WorkUnit, result: ResultMessage): Promise<void> {
    // A log its agent wrote is complete on file; reading it for viewers and the line index may
    // still go on (shared-log.ts), and the work item does not wait for that.
    this.deps.logs
      .finish(unit.id)
      .catch((error: unknown) =>
        this.deps.log.warn({ workItemId: unit.id, error: String(error) }, 'closing the log failed'),
      );
    await this.deps.logs.writeTestResults(unit.id, result.testResults);
    this.deps.store.history.tests.record(unit.id, result.testResults);
    if (!result.passed) {
      const failure = result.failure!;
      const where = failure.at ? ` (${failure.at})` : '';
      // an insignificant configuration's failure is recorded but does not fail the integration
      this.setItemState(unit.id, unit.insignificant ? 'Insignificant' : 'Failed', {
        failureReason: failure.message + where,
        // a failed test phase is a test failure whichever instruction failed in it
        failureKind: failureKindOf(unit.kind, failure.kind),
      });
      return;
    }
    if (unit.buildKey && !(await this.deps.artifacts.lookup(unit.buildKey)).hit) {
      this.deps.artifacts.putBytes(unit.buildKey, emptyArchive, unit.project);
    }
    this.setItemState(unit.id, 'Done');
  }
}
