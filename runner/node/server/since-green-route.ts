/**
 * `GET <base>/api/tasks/<id>/since-green`: gathers what runner/core/since-green.ts compares: the
 * last passed integration of the same project and branch, the commits between the two from the
 * task's repository, dependencies.yaml at both revisions, each work item's plan fingerprints, the
 * runtime-configuration versions applied in between, and both integrations' test outcomes.
 */
import type { FastifyInstance } from 'fastify';
import { parseModuleDependencies } from '../../core/coin-files/module-config';
import { instanceRoutes, routeUrl } from '../../core/instance-api';
import { compareSinceGreen, type PinnedDependency } from '../../core/since-green';
import { commitsBetween, fileAt } from '../sources/commit-range';
import type { SqliteStore } from '../store/sqlite-store';
import type { TaskRecord } from '../store/store-records';

/** The repository a task was integrated from, when its source says. */
function repoOf(task: TaskRecord): string | undefined {
  const repo = task.source.repo;
  return typeof repo === 'string' && repo !== '' ? repo : undefined;
}

async function pinned(repo: string | undefined, sha: string | null): Promise<PinnedDependency[]> {
  if (!repo || !sha) return [];
  const text = await fileAt(repo, sha, 'dependencies.yaml');
  if (text === undefined) return [];
  try {
    return parseModuleDependencies('dependencies.yaml', text).map((d) => ({ project: d.path, ref: d.ref }));
  } catch {
    return [];
  }
}

async function commitsOf(task: TaskRecord, green: TaskRecord | undefined) {
  const repo = repoOf(task);
  if (!green) return { commits: [], note: 'no earlier integration of this project and branch passed' };
  if (!repo || !task.sha || !green.sha)
    return { commits: [], note: 'the task does not name a git repository' };
  if (green.sha === task.sha) return { commits: [], note: 'the same revision passed before' };
  return commitsBetween(repo, green.sha, task.sha);
}

const outcomes = (store: SqliteStore, taskId: string | undefined) =>
  taskId ? store.history.tests.outcomesOfTask(taskId) : [];

/** The comparison of a task with the last green one, or undefined when there is no such task. */
export async function sinceGreen(store: SqliteStore, taskId: string) {
  const task = store.getTask(taskId);
  if (!task) return undefined;
  const green = store.history.lastGreen(task);
  const repo = repoOf(task);
  const { commits, note } = await commitsOf(task, green);
  return compareSinceGreen({
    failed: task,
    green: green ?? null,
    commits,
    commitsNote: note,
    dependencies: {
      failed: await pinned(repo, task.sha),
      green: green ? await pinned(repoOf(green) ?? repo, green.sha) : [],
    },
    plans: {
      failed: store.history.plans.ofTask(task.id),
      green: green ? store.history.plans.ofTask(green.id) : [],
    },
    configVersions: store.configHistory.list(10_000),
    tests: { failed: outcomes(store, task.id), green: outcomes(store, green?.id) },
  });
}

/** Register the route on the instance's server. */
export function registerSinceGreenRoute(
  app: FastifyInstance,
  deps: { basePath: string; store: SqliteStore },
) {
  app.get(routeUrl(deps.basePath, instanceRoutes.sinceGreen), async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const answer = await sinceGreen(deps.store, id);
    if (!answer) return reply.code(404).send({ error: `no task '${id}'` });
    return answer;
  });
}
