/**
 * Gerrit as the change source and the reporter of an instance (Qt's staging workflow):
 *
 * 1. It watches `gerrit stream-events` and, at start and after every reconnection (events sent
 *    while it was away are lost), queries `status:staged` again.
 * 2. For a project/branch with staged changes and no integration of this instance in flight, it
 *    creates a build (`staging-new-build --build-id qtci/<branch>/<n>`), lists its changes
 *    (`staging-ls`), fetches `refs/builds/<id>` from the git URL into a mirror in the working
 *    directory, and queues an Integration task with the changes as testedChanges (so the runtime
 *    configuration's gerrit_monitor rules apply in the queue).
 * 3. When the task ends it approves the build: pass (the branch moves on, the changes merge) or
 *    fail (they go back to NEW), with a message that links the task.
 *
 * Only a writing instance (`write`, the "real" one) creates builds and approves. Any other one
 * never writes to Gerrit: it integrates what refs/staging/<branch> holds and logs (and records as
 * events) what it would have done.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { GerritConnectionState, GerritReport, GerritWaiting } from '../../core/gerrit/gerrit-overview';
import {
  buildIdFor,
  integrationMessage,
  stagedBranches,
  type GerritChange,
  type GerritEvent,
  type StagedCommit,
} from '../../core/gerrit/gerrit-protocol';
import { parseModuleDependencies } from '../../core/coin-files/module-config';
import { isFinalTaskState, taskStates, type TaskState } from '../../core/model';
import { cherryPickBotEmail, defaultRuntimeConfig } from '../../core/runtime-config/config-schema';
import { cherryPickWaitUntil, matchingParallelRules } from '../../core/runtime-config/integration-starts';
import type { RuntimeConfigSource } from '../runtime-config/runtime-config-watcher';
import { childEnv } from '../child-env';
import { describeLocalCommit, dependenciesFile } from '../runtime-config/tested-changes';
import type { SqliteStore } from '../store/sqlite-store';
import type { JsonObject } from '../store/store-records';
import type { GerritClient } from './gerrit-client';
import { GerritEventStream } from './gerrit-event-stream';
import { GerritCommandError } from './gerrit-ssh';

/** What queues an integration (TaskQueue.enqueue); resolves to the task id. */
export type EnqueueIntegration = (input: {
  project: string;
  branch: string;
  repo: string;
  sha: string;
  searchRoots: string[];
  testedChanges: JsonObject[];
  origin: JsonObject;
}) => Promise<string>;

export interface GerritIntegrationsOptions {
  client: GerritClient;
  /** `<prefix><project>` is a project's git URL (a path works). */
  gitUrlPrefix: string;
  /** Extra environment of `git fetch` (GIT_SSH_COMMAND). */
  gitEnv?: Record<string, string>;
  /** Only these projects (all when empty). */
  projects: readonly string[];
  /** Create builds and approve them (the real instance); otherwise only log what would be done. */
  write: boolean;
  /** Where project mirrors are kept (`<dir>/<project>`). */
  mirrorDir: string;
  store: SqliteStore;
  enqueue: EnqueueIntegration;
  /** The dashboard URL of a task, for the approval message. */
  taskUrl(taskId: string): string;
  /** The runtime configuration (gerrit_monitor: parallel rules, cherry-pick accumulation). */
  runtimeConfig?: RuntimeConfigSource;
  log: Logger;
  initialBackoffMs?: number;
}

/** The origin stored with a task that came from Gerrit. */
interface GerritOrigin {
  kind: 'gerrit';
  project: string;
  branch: string;
  buildId: string | null;
  ref: string;
}

/** A build whose integration was queued. */
interface QueuedBuild {
  taskId: string;
  commits: StagedCommit[];
  sha: string;
  /** Read-only: without the build id (no build was made). */
  origin: GerritOrigin;
}

interface InFlight {
  taskId: string;
  origin: GerritOrigin;
}

/** What the instance knows right now, for `GET <base>/api/gerrit` (gerrit-route.ts). */
export interface GerritWatchFacts {
  write: boolean;
  projects: readonly string[];
  /** `ssh://user@host:port`. */
  server: string;
  connection: GerritConnectionState;
  /** Tasks of this instance's builds that have not been reported. */
  inFlight: { taskId: string; project: string; branch: string; buildId: string | null }[];
  /** `project/branch` pairs whose new build is being fetched and queued. */
  preparing: string[];
  waiting: GerritWaiting[];
  /** `project/branch` pairs being looked at or to be looked at again (after an error). */
  looking: string[];
  /** Read-only: the last integration of refs/staging per project/branch and its changes. */
  integrated: { key: string; taskId: string; changes: number[] }[];
}

/** How the integration of a task was reported, in this run of the instance. */
interface ReportRecord {
  taskId: string | null;
  changes: number[];
  /** When the report started (ms). */
  at: number;
  report: GerritReport;
  error: string | null;
}

/** Reports remembered (for the overview). */
const reportsKept = 200;

const execFileAsync = promisify(execFile);

/** A project/branch whose look failed is looked at again this much later. */
const retryAfterErrorMs = 5000;

const eventTypesRecorded = new Set([
  'change-staged',
  'change-unstaged',
  'change-integration-pass',
  'change-integration-fail',
  'change-merged',
]);

function errorText(error: unknown): string {
  if (error instanceof GerritCommandError) return error.stderr.trim() || error.message;
  return error instanceof Error ? error.message : String(error);
}

export class GerritIntegrations {
  private readonly stream: GerritEventStream;
  /** Integrations of this instance's builds that have not been reported, by task id. */
  private readonly inFlight = new Map<string, InFlight>();
  /** Changes someone other than the cherry-pick bot staged (they skip the accumulation). */
  private readonly restagedByHand = new Set<number>();
  /** Looks again when a cherry-pick accumulation ends, per project/branch. */
  private readonly wakeTimers = new Map<string, NodeJS.Timeout>();
  /** project/branch pairs being looked at, and whether to look again afterwards. */
  private readonly busy = new Map<string, boolean>();
  /** Read-only: the staging sha integrated last per project/branch (not integrated twice). */
  private readonly lastStaging = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  private unsubscribe: () => void = () => undefined;
  private stopping = false;
  private lastBuildNumber = 0;
  private connection: GerritConnectionState = {
    state: 'connecting',
    since: new Date().toISOString(),
    lastError: null,
    lastErrorAt: null,
    retryInMs: null,
  };
  /** Cherry-pick accumulations under way, per project/branch. */
  private readonly waiting = new Map<string, GerritWaiting>();
  /** project/branch pairs whose new build is being fetched and queued. */
  private readonly preparing = new Set<string>();
  /** Reports of this run, oldest first. */
  private readonly reports: ReportRecord[] = [];
  /** Read-only: the last integration of refs/staging per project/branch. */
  private readonly integratedReadOnly = new Map<string, { taskId: string; changes: number[] }>();

  constructor(private readonly options: GerritIntegrationsOptions) {
    this.stream = new GerritEventStream({
      connect: () => options.client.connect(),
      onEvent: (event) => this.onEvent(event),
      onConnected: (reconnected) => {
        this.connection = {
          ...this.connection,
          state: 'connected',
          since: new Date().toISOString(),
          retryInMs: null,
        };
        return this.resync(reconnected);
      },
      onDisconnected: (error, retryInMs) => {
        const now = new Date().toISOString();
        this.connection = {
          state: 'reconnecting',
          since: this.connection.state === 'reconnecting' ? this.connection.since : now,
          lastError: error ? errorText(error) : 'gerrit stream-events ended',
          lastErrorAt: now,
          retryInMs,
        };
        options.log.warn(
          { err: error ? errorText(error) : undefined, retryInMs },
          `gerrit stream-events ended; reconnecting in ${retryInMs} ms`,
        );
        this.record('gerrit.disconnected', 'gerrit', { error: error ? errorText(error) : null, retryInMs });
      },
      onBadLine: (line, error) => options.log.warn({ line, err: error.message }, 'gerrit: unreadable event'),
      initialBackoffMs: options.initialBackoffMs,
    });
  }

  start(): void {
    this.options.log.info(
      { write: this.options.write, projects: this.options.projects },
      this.options.write
        ? 'gerrit: watching staged changes; this instance creates builds and approves them'
        : 'gerrit: watching staged changes read-only; nothing is written to Gerrit',
    );
    this.unsubscribe = this.options.store.subscribe((event) => {
      const to = event.payload.to as TaskState;
      if (event.kind !== 'task.state' || !taskStates.includes(to) || !isFinalTaskState(to)) return;
      const flight = this.inFlight.get(event.subject);
      if (flight) this.track(this.finished(flight));
    });
    this.adoptTasks();
    this.stream.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    for (const timer of this.wakeTimers.values()) clearTimeout(timer);
    await this.stream.stop();
    await Promise.allSettled([...this.pending]);
    await this.options.client.close();
  }

  /** What the instance knows right now (for the overview; no I/O). */
  facts(): GerritWatchFacts {
    const { address } = this.options.client.options;
    return {
      write: this.options.write,
      projects: [...this.options.projects],
      server: `ssh://${address.user}@${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
      connection: { ...this.connection },
      inFlight: [...this.inFlight.values()].map((f) => ({
        taskId: f.taskId,
        project: f.origin.project,
        branch: f.origin.branch,
        buildId: f.origin.buildId,
      })),
      preparing: [...this.preparing],
      waiting: [...this.waiting.values()],
      looking: [...new Set([...this.busy.keys(), ...this.wakeTimers.keys()])],
      integrated: [...this.integratedReadOnly].map(([key, i]) => ({ key, ...i, changes: [...i.changes] })),
    };
  }

  /** How this run reported a task's integration (undefined: not reported in this run). */
  reportOf(taskId: string): { report: GerritReport; error: string | null } | undefined {
    const found = this.reports.findLast((r) => r.taskId === taskId);
    return found && { report: found.report, error: found.error };
  }

  /** Reports under way, or started at or after `ms` (Gerrit's view taken before them may be behind). */
  reportedSince(ms: number): { taskId: string | null; changes: number[] }[] {
    return this.reports
      .filter((r) => r.at >= ms || r.report === 'reporting')
      .map((r) => ({ taskId: r.taskId, changes: [...r.changes] }));
  }

  /** `gerrit query` of the watched projects' changes (all when no project is named). */
  async query(terms: readonly string[]): Promise<GerritChange[]> {
    // After stop() the client is closed: a query would open a connection nobody closes.
    if (this.stopping) throw new Error('the instance is stopping');
    const result = await this.options.client.query(terms);
    return result.changes.filter((c) => this.wanted(c.project));
  }

  private noteReport(record: Omit<ReportRecord, 'at' | 'report' | 'error'>): ReportRecord {
    const entry: ReportRecord = { ...record, at: Date.now(), report: 'reporting', error: null };
    this.reports.push(entry);
    if (this.reports.length > reportsKept) this.reports.splice(0, this.reports.length - reportsKept);
    return entry;
  }

  private track<T>(work: Promise<T>): void {
    const p = work.catch((error: unknown) =>
      this.options.log.error({ err: errorText(error) }, `gerrit: ${errorText(error)}`),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private record(kind: string, subject: string, payload: JsonObject): void {
    if (this.stopping) return;
    try {
      this.options.store.appendEvent(kind, subject, payload);
    } catch {
      // the store is closing
    }
  }

  private wanted(project: string): boolean {
    return this.options.projects.length === 0 || this.options.projects.includes(project);
  }

  /** Tasks of an earlier run that came from Gerrit and have not finished: report them when they do. */
  private adoptTasks(): void {
    for (const task of this.options.store.listTasks({ type: 'Integration', max: 1000 }).tasks) {
      const origin = (task.source as { origin?: GerritOrigin }).origin;
      if (origin?.kind !== 'gerrit' || isFinalTaskState(task.state)) continue;
      this.inFlight.set(task.id, { taskId: task.id, origin });
    }
  }

  private key(project: string, branch: string): string {
    return `${project}/${branch}`;
  }

  private onEvent(event: GerritEvent): void {
    if (event.type === 'unknown' || event.type === 'ref-updated') return;
    const { change } = event;
    if (!this.wanted(change.project)) return;
    if (eventTypesRecorded.has(event.type)) {
      this.record('gerrit.event', `${change.project}/${change.branch}`, {
        type: event.type,
        change: change.number,
        patchSet: event.patchSet?.number ?? null,
        subject: change.subject,
        status: change.status ?? null,
      });
    }
    if (event.type === 'change-staged') {
      const actor = event as { changer?: { email?: string }; submitter?: { email?: string } };
      const by = actor.changer ?? actor.submitter;
      const byBot = (by?.email ?? '').toLowerCase() === cherryPickBotEmail;
      if (by && !byBot && (change.owner?.email ?? '').toLowerCase() === cherryPickBotEmail)
        this.restagedByHand.add(change.number);
      this.look(change.project, change.branch);
    }
  }

  /** After (re)connecting: whatever is staged now (events may have been missed). */
  private async resync(reconnected: boolean): Promise<void> {
    const staged = await this.options.client.query(['status:staged']);
    const branches = stagedBranches(staged.changes.filter((c) => this.wanted(c.project)));
    this.options.log.info(
      { reconnected, staged: staged.changes.length, branches: branches.length },
      `gerrit: connected${reconnected ? ' again' : ''}; ${staged.changes.length} staged change(s)`,
    );
    this.record('gerrit.connected', 'gerrit', { reconnected, staged: staged.changes.length });
    for (const b of branches) this.look(b.project, b.branch);
    // Builds of this instance whose tasks finished while it was away are reported now.
    for (const flight of this.inFlight.values()) {
      const task = this.options.store.getTask(flight.taskId);
      if (task && isFinalTaskState(task.state)) this.track(this.finished(flight));
    }
    if (this.options.write) await this.reportLeftovers();
  }

  /**
   * The last build of each project/branch whose task ended but whose changes Gerrit still shows
   * INTEGRATING (the approval failed, or the instance stopped before it): approve it again.
   */
  private async reportLeftovers(): Promise<void> {
    const integrating = await this.options.client.query(['status:integrating']);
    if (integrating.changes.length === 0) return;
    const numbers = new Set(integrating.changes.map((c) => c.number));
    const seen = new Set<string>();
    for (const task of this.options.store.listTasks({ type: 'Integration', max: 1000 }).tasks) {
      const origin = (task.source as { origin?: GerritOrigin }).origin;
      if (origin?.kind !== 'gerrit' || origin.buildId === null) continue;
      const key = this.key(origin.project, origin.branch);
      if (seen.has(key)) continue; // newest first: only the last build of a project/branch
      seen.add(key);
      if (!isFinalTaskState(task.state) || this.inFlight.has(task.id)) continue;
      if (!task.testedChanges.some((c) => typeof c.change === 'number' && numbers.has(c.change))) continue;
      this.options.log.info(
        { taskId: task.id, buildId: origin.buildId },
        `gerrit: build ${origin.buildId} ended but is not reported yet: approving it now`,
      );
      const flight = { taskId: task.id, origin };
      this.inFlight.set(task.id, flight);
      this.track(this.finished(flight));
    }
  }

  /** Look at a project/branch now, or once the current look is over. */
  private look(project: string, branch: string): void {
    const key = this.key(project, branch);
    if (this.busy.has(key)) {
      this.busy.set(key, true);
      return;
    }
    this.busy.set(key, false);
    this.track(
      (async () => {
        try {
          do {
            this.busy.set(key, false);
            if (!this.mayBuild(project, branch) || this.stopping) continue;
            try {
              await this.integrate(project, branch);
            } catch (error) {
              // Gerrit or git failed on the way (a dropped connection): log it and try again soon.
              if (this.stopping) return;
              this.options.log.warn(
                { project, branch, err: errorText(error) },
                `gerrit: ${key}: ${errorText(error)}`,
              );
              this.record('gerrit.error', key, { project, branch, error: errorText(error) });
              this.wakeAt(project, branch, Date.now() + retryAfterErrorMs);
            }
          } while (this.busy.get(key) && !this.stopping);
        } finally {
          this.busy.delete(key);
        }
      })(),
    );
  }

  private gerritMonitor() {
    return (this.options.runtimeConfig?.current() ?? defaultRuntimeConfig).gerrit_monitor;
  }

  /**
   * A new build of a project/branch while one of this instance's runs only where a
   * parallel_project_rules entry allows parallel integrations (the queue then keeps their delay).
   */
  private mayBuild(project: string, branch: string): boolean {
    const flights = [...this.inFlight.values()].filter(
      (f) => f.origin.project === project && f.origin.branch === branch,
    );
    if (flights.length === 0) return true;
    return (
      this.options.write && matchingParallelRules(this.gerritMonitor(), this.key(project, branch)).length > 0
    );
  }

  /** The open changes of a project/branch (their status, owner and last update). */
  private async openChanges(project: string, branch: string): Promise<Map<number, GerritChange>> {
    const result = await this.options.client.query([`project:${project}`, `branch:${branch}`, 'status:open']);
    return new Map(result.changes.map((c) => [c.number, c]));
  }

  /**
   * Cherry-picks by the bot accumulate before a build is made (gerrit_monitor): when every staged
   * change is one that nobody restaged by hand, wait until the accumulation ends.
   */
  private accumulationWait(
    project: string,
    branch: string,
    staged: readonly GerritChange[],
  ): number | undefined {
    const until = cherryPickWaitUntil(this.gerritMonitor(), {
      id: `${project}/${branch}`,
      project,
      branch,
      queuedAt: Date.now(),
      dependencyUpdate: false,
      changes: staged.map((c) => ({
        owner: c.owner?.email ?? '',
        stagedAt: (c.lastUpdated ?? Date.now() / 1000) * 1000,
        restagedByHand: this.restagedByHand.has(c.number),
      })),
    });
    return until !== undefined && until > Date.now() ? until : undefined;
  }

  private wakeAt(project: string, branch: string, until: number): void {
    const key = this.key(project, branch);
    clearTimeout(this.wakeTimers.get(key));
    const delay = Math.min(Math.max(until - Date.now(), 0) + 10, 2 ** 31 - 1);
    this.wakeTimers.set(
      key,
      setTimeout(() => {
        this.wakeTimers.delete(key);
        this.look(project, branch);
      }, delay),
    );
  }

  private nextBuildId(branch: string): string {
    this.lastBuildNumber = Math.max(this.lastBuildNumber + 1, Math.floor(Date.now() / 1000));
    return buildIdFor(branch, this.lastBuildNumber);
  }

  /** Create (or, read-only, pretend to create) a build and queue its integration. */
  private async integrate(project: string, branch: string): Promise<void> {
    const { log } = this.options;
    const key = this.key(project, branch);
    const open = await this.openChanges(project, branch);
    const staged = [...open.values()].filter((c) => c.status === 'STAGED');
    this.waiting.delete(key);
    if (staged.length === 0) return;
    const until = this.accumulationWait(project, branch, staged);
    if (until !== undefined) {
      this.waiting.set(key, {
        project,
        branch,
        until: new Date(until).toISOString(),
        changes: staged.map((c) => c.number),
      });
      const reason = `cherry-picks by ${cherryPickBotEmail} accumulate: no build before ${new Date(until).toISOString()}`;
      log.info({ project, branch, until: new Date(until).toISOString() }, `gerrit: ${key}: ${reason}`);
      this.record('gerrit.waiting', key, { project, branch, until: new Date(until).toISOString(), reason });
      this.wakeAt(project, branch, until);
      return;
    }
    this.preparing.add(key);
    try {
      await this.build(project, branch, open, staged);
    } finally {
      this.preparing.delete(key);
    }
  }

  /** Make the build (read-only: take refs/staging) and queue its integration. */
  private async build(
    project: string,
    branch: string,
    open: ReadonlyMap<number, GerritChange>,
    staged: readonly GerritChange[],
  ): Promise<void> {
    const { client, log } = this.options;
    const buildId = this.nextBuildId(branch);
    let ref: string;
    if (this.options.write) {
      try {
        await client.stagingNewBuild(project, branch, buildId);
      } catch (error) {
        if (error instanceof GerritCommandError && /no changes/i.test(error.stderr)) return;
        throw error;
      }
      ref = `refs/builds/${buildId}`;
    } else {
      ref = `refs/staging/${branch}`;
    }
    const origin: GerritOrigin = { kind: 'gerrit', project, branch, buildId, ref };
    let queued: QueuedBuild | undefined;
    try {
      queued = await this.queueBuild(origin, open);
    } catch (error) {
      if (!this.options.write || this.stopping) throw error;
      // A build that cannot be fetched or planned (a broken coin/ file) fails at once, so its
      // changes do not stay INTEGRATING.
      log.warn({ project, branch, buildId, err: errorText(error) }, `gerrit: build ${buildId} cannot run`);
      const report = this.noteReport({ taskId: null, changes: staged.map((c) => c.number) });
      await this.approve(origin, 'fail', integrationMessage('fail', null, errorText(error)), null, report);
      return;
    }
    if (!queued) return;
    const { taskId, commits, sha } = queued;
    this.inFlight.set(taskId, { taskId, origin: queued.origin });
    log.info(
      { taskId, project, branch, buildId, changes: commits.map((c) => `${c.change},${c.patchSet}`) },
      `gerrit: integration ${taskId} of ${queued.origin.buildId ?? ref} queued`,
    );
    this.record('gerrit.build', taskId, {
      project,
      branch,
      buildId: queued.origin.buildId,
      ref,
      sha,
      write: this.options.write,
      changes: commits.map((c) => ({ change: c.change, patchSet: c.patchSet, subject: c.subject })),
    });
  }

  /**
   * List the build's (or, read-only, the staging ref's) changes, fetch it and queue its
   * integration; undefined when there is nothing (new) to integrate.
   */
  private async queueBuild(
    origin: GerritOrigin,
    open: ReadonlyMap<number, GerritChange>,
  ): Promise<QueuedBuild | undefined> {
    const { project, branch, ref } = origin;
    const key = this.key(project, branch);
    const commits = await this.options.client.stagingLs(project, ref, branch);
    if (commits.length === 0) return undefined;
    const repo = await this.fetch(project, ref);
    if (!this.options.write) {
      if (this.lastStaging.get(key) === repo.sha) return undefined;
      this.lastStaging.set(key, repo.sha);
      this.options.log.info(
        { project, branch, wouldCreate: origin.buildId, changes: commits.map((c) => c.change) },
        `gerrit (read-only): would create build ${origin.buildId}; integrating ${ref} at ${repo.sha} instead`,
      );
      origin = { ...origin, buildId: null };
    }
    await this.fetchDependencies(project, repo.sha);
    const testedChanges = await this.testedChanges(open, repo.path, commits);
    const taskId = await this.options.enqueue({
      project,
      branch,
      repo: repo.path,
      sha: repo.sha,
      searchRoots: [this.options.mirrorDir, path.dirname(repo.path)],
      testedChanges,
      origin: { ...origin },
    });
    if (!this.options.write)
      this.integratedReadOnly.set(key, { taskId, changes: commits.map((c) => c.change) });
    return { taskId, commits, sha: repo.sha, origin };
  }

  /** Fetch `ref` from the project's git URL into its mirror; the mirror's path and the sha. */
  private async fetch(project: string, ref: string): Promise<{ path: string; sha: string }> {
    const local = `refs/gerrit/${ref.replace(/^refs\//, '')}`;
    const git = await this.mirror(project);
    await git(['fetch', '-q', '--no-tags', `${this.options.gitUrlPrefix}${project}`, `+${ref}:${local}`]);
    const sha = (await git(['rev-parse', '--verify', `${local}^{commit}`])).trim();
    return { path: path.join(this.options.mirrorDir, project), sha };
  }

  /** git in a project's mirror (created when missing). */
  private async mirror(project: string): Promise<(args: string[]) => Promise<string>> {
    const dir = path.join(this.options.mirrorDir, project);
    await mkdir(dir, { recursive: true });
    // git itself (not simple-git, which refuses GIT_SSH_COMMAND): the environment is explicit.
    const env = childEnv({
      ...this.options.gitEnv,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    });
    const git = async (args: string[]) => {
      try {
        return (await execFileAsync('git', args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 })).stdout;
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim();
        throw new Error(`git ${args[0]} failed: ${stderr || errorText(error)}`, { cause: error });
      }
    };
    await git(['init', '-q']);
    return git;
  }

  /**
   * The projects named in dependencies.yaml (recursively), fetched from Gerrit with their
   * branches into the mirror, where the planner finds them (`<mirror>/<owner>/<repo>`) and
   * resolves their pinned revisions.
   */
  private async fetchDependencies(
    project: string,
    sha: string,
    seen = new Set<string>([project]),
  ): Promise<void> {
    const git = await this.mirror(project);
    const text = await git(['show', `${sha}:${dependenciesFile}`]).catch(() => null);
    if (text === null) return;
    for (const dep of parseModuleDependencies(dependenciesFile, text)) {
      const depProject = path.posix.normalize(path.posix.join(project, dep.path));
      if (seen.has(depProject)) continue;
      seen.add(depProject);
      const depGit = await this.mirror(depProject);
      await depGit([
        'fetch',
        '-q',
        '--no-tags',
        `${this.options.gitUrlPrefix}${depProject}`,
        '+refs/heads/*:refs/gerrit/heads/*',
      ]);
      const depSha = await depGit(['rev-parse', '--verify', '--quiet', `${dep.ref}^{commit}`]).catch(
        () => '',
      );
      // an unknown pin is left to the planner, which says so
      if (depSha.trim()) await this.fetchDependencies(depProject, depSha.trim(), seen);
    }
  }

  /** testedChanges: each change with what the gerrit_monitor rules need (owner, staged time, dependency-only). */
  private async testedChanges(
    known: ReadonlyMap<number, GerritChange>,
    repo: string,
    commits: readonly StagedCommit[],
  ): Promise<JsonObject[]> {
    const out: JsonObject[] = [];
    for (const commit of commits) {
      const info = known.get(commit.change);
      const described = await describeLocalCommit(repo, commit.sha);
      out.push({
        kind: 'gerrit-change',
        change: commit.change,
        patchSet: commit.patchSet,
        subject: commit.subject,
        sha: commit.sha,
        owner: info?.owner?.email ?? described.owner,
        onlyDependencies: described.files.length > 0 && described.files.every((f) => f === dependenciesFile),
        restagedByHand: this.restagedByHand.has(commit.change),
        stagedAt: new Date((info?.lastUpdated ?? Date.now() / 1000) * 1000).toISOString(),
        url: info?.url ?? null,
      });
    }
    return out;
  }

  /** A task of a build ended: approve (or say what would be approved), then look for more. */
  private async finished(flight: InFlight): Promise<void> {
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
    const changes = task.testedChanges.flatMap((c) => (typeof c.change === 'number' ? [c.change] : []));
    const report = this.noteReport({ taskId: task.id, changes });
    await this.approve(flight.origin, result, message, task.id, report);
    if (!this.stopping) this.look(flight.origin.project, flight.origin.branch);
  }

  private async approve(
    origin: GerritOrigin,
    result: 'pass' | 'fail',
    message: string,
    taskId: string | null,
    report: ReportRecord,
  ): Promise<void> {
    const { project, branch, buildId } = origin;
    const subject = taskId ?? `${project}/${branch}`;
    if (!this.options.write || buildId === null) {
      report.report = 'would-approve';
      this.options.log.info(
        { taskId, project, branch, result },
        `gerrit (read-only): would approve ${project} ${branch} ${result}: ${message.split('\n')[0]}`,
      );
      this.record('gerrit.would-approve', subject, { project, branch, result, message });
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.client.stagingApprove({ project, branch, buildId, result, message });
        this.options.log.info(
          { taskId, project, branch, buildId, result },
          `gerrit: build ${buildId} approved: ${result}`,
        );
        report.report = 'approved';
        this.record('gerrit.approved', subject, { project, branch, buildId, result, message });
        return;
      } catch (error) {
        if (attempt >= 3 || this.stopping || error instanceof GerritCommandError) {
          report.report = 'approve-failed';
          report.error = errorText(error);
          this.record('gerrit.approve-failed', subject, {
            project,
            branch,
            buildId,
            result,
            error: errorText(error),
          });
          throw new Error(`approving ${buildId} (${result}) failed: ${errorText(error)}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }
}
