/**
 * The history routes people search and judge with: task search, test history and the flakiest
 * tests, durations over time and whether a task's work items ran unusually long. Each query is
 * checked against the contract's schema (runner/core/instance-api-history.ts); a bad one is a 400
 * with one line saying what is wrong.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type * as z from 'zod';
import { durationVerdict } from '../../core/duration-insight';
import { instanceRoutes, routeUrl, taskSearchQuerySchema } from '../../core/instance-api';
import { summarizeByConfiguration, summarizeTestRuns } from '../../core/test-history';
import type { SqliteStore } from '../store/sqlite-store';

interface InsightDeps {
  basePath: string;
  store: SqliteStore;
}

type Query = Record<string, string | undefined>;

/** A whole number from the query within [min, max], else the fallback. */
function count(value: string | undefined, fallback: number, max: number): number {
  const n = Math.round(Number(value));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : fallback;
}

function parsed<S extends z.ZodType>(
  schema: S,
  value: unknown,
  reply: FastifyReply,
): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  void reply.code(400).send({
    error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  });
  return undefined;
}

/** Each work item of a task against the same step's earlier runs (duration-insight.ts). */
export function taskDurations(store: SqliteStore, taskId: string) {
  const task = store.getTask(taskId);
  if (!task) return undefined;
  const items = store.workItemsOf(taskId).map((item) => {
    const ran = !item.reused && item.started !== null;
    const end = item.finished ?? new Date().toISOString();
    const durationMs = ran ? Math.max(0, Date.parse(end) - Date.parse(item.started!)) : null;
    const earlier = store.history.durations({
      project: task.project,
      branch: task.branch,
      configurationId: item.configurationId,
      kind: item.kind,
      before: item.started ?? task.created,
      max: 20,
    });
    const verdict = durationVerdict(
      durationMs,
      earlier.filter((p) => p.state === 'Done').map((p) => p.durationMs),
    );
    return {
      workItemId: item.id,
      kind: item.kind,
      configurationId: item.configurationId,
      durationMs,
      ...verdict,
    };
  });
  return { items };
}

function registerTestRoutes(app: FastifyInstance, { basePath, store }: InsightDeps): void {
  app.get(routeUrl(basePath, instanceRoutes.tests), async (request) => {
    const q = request.query as Query;
    return { tests: store.history.tests.list(q.search ?? '', count(q.max, 100, 1000)) };
  });
  app.get(routeUrl(basePath, instanceRoutes.flakyTests), async (request) => {
    const q = request.query as Query;
    return { tests: store.history.tests.flakiest(count(q.max, 50, 1000), q.project || undefined) };
  });
  app.get(routeUrl(basePath, instanceRoutes.testHistory), async (request, reply) => {
    const q = request.query as Query;
    if (!q.name) return reply.code(400).send({ error: 'name: give the name of a test' });
    const runs = store.history.tests.runsOf(q.name, count(q.max, 500, 5000));
    if (runs.length === 0) return reply.code(404).send({ error: `no results of a test named '${q.name}'` });
    return {
      name: q.name,
      summary: summarizeTestRuns(runs),
      configurations: summarizeByConfiguration(runs),
      runs,
    };
  });
}

/** Register the search, test and duration routes. */
export function registerInsightRoutes(app: FastifyInstance, deps: InsightDeps): void {
  const { basePath, store } = deps;
  app.get(routeUrl(basePath, instanceRoutes.taskSearch), async (request, reply) => {
    const query = parsed(taskSearchQuerySchema, request.query, reply);
    if (!query) return reply;
    for (const key of ['after', 'before'] as const) {
      if (query[key] !== undefined && Number.isNaN(Date.parse(query[key])))
        return reply.code(400).send({ error: `${key}: not a date: ${query[key]}` });
    }
    return store.history.search.search(query);
  });
  registerTestRoutes(app, deps);
  app.get(routeUrl(basePath, instanceRoutes.durations), async (request) => {
    const q = request.query as Query;
    const points = store.history.durations({
      project: q.project || undefined,
      branch: q.branch || undefined,
      configurationId: q.configuration || undefined,
      kind: q.kind || undefined,
      max: count(q.max, 200, 5000),
    });
    return { points };
  });
  app.get(routeUrl(basePath, instanceRoutes.taskDurations), async (request, reply) => {
    const id = (request.params as { id: string }).id;
    return taskDurations(store, id) ?? reply.code(404).send({ error: `no task '${id}'` });
  });
}
