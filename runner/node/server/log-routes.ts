/**
 * Work item logs by line for the dashboard's log view: `<base>/api/workitems/<id>/log/lines`
 * (a page of lines, when they arrived and the current line count), `.../log/search?q=` (matching
 * line numbers) and `.../log/first-error`. The raw log with byte ranges stays at `.../log`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogStore } from '../store/log-store';
import type { SqliteStore } from '../store/sqlite-store';
import { LogLineIndex, type LogLines } from '../store/log-line-index';

/** A page of a work item's log, as the lines route answers it; undefined for no such work item. */
export type LogPageReader = (
  workItemId: string,
  from: number,
  count: number,
) => Promise<LogLines | undefined>;

/** Most lines one request returns. */
export const maxLinesPerRequest = 5000;

/** A refused request: what was wrong, and the status to answer. */
export class LogRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new LogRequestError(400, `${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

/**
 * Register the line, search and first-error routes; returns their page reader (same index), with
 * which the dashboard's page carries the first lines of a log's link.
 */
export function registerLogRoutes(
  app: FastifyInstance,
  deps: { store: SqliteStore; logs: LogStore; basePath: string },
): LogPageReader {
  const index = new LogLineIndex();
  const fileOf = (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    if (!deps.store.getWorkItem(id)) throw new LogRequestError(404, `no work item '${id}'`);
    return deps.logs.pathOf(id);
  };
  /** Lines [from, from + count) of a known work item's log, with when they arrived. */
  const pageOf = (id: string, from: number, count: number) =>
    index.lines(deps.logs.pathOf(id), from, count, deps.logs.timesOf(id));
  const route = `${deps.basePath}/api/workitems/:id/log`;
  app.get(`${route}/lines`, async (request) => {
    const file = fileOf(request); // an unknown work item is a 404 before its query is looked at
    const query = request.query as { from?: string; count?: string; tail?: string };
    const count = intParam(query.count, 'count', 500, 1, maxLinesPerRequest);
    if (query.tail !== undefined) {
      const tail = intParam(query.tail, 'tail', count, 1, maxLinesPerRequest);
      const total = await index.count(file);
      return pageOf((request.params as { id: string }).id, Math.max(0, total - tail), tail);
    }
    const from = intParam(query.from, 'from', 0, 0, Number.MAX_SAFE_INTEGER);
    return pageOf((request.params as { id: string }).id, from, count);
  });
  app.get(`${route}/search`, async (request) => {
    const file = fileOf(request);
    const query = request.query as { q?: string; max?: string };
    const text = query.q ?? '';
    if (text.length < 1 || text.length > 200)
      throw new LogRequestError(400, 'q must be 1 to 200 characters of text to look for');
    return index.search(file, text, intParam(query.max, 'max', 1000, 1, 10_000));
  });
  app.get(`${route}/first-error`, async (request) => ({ line: await index.firstError(fileOf(request)) }));
  return async (id, from, count) => (deps.store.getWorkItem(id) ? pageOf(id, from, count) : undefined);
}
