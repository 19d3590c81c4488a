/**
 * `GET <base>/api/tasks/<id>/test-results?format=jsonl|junit`: every test result an integration's
 * work items reported, as JSON lines (the default) or one JUnit XML document
 * (runner/core/test-results-export.ts), sent as a download named after the task.
 */
import type { FastifyInstance } from 'fastify';
import { instanceRoutes, routeUrl } from '../../core/instance-api';
import {
  formatTestResults,
  testResultFormats,
  type TestResultFormat,
  type TestResultsExport,
} from '../../core/test-results-export';
import type { TestResult } from '../../core/test-report';
import type { LogStore } from '../store/log-store';
import type { SqliteStore } from '../store/sqlite-store';

/** What the route reads. */
export interface TestResultsRouteDeps {
  basePath: string;
  store: SqliteStore;
  logs: LogStore;
}

/** The format asked for: `?format=`, else JUnit when the client accepts only XML, else JSON lines. */
function formatOf(query: { format?: string }, accept: string | undefined): TestResultFormat | undefined {
  if (query.format !== undefined)
    return Object.hasOwn(testResultFormats, query.format) ? (query.format as TestResultFormat) : undefined;
  return accept !== undefined && /xml/.test(accept) && !/json/.test(accept) ? 'junit' : 'jsonl';
}

async function exportOf(deps: TestResultsRouteDeps, taskId: string): Promise<TestResultsExport | undefined> {
  const task = deps.store.getTask(taskId);
  if (!task) return undefined;
  const items = [];
  for (const item of deps.store.workItemsOf(taskId)) {
    const results = (await deps.logs.readTestResults(item.id)) as TestResult[];
    items.push({ id: item.id, kind: item.kind, configuration: item.configurationId, results });
  }
  return { task: { id: task.id, project: task.project, branch: task.branch, sha: task.sha }, items };
}

/** Register the route on the instance's server (before it listens). */
export function registerTestResultsRoute(app: FastifyInstance, deps: TestResultsRouteDeps): void {
  app.get(routeUrl(deps.basePath, instanceRoutes.taskTestResults), async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const format = formatOf(request.query as { format?: string }, request.headers.accept);
    if (!format) {
      const known = Object.keys(testResultFormats).join(' or ');
      return reply.code(400).send({ error: `format must be ${known}` });
    }
    const data = await exportOf(deps, id);
    if (!data) return reply.code(404).send({ error: `no task '${id}'` });
    const { contentType, extension } = testResultFormats[format];
    return reply
      .type(contentType)
      .header('content-disposition', `attachment; filename="${id}-test-results.${extension}"`)
      .send(formatTestResults(data, format));
  });
}
