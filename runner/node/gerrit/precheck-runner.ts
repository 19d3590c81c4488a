/**
 * The plugin's `precheck` events as integrations: the requested patch set
 * (`refs/changes/NN/<change>/<patch set>`, checked against the event's commitID) is fetched into
 * the mirror with its dependencies and queued as an Integration task through the same path as a
 * build (EnqueueIntegration), with an origin of kind `gerrit-precheck`: nothing is staged, built
 * into refs/builds or merged. When the task ends, the result goes back to the change as a review
 * message on that patch set (`gerrit review`); an instance that does not write only logs it.
 * Prechecks of an earlier run whose tasks had not ended are reported when they do (their origin
 * keeps what the message needs).
 * A `custom` precheck runs on the platform configurations its `platforms` names (ids, separated
 * by commas or spaces; one the instance does not have refuses the precheck, saying which it has);
 * the other types on the instance's default configuration. `onlybuild` plans no test work items.
 */
import type { Logger } from 'pino';
import type { ChangeSourceReader } from '../../core/change-source';
import type { GerritPrecheckEvent } from '../../core/gerrit/gerrit-protocol';
import type { JsonObject } from '../../core/records';
import { isFinalTaskState, taskStates, type TaskState } from '../../core/model';
import { stagedTestedChange } from '../../core/tested-change';
import { describeLocalCommit } from '../runtime-config/tested-changes';
import type { SqliteStore } from '../store/sqlite-store';
import type { EnqueueIntegration } from './build-queue';
import type { GerritClient } from './gerrit-client';
import { errorText } from './staging-journal';

export interface PrecheckRunnerOptions {
  source: ChangeSourceReader;
  client: GerritClient;
  store: SqliteStore;
  enqueue: EnqueueIntegration;
  /** Report results to Gerrit (the real instance); otherwise only log them. */
  write: boolean;
  wanted(project: string): boolean;
  taskUrl(taskId: string): string;
  log: Logger;
}

/** Where Gerrit keeps a patch set: refs/changes/<last two digits>/<change>/<patch set>. */
export function patchSetRef(change: number, patchSet: number): string {
  return `refs/changes/${String(change % 100).padStart(2, '0')}/${change}/${patchSet}`;
}

/** The platform configurations a precheck asks for (none: the instance's default one). */
export function precheckConfigs(event: Pick<GerritPrecheckEvent, 'precheckType' | 'platforms'>): string[] {
  if (event.precheckType !== 'custom') return [];
  return [...new Set(event.platforms.split(/[\s,]+/).filter(Boolean))];
}

/** The review message of a finished precheck. */
export function precheckMessage(event: GerritPrecheckEvent, state: string, taskUrl: string | null): string {
  const passed = state === 'Passed' || state === 'Insignificant';
  const asked = `type ${event.precheckType}${event.platforms ? `, platforms ${event.platforms}` : ''}${event.onlybuild ? ', build only' : ''}`;
  const configs = precheckConfigs(event);
  const where = configs.length ? configs.join(', ') : "the instance's default configuration";
  return [
    `Precheck: ${passed ? 'Passed' : 'Failed'} (${state}; patch set ${event.patchSet}; ${asked})`,
    `${event.onlybuild ? 'Built (no tests)' : 'Built and tested'} on ${where}; nothing was staged or merged.`,
    ...(taskUrl ? ['', `Details: ${taskUrl}`] : []),
  ].join('\n');
}

/** The precheck a stored task came from (its origin), or undefined for other tasks. */
export function precheckOf(source: JsonObject, sha: string): GerritPrecheckEvent | undefined {
  const o = source.origin as Record<string, unknown> | undefined;
  if (o?.kind !== 'gerrit-precheck') return undefined;
  const { project, branch, change, patchSet } = o;
  if (typeof project !== 'string' || typeof branch !== 'string') return undefined;
  if (typeof change !== 'number' || typeof patchSet !== 'number') return undefined;
  return {
    type: 'precheck',
    change: { project, branch, number: change, subject: '' },
    patchSet,
    commitID: sha,
    precheckType: typeof o.precheckType === 'string' ? o.precheckType : 'default',
    platforms: typeof o.platforms === 'string' ? o.platforms : '',
    onlybuild: o.onlybuild === true,
    cherrypick: o.cherrypick === true,
  };
}

export class PrecheckRunner {
  /** Queued prechecks by task id. */
  private readonly running = new Map<string, GerritPrecheckEvent>();
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: PrecheckRunnerOptions) {
    this.unsubscribe = options.store.subscribe((event) => {
      const to = event.payload.to as TaskState;
      if (event.kind !== 'task.state' || !taskStates.includes(to) || !isFinalTaskState(to)) return;
      const precheck = this.running.get(event.subject);
      if (precheck) this.track(this.finished(event.subject, precheck, to));
    });
    this.adopt();
  }

  /** Prechecks queued by an earlier run of the instance and not finished: report them when they end. */
  private adopt(): void {
    for (const task of this.options.store.listTasks({ type: 'Integration', max: 1000 }).tasks) {
      const event = precheckOf(task.source, task.sha ?? '');
      if (event && !isFinalTaskState(task.state)) this.running.set(task.id, event);
    }
  }

  /** A precheck event: queue its integration (errors go back to the change). */
  onPrecheck(event: GerritPrecheckEvent): void {
    if (!this.options.wanted(event.change.project)) return;
    this.track(
      this.queue(event).catch((error: unknown) =>
        this.say(event, `Precheck could not start: ${errorText(error)}`),
      ),
    );
  }

  private track(work: Promise<void>): void {
    const p = work.catch((error: unknown) =>
      this.options.log.error({ err: errorText(error) }, `gerrit: precheck: ${errorText(error)}`),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async queue(event: GerritPrecheckEvent): Promise<void> {
    const { source, enqueue, log } = this.options;
    const { project, branch, number, subject } = event.change;
    const fetched = await source.fetch(project, patchSetRef(number, event.patchSet));
    if (fetched.sha !== event.commitID)
      throw new Error(`patch set ${event.patchSet} is ${fetched.sha}, not the requested ${event.commitID}`);
    await source.fetchDependencies(project, fetched.sha);
    const described = await describeLocalCommit(fetched.repo, fetched.sha);
    const commit = { id: String(number), number, sha: fetched.sha, patchSet: event.patchSet, subject };
    const tested = stagedTestedChange('gerrit', commit, {
      change: undefined,
      author: described.owner,
      files: described.files,
      restagedByHand: false,
      now: Date.now(),
    });
    const { precheckType, platforms, onlybuild, cherrypick } = event;
    const taskId = await enqueue({
      project,
      branch,
      repo: fetched.repo,
      sha: fetched.sha,
      searchRoots: [...fetched.searchRoots],
      testedChanges: [{ ...tested }],
      configs: precheckConfigs(event),
      onlyBuild: onlybuild,
      origin: {
        kind: 'gerrit-precheck',
        project,
        branch,
        change: number,
        patchSet: event.patchSet,
        precheckType,
        platforms,
        onlybuild,
        cherrypick,
      },
    });
    this.running.set(taskId, event);
    log.info(
      { taskId, change: number, patchSet: event.patchSet },
      `gerrit: precheck of ${number},${event.patchSet} queued as ${taskId}`,
    );
  }

  private async finished(taskId: string, event: GerritPrecheckEvent, state: string): Promise<void> {
    this.running.delete(taskId);
    await this.say(event, precheckMessage(event, state, this.options.taskUrl(taskId)));
  }

  /** A review message on the precheck's patch set (read-only: logged only). */
  private async say(event: GerritPrecheckEvent, message: string): Promise<void> {
    const { number } = event.change;
    if (!this.options.write) {
      this.options.log.info(
        { change: number },
        `gerrit (read-only): would tell ${number},${event.patchSet}: ${message.split('\n')[0]}`,
      );
      return;
    }
    await this.options.client.review(number, event.patchSet, message);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.pending]);
  }
}
