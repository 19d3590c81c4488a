/**
 * The queue of integrations: validates submissions (bad input is refused before a task exists),
 * starts queued tasks in order as the runtime configuration's gerrit_monitor rules allow (one at a
 * time per project/branch unless a parallel rule matches, dependency updates alone, cherry-picks
 * after their accumulation; decisions in runner/core/runtime-config/integration-starts.ts), and
 * re-plans each from its stored source so a restarted instance continues where it stopped.
 */
import { integrationRequestSchema } from '../../core/instance-api-schemas';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type * as z from 'zod';
import { CoinFileError } from '../../core/coin-files/source-pos';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { defaultRuntimeConfig } from '../../core/runtime-config/config-schema';
import {
  decideIntegrationStarts,
  type RunningIntegration,
  type StartDecision,
} from '../../core/runtime-config/integration-starts';
import type { RuntimeConfigSource } from '../runtime-config/runtime-config-watcher';
import {
  describeLocalCommit,
  integrationCandidateOf,
  localTestedChange,
} from '../runtime-config/tested-changes';
import type { IntegrationInput } from '../../core/integration-input';
import { invalidRequest } from '../../core/instance-errors';
import { resolveRef, SourceInputError } from '../sources/git-snapshot';
import type { SqliteStore } from '../store/sqlite-store';
import type { TaskRecord } from '../store/store-records';
import { pickConfigurations } from './instance-configurations';
import { planIntegration } from './integration-plan';
import {
  defaultProject,
  localGitSourceSchema,
  searchRoots,
  type LocalGitSource,
} from './integration-submission';
import type { TaskRunner } from './task-runner';
import type { WorkUnit } from '../../core/work-unit';
import { withoutTestUnits } from '../../core/build-only';

export interface TaskQueueDeps {
  store: SqliteStore;
  runner: TaskRunner;
  configurations: readonly PlatformConfiguration[];
  log: Logger;
  /** The runtime configuration in force (default: the defaults, never changing). */
  runtimeConfig?: RuntimeConfigSource;
  /** The clock, ms since the epoch (tests). */
  now?: () => number;
  /**
   * Starts making the sources of a revision (the source cache's archive and tree) while the
   * integration is planned, so its first work item does not wait for them.
   */
  prepareSources?: (repo: string, sha: string) => void;
}

/** Bad input as the instance reports it: one readable line (the server answers 400). */
function asBadInput(error: unknown): never {
  if (error instanceof SourceInputError || error instanceof CoinFileError)
    throw invalidRequest(error.message);
  if (error instanceof Error && error.message.startsWith('unknown configuration'))
    throw invalidRequest(error.message);
  throw error;
}

/** The task source of a submission, its sha still to be resolved. */
function unresolvedSource(input: z.output<typeof integrationRequestSchema>): LocalGitSource {
  return {
    kind: 'local-git',
    repo: input.repo,
    ref: input.ref,
    sha: '',
    configs: input.configs,
    searchRoots: searchRoots(input.repo, input.depsRoot),
  };
}

/** Starts queued tasks as the gerrit_monitor rules allow. */
export class TaskQueue {
  stopping = false;
  private readonly running = new Map<string, { done: Promise<void>; integration: RunningIntegration }>();
  private readonly waitingFor = new Map<string, string>();
  /** Work units of queued tasks, planned once when they were queued (planning reads git). */
  private readonly planned = new Map<string, WorkUnit[]>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: TaskQueueDeps) {
    this.unsubscribe = deps.runtimeConfig?.onApplied(() => this.schedule()) ?? (() => undefined);
  }

  private async plan(
    taskId: string,
    project: string,
    branch: string,
    source: LocalGitSource,
  ): Promise<WorkUnit[]> {
    const units = await planIntegration({
      taskId,
      project,
      branch,
      repoPath: source.repo,
      sha: source.sha,
      configurations: pickConfigurations(this.deps.configurations, source.configs),
      allConfigurations: this.deps.configurations,
      searchRoots: source.searchRoots,
    });
    return source.onlyBuild ? withoutTestUnits(units) : units;
  }

  /** Validate and queue an integration; resolves to the task id. */
  async submit(body: unknown): Promise<string> {
    const parsed = integrationRequestSchema.safeParse(body);
    if (!parsed.success)
      throw invalidRequest(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const input = parsed.data;
    const project = input.project ?? defaultProject(input.repo);
    const branch = input.branch ?? (/^[0-9a-f]{40}$/.test(input.ref) ? 'local' : input.ref);
    const source = unresolvedSource(input);
    const id = randomUUID();
    let testedChanges;
    try {
      source.sha = await resolveRef(input.repo, input.ref);
      this.deps.prepareSources?.(source.repo, source.sha);
      this.planned.set(id, await this.plan(id, project, branch, source));
      testedChanges = [await this.localChange(project, branch, source)];
    } catch (error) {
      this.planned.delete(id);
      asBadInput(error);
    }
    const task = this.deps.store.createTask({
      id,
      type: 'Integration',
      project,
      branch,
      sha: source.sha,
      testedChanges,
      source: { ...source },
    });
    this.deps.log.info(
      { taskId: task.id, project, branch, sha: source.sha },
      `integration ${task.id} queued`,
    );
    this.schedule();
    return task.id;
  }

  /**
   * Queue an integration of a commit that is already in a local repository (the Gerrit change
   * source fetched it), with its tested changes as the source described them. Planning runs first:
   * a module that cannot be planned is refused (CoinFileError, SourceInputError) before a task exists.
   */
  async enqueue(input: IntegrationInput): Promise<string> {
    const source: LocalGitSource = {
      kind: 'local-git',
      repo: input.repo,
      ref: input.sha,
      sha: input.sha,
      configs: input.configs ?? [],
      searchRoots: input.searchRoots,
      ...(input.onlyBuild ? { onlyBuild: true } : {}),
    };
    const id = randomUUID();
    this.deps.prepareSources?.(source.repo, source.sha);
    this.planned.set(id, await this.plan(id, input.project, input.branch, source));
    const task = this.deps.store.createTask({
      id,
      type: 'Integration',
      project: input.project,
      branch: input.branch,
      sha: input.sha,
      testedChanges: input.testedChanges,
      source: { ...source, origin: input.origin },
    });
    this.deps.log.info(
      { taskId: task.id, project: input.project, branch: input.branch, sha: input.sha },
      `integration ${task.id} queued`,
    );
    this.schedule();
    return task.id;
  }

  /** The tested change of a local integration: its commit, and whether this is a restage. */
  private async localChange(project: string, branch: string, source: LocalGitSource) {
    const commit = await describeLocalCommit(source.repo, source.sha);
    const earlier = this.deps.store.listTasks({ project, branch, max: 1000 }).tasks;
    const restaged = earlier.some((t) => t.sha === source.sha);
    return localTestedChange(source.sha, commit, restaged, new Date(this.now()));
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Start every queued task the gerrit_monitor rules allow now; wake up when a wait ends. */
  schedule(): void {
    if (this.stopping) return;
    clearTimeout(this.wakeTimer);
    const queued = this.queuedInOrder();
    const now = this.now();
    const decisions = decideIntegrationStarts({
      gerritMonitor: (this.deps.runtimeConfig?.current() ?? defaultRuntimeConfig).gerrit_monitor,
      running: [...this.running.values()].map((r) => r.integration),
      queued: queued.map(integrationCandidateOf),
      now,
    });
    let wakeAt = Infinity;
    decisions.forEach((decision, i) => {
      if (decision.start) this.start(queued[i]!, decision, now);
      else {
        this.noteWait(queued[i]!, decision);
        if (decision.until !== undefined) wakeAt = Math.min(wakeAt, decision.until);
      }
    });
    if (wakeAt < Infinity) {
      const delay = Math.min(Math.max(wakeAt - now, 0) + 10, 2 ** 31 - 1);
      this.wakeTimer = setTimeout(() => this.schedule(), delay);
    }
  }

  /** Queued tasks not started yet: higher priority first (`coin priority`), then oldest first. */
  private queuedInOrder(): TaskRecord[] {
    const priorities = this.deps.store.controls.priorities();
    const rank = (t: TaskRecord) => priorities.get(t.id) ?? 0;
    return [...this.deps.store.listTasks({ state: 'Initializing', max: 1000 }).tasks]
      .reverse()
      .filter((t) => !this.running.has(t.id))
      .sort((a, b) => rank(b) - rank(a));
  }

  /** True while the queue has started the task (planning or running it). */
  isStarted(taskId: string): boolean {
    return this.running.has(taskId);
  }

  /**
   * A new queued task at the revisions of a finished one, linked to it by `link` in its source
   * (`rerunOf`, or `retryOf`: the runner then takes passed items from the first run). Call inside
   * the store transaction that audits it; schedule() afterwards.
   */
  queueAgain(task: TaskRecord, link: 'rerunOf' | 'retryOf'): TaskRecord {
    const { rerunOf: _r, retryOf: _t, ...source } = task.source;
    return this.deps.store.createTask({
      type: task.type,
      project: task.project,
      branch: task.branch,
      sha: task.sha,
      testedChanges: task.testedChanges,
      source: { ...source, [link]: task.id },
    });
  }

  private start(task: TaskRecord, decision: StartDecision, now: number): void {
    const candidate = integrationCandidateOf(task);
    this.waitingFor.delete(task.id);
    this.deps.log.info(
      { taskId: task.id, project: task.project, branch: task.branch, reason: decision.reason },
      `integration ${task.id} starts: ${decision.reason}`,
    );
    const done = this.runTask(task).finally(() => {
      this.running.delete(task.id);
      this.schedule();
    });
    this.running.set(task.id, { done, integration: { ...candidate, startedAt: now } });
  }

  /** Logs (and tells dashboards) why a task waits, once per reason. */
  private noteWait(task: TaskRecord, decision: Extract<StartDecision, { start: false }>): void {
    if (this.waitingFor.get(task.id) === decision.reason) return;
    this.waitingFor.set(task.id, decision.reason);
    const until = decision.until === undefined ? null : new Date(decision.until).toISOString();
    this.deps.log.info(
      { taskId: task.id, project: task.project, branch: task.branch, waitKind: decision.kind, until },
      `integration ${task.id} waits: ${decision.reason}`,
    );
    this.deps.store.appendEvent('task.waiting', task.id, {
      kind: decision.kind,
      reason: decision.reason,
      until,
    });
  }

  private async runTask(task: TaskRecord): Promise<void> {
    try {
      const source = localGitSourceSchema.parse(task.source);
      // Planned when it was queued; after a restart (or a re-run) it is planned again from git.
      const units =
        this.planned.get(task.id) ?? (await this.plan(task.id, task.project, task.branch, source));
      this.planned.delete(task.id);
      await this.deps.runner.run(task, units);
    } catch (error) {
      if (this.stopping) return;
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.error({ taskId: task.id, err: message }, `task ${task.id} could not run`);
      const current = this.deps.store.getTask(task.id);
      if (current?.state === 'Initializing') this.deps.store.setTaskState(task.id, 'Running');
      if (current && (current.state === 'Initializing' || current.state === 'Running')) {
        this.deps.store.setTaskState(task.id, 'Failed', message);
      }
    }
  }

  /** Resolves when every running task has returned (used at stop, after `stopping` is set). */
  async idle(): Promise<void> {
    clearTimeout(this.wakeTimer);
    this.unsubscribe();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}
