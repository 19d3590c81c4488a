/**
 * The per-branch loop of the staging workflow, on any change source (runner/core/change-source.ts):
 *
 * 1. It follows the source and, at start and after every reconnection (what happened meanwhile
 *    is lost), asks for the staged changes again and looks at each project/branch that has some.
 * 2. A project/branch with staged changes and no integration of this instance in flight gets a
 *    build (after the cherry-pick accumulation, when there is one), queued as an Integration task
 *    with its changes as testedChanges (build-queue.ts).
 * 3. When the task ends, the result is reported and the project/branch is looked at again.
 *
 * What differs between the instance that writes and the others is the mode (staging-mode.ts),
 * chosen once; the coordinator never asks which one it runs.
 */
import {
  changeLabel,
  buildOriginOf,
  type ChangeName,
  type ChangeSourceListener,
  type ChangeSourceReader,
  type SourceChange,
  type SourceEvent,
  type SourceWatch,
} from '../../core/change-source';
import type { GerritConnectionState } from '../../core/gerrit/gerrit-overview';
import { buildIdFor, integrationMessage, stagedBranches } from '../../core/gerrit/gerrit-protocol';
import { isFinalTaskState, taskStates, type TaskState } from '../../core/model';
import { cherryPickBotEmail, type GerritMonitorConfig } from '../../core/runtime-config/config-schema';
import { cherryPickWaitUntil } from '../../core/runtime-config/integration-starts';
import { testedChangeNames } from '../../core/tested-change';
import type { SqliteStore } from '../store/sqlite-store';
import { BranchLooks } from './branch-looks';
import { queueBuild, type EnqueueIntegration } from './build-queue';
import type { ReportLog } from './report-log';
import { SourceConnection } from './source-connection';
import { errorText, type StagingJournal } from './staging-journal';
import type { Flight, IntegratedStaging, StagingMode } from './staging-mode';

export interface StagingCoordinatorOptions {
  /** Read only: writing goes through the mode. */
  source: ChangeSourceReader;
  mode: StagingMode;
  journal: StagingJournal;
  reports: ReportLog;
  /** Only these projects (all when empty). */
  projects: readonly string[];
  store: SqliteStore;
  enqueue: EnqueueIntegration;
  /** The dashboard URL of a task, for the report's message. */
  taskUrl(taskId: string): string;
  /** The runtime configuration's gerrit_monitor (cherry-pick accumulation, parallel rules). */
  gerritMonitor(): GerritMonitorConfig;
  stopping(): boolean;
}

/** Cherry-picks that accumulate before a build is made. */
export interface Accumulation {
  readonly project: string;
  readonly branch: string;
  readonly until: string;
  readonly changes: readonly ChangeName[];
}

/** What the coordinator knows right now (no I/O). */
export interface CoordinatorFacts {
  readonly connection: GerritConnectionState;
  readonly inFlight: { taskId: string; project: string; branch: string; buildId: string | null }[];
  /** `project/branch` pairs whose new build is being fetched and queued. */
  readonly preparing: string[];
  readonly waiting: Accumulation[];
  /** `project/branch` pairs being looked at or to be looked at again (after an error). */
  readonly looking: string[];
  readonly integrated: IntegratedStaging[];
}

/** A cherry-pick (owned by the bot) staged by someone else: its accumulation is skipped. */
function restagedByHand(by: string, owner: string | null): boolean {
  const bot = cherryPickBotEmail;
  return by.toLowerCase() !== bot && (owner ?? '').toLowerCase() === bot;
}

export class StagingCoordinator {
  private readonly connection: SourceConnection;
  private readonly looks: BranchLooks;
  /** Integrations of this instance's builds that have not been reported, by task id. */
  private readonly inFlight = new Map<string, Flight>();
  /** Changes someone other than the cherry-pick bot staged (they skip the accumulation). */
  private readonly restagedByHand = new Set<string>();
  private readonly waiting = new Map<string, Accumulation>();
  private readonly preparing = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private watch: SourceWatch | undefined;
  private unsubscribe: () => void = () => undefined;
  private lastBuildNumber = 0;

  constructor(private readonly options: StagingCoordinatorOptions) {
    this.connection = new SourceConnection(options.journal, options.source.feed);
    this.looks = new BranchLooks({
      mayLook: (project, branch) => this.mayBuild(project, branch),
      look: (project, branch) => this.integrate(project, branch),
      failed: (project, branch, error) => this.lookFailed(project, branch, error),
      track: (work) => this.track(work),
      stopping: options.stopping,
    });
  }

  start(): void {
    const { journal, mode, store } = this.options;
    journal.log.info({ write: mode.write, projects: this.options.projects }, mode.startMessage);
    this.unsubscribe = store.subscribe((event) => {
      const to = event.payload.to as TaskState;
      if (event.kind !== 'task.state' || !taskStates.includes(to) || !isFinalTaskState(to)) return;
      const flight = this.inFlight.get(event.subject);
      if (flight) this.track(this.finished(flight));
    });
    this.adoptTasks();
    this.watch = this.options.source.watch(this.listener());
  }

  /** Stop following the source, wait for the work under way, close the source. */
  async stop(): Promise<void> {
    this.unsubscribe();
    this.looks.stop();
    await this.watch?.stop();
    await Promise.allSettled([...this.pending]);
    await this.options.source.close();
  }

  facts(): CoordinatorFacts {
    return {
      connection: this.connection.current(),
      inFlight: [...this.inFlight.values()].map((f) => ({
        taskId: f.taskId,
        project: f.origin.project,
        branch: f.origin.branch,
        buildId: f.origin.buildId,
      })),
      preparing: [...this.preparing],
      waiting: [...this.waiting.values()],
      looking: this.looks.keys(),
      integrated: this.options.mode.integrated(),
    };
  }

  /** Whether the instance watches `project`. */
  wanted(project: string): boolean {
    return this.options.projects.length === 0 || this.options.projects.includes(project);
  }

  private listener(): ChangeSourceListener {
    return {
      connected: (reconnected) => {
        this.connection.connected();
        return this.resync(reconnected);
      },
      disconnected: (error, retryInMs) => this.connection.disconnected(error, retryInMs),
      refused: (error) => this.connection.refused(error),
      changed: (event) => this.onEvent(event),
      unreadable: (text, error) =>
        this.options.journal.log.warn(
          { line: text, err: error },
          `${this.options.journal.name}: unreadable event`,
        ),
    };
  }

  private track(work: Promise<unknown>): void {
    const { journal } = this.options;
    const p = work.catch((error: unknown) =>
      journal.log.error({ err: errorText(error) }, `${journal.name}: ${errorText(error)}`),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Tasks of an earlier run that came from this source and have not finished: report them when they do. */
  private adoptTasks(): void {
    for (const task of this.options.store.listTasks({ type: 'Integration', max: 1000 }).tasks) {
      const origin = buildOriginOf(task.source, this.options.source.kind);
      if (!origin || isFinalTaskState(task.state)) continue;
      this.inFlight.set(task.id, { taskId: task.id, origin });
    }
  }

  private onEvent(event: SourceEvent): void {
    const { project, branch } = event;
    if (!this.wanted(project)) return;
    this.options.journal.record('event', `${project}/${branch}`, {
      type: event.type,
      change: changeLabel(event),
      patchSet: event.patchSet,
      subject: event.subject,
      status: event.status,
    });
    if (event.type !== 'change-staged') return;
    // Gerrit's plugin events name nobody: who staged a change is read with it (noteStagers).
    if (event.by !== null && restagedByHand(event.by, event.owner)) this.restagedByHand.add(event.id);
    this.looks.look(project, branch);
  }

  /** Cherry-picks someone other than the bot staged again, as the source lists who staged them. */
  private noteStagers(staged: readonly SourceChange[]): void {
    for (const c of staged)
      if (c.stagedBy !== undefined && c.stagedBy !== null && restagedByHand(c.stagedBy, c.owner))
        this.restagedByHand.add(c.id);
  }

  /** After (re)connecting: whatever is staged now (events may have been missed). */
  private async resync(reconnected: boolean): Promise<void> {
    const { journal, source, store } = this.options;
    const staged = await source.stagedChanges();
    const branches = stagedBranches(staged.filter((c) => this.wanted(c.project)));
    journal.log.info(
      { reconnected, staged: staged.length, branches: branches.length },
      `${journal.name}: connected${reconnected ? ' again' : ''}; ${staged.length} staged change(s)`,
    );
    journal.record('connected', journal.name, { reconnected, staged: staged.length });
    for (const b of branches) this.looks.look(b.project, b.branch);
    // Builds of this instance whose tasks finished while it was away are reported now.
    for (const flight of this.inFlight.values()) {
      const task = store.getTask(flight.taskId);
      if (task && isFinalTaskState(task.state)) this.track(this.finished(flight));
    }
    for (const flight of await this.options.mode.unreported(this.inFlight)) {
      this.inFlight.set(flight.taskId, flight);
      this.track(this.finished(flight));
    }
  }

  private lookFailed(project: string, branch: string, error: unknown): void {
    const { journal } = this.options;
    const key = `${project}/${branch}`;
    journal.log.warn(
      { project, branch, err: errorText(error) },
      `${journal.name}: ${key}: ${errorText(error)}`,
    );
    journal.record('error', key, { project, branch, error: errorText(error) });
  }

  /**
   * A new build of a project/branch while one of this instance's runs only where the mode allows
   * it (the writing one: a parallel_project_rules entry; the queue then keeps their delay).
   */
  private mayBuild(project: string, branch: string): boolean {
    const flights = [...this.inFlight.values()].filter(
      (f) => f.origin.project === project && f.origin.branch === branch,
    );
    return flights.length === 0 || this.options.mode.allowsParallel(project, branch);
  }

  /**
   * Cherry-picks by the bot accumulate before a build is made (gerrit_monitor): when every staged
   * change is one that nobody restaged by hand, wait until the accumulation ends.
   */
  private accumulationWait(
    project: string,
    branch: string,
    staged: readonly SourceChange[],
  ): number | undefined {
    const until = cherryPickWaitUntil(this.options.gerritMonitor(), {
      id: `${project}/${branch}`,
      project,
      branch,
      queuedAt: Date.now(),
      dependencyUpdate: false,
      changes: staged.map((c) => ({
        owner: c.owner ?? '',
        stagedAt: c.updatedAt ?? Date.now(),
        restagedByHand: this.restagedByHand.has(c.id),
      })),
    });
    return until !== undefined && until > Date.now() ? until : undefined;
  }

  /** One look: wait for an accumulation, or make the build and queue its integration. */
  private async integrate(project: string, branch: string): Promise<void> {
    const key = `${project}/${branch}`;
    const changes = await this.options.source.openChanges(project, branch);
    const open = new Map(changes.map((c) => [c.id, c]));
    const staged = changes.filter((c) => c.status === 'staged');
    this.waiting.delete(key);
    if (staged.length === 0) return;
    this.noteStagers(staged);
    const until = this.accumulationWait(project, branch, staged);
    if (until !== undefined) return this.accumulate(project, branch, staged, until);
    this.preparing.add(key);
    try {
      await this.build(project, branch, open, staged);
    } finally {
      this.preparing.delete(key);
    }
  }

  private accumulate(project: string, branch: string, staged: readonly SourceChange[], until: number): void {
    const { journal } = this.options;
    const key = `${project}/${branch}`;
    const at = new Date(until).toISOString();
    const changes = staged.map((c) => ({ id: c.id, number: c.number }));
    this.waiting.set(key, { project, branch, until: at, changes });
    const reason = `cherry-picks by ${cherryPickBotEmail} accumulate: no build before ${at}`;
    journal.log.info({ project, branch, until: at }, `${journal.name}: ${key}: ${reason}`);
    journal.record('waiting', key, { project, branch, until: at, reason });
    this.looks.wakeAt(project, branch, until);
  }

  private nextBuildId(branch: string): string {
    this.lastBuildNumber = Math.max(this.lastBuildNumber + 1, Math.floor(Date.now() / 1000));
    return buildIdFor(branch, this.lastBuildNumber);
  }

  /** Make the build (read-only: take the staging ref) and queue its integration. */
  private async build(
    project: string,
    branch: string,
    open: ReadonlyMap<string, SourceChange>,
    staged: readonly SourceChange[],
  ): Promise<void> {
    const { mode, journal, source, enqueue } = this.options;
    const buildId = this.nextBuildId(branch);
    const origin = await mode.makeBuild(project, branch, buildId);
    if (!origin) return;
    let queued;
    try {
      const restagedByHand = (id: string) => this.restagedByHand.has(id);
      queued = await queueBuild({ source, mode, enqueue, restagedByHand }, origin, open);
    } catch (error) {
      return mode.notQueued(origin, error, staged);
    }
    if (!queued) return;
    const { taskId, commits, sha } = queued;
    this.inFlight.set(taskId, { taskId, origin: queued.origin });
    const label = (c: (typeof commits)[number]) =>
      c.patchSet === null ? String(changeLabel(c)) : `${changeLabel(c)},${c.patchSet}`;
    journal.log.info(
      { taskId, project, branch, buildId, changes: commits.map(label) },
      `${journal.name}: integration ${taskId} of ${queued.origin.buildId ?? origin.ref} queued`,
    );
    journal.record('build', taskId, {
      project,
      branch,
      buildId: queued.origin.buildId,
      ref: origin.ref,
      sha,
      write: mode.write,
      changes: commits.map((c) => ({ change: changeLabel(c), patchSet: c.patchSet, subject: c.subject })),
    });
  }

  /** A task of a build ended: report it, then look for more. */
  private async finished(flight: Flight): Promise<void> {
    if (this.inFlight.get(flight.taskId) !== flight) return;
    this.inFlight.delete(flight.taskId);
    const task = this.options.store.getTask(flight.taskId);
    if (!task) return;
    const result = task.state === 'Passed' || task.state === 'Insignificant' ? 'pass' : 'fail';
    const message = integrationMessage(
      result,
      this.options.taskUrl(task.id),
      result === 'fail' ? task.resultReason : null,
    );
    const record = this.options.reports.begin(task.id, testedChangeNames(task.testedChanges));
    await this.options.mode.report({ origin: flight.origin, result, message, taskId: task.id, record });
    if (!this.options.stopping()) this.looks.look(flight.origin.project, flight.origin.branch);
  }
}
