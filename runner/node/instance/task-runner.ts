/**
 * Runs one task to its end: plans its work units, creates the work items that do not exist yet
 * (after a restart the finished ones do), reuses builds whose artifact is stored, dispatches the
 * rest to agents as their dependencies finish, and records the outcome.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { agentPaths, type ResultMessage, type RunMessage } from '../../core/agent-protocol';
import { failureKindOf } from '../../core/failure-classification';
import { blockedByInsignificant, readyItems, taskProgress } from '../../core/work-scheduling';
import type { TaskRecord, WorkItemRecord } from '../store/store-records';
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
  /** Where the empty archive for builds without an upload is kept. */
  emptyArchive: string;
  /** The kind of agent a work unit needs (OpenNebula: template and SCHED_REQUIREMENTS). */
  agentSpec?(unit: WorkUnit): AgentSpec;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

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
    .listArtifacts()
    .filter((a) => a.key.startsWith(`${ownBuild}.`) && !known.has(a.key))
    .map((a) => ({
      key: a.key,
      name: `${unit.project}/${a.key.slice(ownBuild.length + 1)}`,
      kind: 'named',
      unpackTo: null,
    }));
}

function runMessage(unit: WorkUnit, store: SqliteStore): RunMessage {
  const inputs = [...unit.inputs, ...uploadedByOwnBuild(unit, store)];
  return {
    type: 'run',
    workItemId: unit.id,
    instructions: unit.instructions,
    env: unit.env,
    dirs: workDirs(unit),
    inputs: inputs.map((input) => ({
      ...input,
      // A build's installed files go where its upload said they belong (artifact-mount.ts),
      // whether the build ran in this integration or is reused from an earlier one.
      unpackTo: input.unpackTo === '.' ? (store.findArtifact(input.key)?.mount ?? '.') : input.unpackTo,
      url: agentPaths.artifact(input.key),
    })),
    sourceUrl: agentPaths.source(unit.id),
    cores: unit.cores,
  };
}

/** An empty tar.gz (two zero blocks), stored for a build that uploaded nothing so its key can be reused. */
async function emptyArchiveAt(file: string): Promise<string> {
  if (!(await stat(file).catch(() => null))) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(`${file}.part`, gzipSync(Buffer.alloc(1024)));
    await rename(`${file}.part`, file);
  }
  return file;
}

/** Runs tasks; one instance per Coin instance. */
export class TaskRunner {
  /** Work units of running tasks by id: the agent endpoints look them up. */
  readonly units = new Map<string, WorkUnit>();
  /** Set at shutdown: interrupted work is left as it is for the next start to discard. */
  stopping = false;

  constructor(private readonly deps: TaskRunnerDeps) {}

  /** Run `task` (Initializing) with its planned units until it passes or fails. */
  async run(task: TaskRecord, units: WorkUnit[]): Promise<void> {
    const { store } = this.deps;
    units.forEach((u) => this.units.set(u.id, u));
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
      await this.drive(task.id);
    } finally {
      units.forEach((u) => this.units.delete(u.id));
    }
  }

  private async drive(taskId: string): Promise<void> {
    const { store } = this.deps;
    const inFlight = new Map<string, Promise<void>>();
    for (;;) {
      if (this.stopping) return;
      this.endBlockedItems(taskId);
      const items = store.workItemsOf(taskId);
      const progress = taskProgress(items);
      if (progress === 'passed') return this.finish(taskId, items, 'Passed');
      // After a failure nothing new starts; what runs is allowed to finish.
      if (progress === 'running') {
        for (const item of readyItems(items).filter((i) => !inFlight.has(i.id))) {
          inFlight.set(
            item.id,
            this.start(item).finally(() => inFlight.delete(item.id)),
          );
        }
      }
      if (inFlight.size === 0) return this.finish(taskId, items, 'Failed');
      await Promise.race(inFlight.values());
    }
  }

  /** Items that wait on an insignificant failure can never run: they end Insignificant as well. */
  private endBlockedItems(taskId: string): void {
    const { store } = this.deps;
    const blocked = blockedByInsignificant(store.workItemsOf(taskId));
    if (blocked.length === 0) return;
    store.transaction(() => {
      for (const item of blocked) {
        store.setWorkItemState(item.id, 'Insignificant', {
          failureReason: 'not run: what it needs failed on an insignificant configuration',
        });
      }
    });
  }

  private finish(taskId: string, items: WorkItemRecord[], state: 'Passed' | 'Failed'): void {
    const { store } = this.deps;
    store.transaction(() => {
      for (const item of items.filter((i) => i.state === 'Queued')) {
        store.setWorkItemState(item.id, 'Cancelled', { failureReason: 'an earlier work item failed' });
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
      this.deps.store.setWorkItemState(item.id, 'Done', { reused: true });
      this.deps.logs.append(item.id, [`reused the finished build ${unit.buildKey.slice(0, 12)}`]);
      await this.deps.logs.finish(item.id);
      return;
    }
    let agentId: string;
    try {
      agentId = await this.deps.pool.acquire(this.deps.agentSpec?.(unit) ?? {});
    } catch (error) {
      if (this.stopping) return;
      // no agent could be provisioned: a system failure of the work item, not a hang
      const reason = `no agent: ${(error as Error).message}`;
      this.deps.logs.append(item.id, [reason]);
      await this.deps.logs.finish(item.id);
      this.deps.store.setWorkItemState(item.id, unit.insignificant ? 'Insignificant' : 'Failed', {
        failureReason: reason,
        failureKind: 'system',
      });
      return;
    }
    try {
      this.deps.store.setWorkItemState(item.id, 'Running', { agentId });
      this.deps.pool.running(agentId, item.id);
      const result = await this.deps.hub.run(agentId, runMessage(unit, this.deps.store));
      if (this.stopping) return;
      await this.record(unit, result);
    } finally {
      this.deps.pool.waiting(agentId);
      this.deps.pool.release(agentId);
    }
  }

  private async record(unit: WorkUnit, result: ResultMessage): Promise<void> {
    await this.deps.logs.finish(unit.id);
    await this.deps.logs.writeTestResults(unit.id, result.testResults);
    if (!result.passed) {
      const failure = result.failure!;
      const where = failure.at ? ` (${failure.at})` : '';
      // an insignificant configuration's failure is recorded but does not fail the integration
      this.deps.store.setWorkItemState(unit.id, unit.insignificant ? 'Insignificant' : 'Failed', {
        failureReason: failure.message + where,
        // a failed test phase is a test failure whichever instruction failed in it
        failureKind: failureKindOf(unit.kind, failure.kind),
      });
      return;
    }
    if (unit.buildKey && !(await this.deps.artifacts.lookup(unit.buildKey)).hit) {
      await this.deps.artifacts.put(
        unit.buildKey,
        await emptyArchiveAt(this.deps.emptyArchive),
        unit.project,
      );
    }
    this.deps.store.setWorkItemState(unit.id, 'Done');
  }
}
