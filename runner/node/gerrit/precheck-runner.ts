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
 * the other types on the instance's default configuration, and the result of a `full` or
 * `downstream` one says that Coin's meaning of the type is not public and what ran instead
 * (precheck-messages.ts). `onlybuild` plans no test work items. With `cherrypick` the patch set
 * is cherry-picked onto the current tip of its target branch and that commit is built
 * (precheck-cherry-pick.ts); a conflict is the precheck's result, and nothing is built.
 */
import type { Logger } from 'pino';
import type { ChangeSourceReader } from '../../core/change-source';
import type { GerritPrecheckEvent } from '../../core/gerrit/gerrit-protocol';
import { isFinalTaskState, taskStates, type TaskState } from '../../core/model';
import { stagedTestedChange } from '../../core/tested-change';
import { describeLocalCommit } from '../runtime-config/tested-changes';
import type { SqliteStore } from '../store/sqlite-store';
import type { EnqueueIntegration } from './build-queue';
import type { GerritClient } from './gerrit-client';
import { cherryPickOnto, precheckPickRef } from './precheck-cherry-pick';
import {
  precheckConfigs,
  precheckConflictMessage,
  precheckMessage,
  precheckOf,
  precheckOrigin,
  type Precheck,
} from './precheck-messages';
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

export class PrecheckRunner {
  /** Queued prechecks by task id. */
  private readonly running = new Map<string, Precheck>();
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
      const precheck = precheckOf(task.source, task.sha ?? '');
      if (precheck && !isFinalTaskState(task.state)) this.running.set(task.id, precheck);
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
    let sha = fetched.sha;
    let onto: string | null = null;
    if (event.cherrypick) {
      const tip = await source.fetch(project, `refs/heads/${branch}`);
      const pick = await cherryPickOnto(
        fetched.repo,
        fetched.sha,
        tip.sha,
        precheckPickRef(number, event.patchSet),
      );
      if (pick.kind === 'conflict') {
        log.info(
          { change: number, patchSet: event.patchSet, files: pick.files },
          `gerrit: precheck of ${number},${event.patchSet} does not cherry-pick onto ${branch}`,
        );
        await this.say(event, precheckConflictMessage(event, pick.onto, pick.files));
        return;
      }
      sha = pick.sha;
      onto = pick.onto;
    }
    await source.fetchDependencies(project, sha);
    const described = await describeLocalCommit(fetched.repo, fetched.sha);
    const commit = { id: String(number), number, sha: fetched.sha, patchSet: event.patchSet, subject };
    const tested = stagedTestedChange('gerrit', commit, {
      change: undefined,
      author: described.owner,
      files: described.files,
      restagedByHand: false,
      now: Date.now(),
    });
    const precheck: Precheck = { event, onto };
    const taskId = await enqueue({
      project,
      branch,
      repo: fetched.repo,
      sha,
      searchRoots: [...fetched.searchRoots],
      testedChanges: [{ ...tested }],
      configs: precheckConfigs(event),
      onlyBuild: event.onlybuild,
      origin: precheckOrigin(precheck),
    });
    this.running.set(taskId, precheck);
    log.info(
      { taskId, change: number, patchSet: event.patchSet, sha },
      `gerrit: precheck of ${number},${event.patchSet} queued as ${taskId}${onto ? ` (cherry-picked onto ${branch})` : ''}`,
    );
  }

  private async finished(taskId: string, precheck: Precheck, state: string): Promise<void> {
    this.running.delete(taskId);
    const ran = [...new Set(this.options.store.workItemsOf(taskId).map((w) => w.configurationId))].sort();
    await this.say(precheck.event, precheckMessage(precheck, state, this.options.taskUrl(taskId), ran));
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
