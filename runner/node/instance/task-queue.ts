/**
 * The queue of integrations: validates submissions (bad input is refused before a task exists),
 * starts queued tasks in order, one at a time per project/branch, re-planning each from its
 * stored source so a restarted instance continues where it stopped.
 */
import type { Logger } from 'pino';
import { CoinFileError } from '../../core/coin-files/source-pos';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { HttpError } from '../server/coin-server';
import { resolveRef, SourceInputError } from '../sources/git-snapshot';
import type { SqliteStore } from '../store/sqlite-store';
import type { TaskRecord } from '../store/store-records';
import { pickConfigurations } from './instance-configurations';
import { planIntegration } from './integration-plan';
import {
  defaultProject,
  integrationSubmissionSchema,
  localGitSourceSchema,
  searchRoots,
  type LocalGitSource,
} from './integration-submission';
import type { TaskRunner } from './task-runner';
import type { WorkUnit } from './work-unit';

export interface TaskQueueDeps {
  store: SqliteStore;
  runner: TaskRunner;
  configurations: readonly PlatformConfiguration[];
  log: Logger;
}

/** Bad input as the API reports it: 400 with one readable line. */
function asBadInput(error: unknown): never {
  if (error instanceof SourceInputError || error instanceof CoinFileError)
    throw new HttpError(400, error.message);
  if (error instanceof Error && error.message.startsWith('unknown configuration'))
    throw new HttpError(400, error.message);
  throw error;
}

/** Starts queued tasks as their project/branch becomes free. */
export class TaskQueue {
  stopping = false;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: TaskQueueDeps) {}

  private plan(taskId: string, project: string, branch: string, source: LocalGitSource): Promise<WorkUnit[]> {
    return planIntegration({
      taskId,
      project,
      branch,
      repoPath: source.repo,
      sha: source.sha,
      configurations: pickConfigurations(this.deps.configurations, source.configs),
      searchRoots: source.searchRoots,
    });
  }

  /** Validate and queue an integration; resolves to the task id. */
  async submit(body: unknown): Promise<string> {
    const parsed = integrationSubmissionSchema.safeParse(body);
    if (!parsed.success)
      throw new HttpError(
        400,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    const input = parsed.data;
    const project = input.project ?? defaultProject(input.repo);
    const branch = input.branch ?? (/^[0-9a-f]{40}$/.test(input.ref) ? 'local' : input.ref);
    const source: LocalGitSource = {
      kind: 'local-git',
      repo: input.repo,
      ref: input.ref,
      sha: '',
      configs: input.configs,
      searchRoots: searchRoots(input.repo, input.depsRoot),
    };
    try {
      source.sha = await resolveRef(input.repo, input.ref);
      await this.plan('validation', project, branch, source);
    } catch (error) {
      asBadInput(error);
    }
    const task = this.deps.store.createTask({
      type: 'Integration',
      project,
      branch,
      sha: source.sha,
      source: { ...source },
    });
    this.deps.log.info(
      { taskId: task.id, project, branch, sha: source.sha },
      `integration ${task.id} queued`,
    );
    this.schedule();
    return task.id;
  }

  /** Start every queued task whose project/branch is free. */
  schedule(): void {
    if (this.stopping) return;
    const queued = [...this.deps.store.listTasks({ state: 'Initializing', max: 1000 }).tasks].reverse();
    for (const task of queued) {
      const lane = `${task.project}/${task.branch}`;
      if (this.running.has(lane)) continue;
      this.running.set(
        lane,
        this.runTask(task).finally(() => {
          this.running.delete(lane);
          this.schedule();
        }),
      );
    }
  }

  private async runTask(task: TaskRecord): Promise<void> {
    try {
      const source = localGitSourceSchema.parse(task.source);
      const units = await this.plan(task.id, task.project, task.branch, source);
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

  /** Resolves when every running task has returned (used at stop). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
