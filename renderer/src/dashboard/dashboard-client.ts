/**
 * The dashboard's way to a runner: its API over HTTP, relative to the dashboard's own URL (the
 * contract's paths, runner/core/instance-api.ts, resolved against `<base>/`), so it works on the
 * runner's port and behind a reverse proxy under any path. Every answer is checked against the
 * contract's schema before a page sees it.
 */
import type * as z from 'zod';
import {
  agentsAnswerSchema,
  eventSocketUrl,
  firstErrorSchema,
  gerritAnswerSchema,
  hostsReportSchema,
  instancePaths,
  instanceVersionSchema,
  type InstanceVersion,
  logLinesSchema,
  logSearchSchema,
  poolHistorySchema,
  storageHistorySchema,
  storageReportSchema,
  auditPageSchema,
  type AuditPage,
  taskDetailSchema,
  taskPageSchema,
  testResultsSchema,
  durationsSchema,
  sinceGreenSchema,
  taskDurationsSchema,
  testHistorySchema,
  testListSchema,
  type DurationQuery,
  type TaskListFilters,
  type TaskSearchQuery,
} from '../../../runner/core/instance-api';
import type {
  Agent,
  GerritApiAnswer,
  HostsReport,
  LogLines,
  LogSearchResult,
  PoolHistory,
  StorageHistory,
  StorageReport,
  TaskDetail,
  TaskPage,
  TestResult,
  DurationPoint,
  SinceGreen,
  TaskDurations,
  TestHistory,
  TestListEntry,
} from './api-types';

/** A request the runner refused or could not answer, with a message meant for people. */
export class DashboardRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DashboardRequestError';
  }
}

/** The dashboard's root URL: the page's address without file name, query or hash. */
export function dashboardBase(href: string): string {
  const url = new URL(href);
  url.hash = '';
  url.search = '';
  url.pathname = url.pathname.replace(/[^/]*$/, '');
  return url.toString();
}

/** An answer of the read API: HTTP status and parsed JSON body (null when it was not JSON). */
export interface TransportAnswer {
  status: number;
  body: unknown;
}

/**
 * How the client reaches the read API: `fetch` from the page (the dashboard a runner serves), or
 * the desktop app's main process (the in-window dashboard). `path` is relative to the dashboard
 * root (`api/tasks?max=50`); a transport throws DashboardRequestError(0, ...) when nobody answers.
 */
export type DashboardTransport = (path: string, signal?: AbortSignal) => Promise<TransportAnswer>;

/** The transport of a page served by the runner: same-origin fetch. */
export function fetchTransport(base: string): DashboardTransport {
  return async (path, signal) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), { signal, headers: { accept: 'application/json' } });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new DashboardRequestError(0, 'The Coin instance does not answer: is it running?');
    }
    return { status: response.status, body: await response.json().catch(() => null) };
  };
}

/** The read API of one runner. `base` is the dashboard's root URL, used for links (log download, docs). */
export class DashboardClient {
  constructor(
    readonly base: string,
    private readonly transport: DashboardTransport = fetchTransport(base),
  ) {}

  private async get<S extends z.ZodType>(
    path: string,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const { status, body } = await this.transport(path, signal);
    if (status < 200 || status >= 300 || body === null) {
      const why = (body as { error?: string } | null)?.error ?? `HTTP ${status}`;
      throw new DashboardRequestError(status, `The Coin instance refused the request: ${why}`);
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new DashboardRequestError(
      status,
      `The Coin instance answered ${path.split('?')[0]} unexpectedly (${issue?.path.join('.') ?? ''}: ` +
        `${issue?.message ?? 'invalid'}): is it a different version of Coin?`,
    );
  }

  /** A page of tasks, newest first. */
  tasks(filters: TaskListFilters, start: number, max: number, signal?: AbortSignal): Promise<TaskPage> {
    return this.get(instancePaths.tasks({ ...filters, start, max }), taskPageSchema, signal);
  }

  /** A page of the tasks a search finds (GET api/search/tasks), newest first. */
  searchTasks(query: TaskSearchQuery, signal?: AbortSignal): Promise<TaskPage> {
    return this.get(instancePaths.taskSearch(query), taskPageSchema, signal);
  }

  /** The flakiest tests, or the tests whose name contains `search` when given. */
  async testList(search: string, signal?: AbortSignal): Promise<readonly TestListEntry[]> {
    const path = search ? instancePaths.tests(search, 200) : instancePaths.flakyTests(100);
    return (await this.get(path, testListSchema, signal)).tests;
  }

  testHistory(name: string, signal?: AbortSignal): Promise<TestHistory> {
    return this.get(instancePaths.testHistory(name), testHistorySchema, signal);
  }

  /** Each work item of a task against the same step's earlier runs. */
  taskDurations(taskId: string, signal?: AbortSignal): Promise<TaskDurations> {
    return this.get(instancePaths.taskDurations(taskId), taskDurationsSchema, signal);
  }

  async durations(query: DurationQuery, signal?: AbortSignal): Promise<readonly DurationPoint[]> {
    return (await this.get(instancePaths.durations(query), durationsSchema, signal)).points;
  }

  /** What changed between a task and the last passed one of its project and branch. */
  sinceGreen(taskId: string, signal?: AbortSignal): Promise<SinceGreen> {
    return this.get(instancePaths.sinceGreen(taskId), sinceGreenSchema, signal);
  }

  taskDetail(id: string, signal?: AbortSignal): Promise<TaskDetail> {
    return this.get(instancePaths.taskDetail(id), taskDetailSchema, signal);
  }

  async tests(workItemId: string, signal?: AbortSignal): Promise<TestResult[]> {
    return (await this.get(instancePaths.workItemTests(workItemId), testResultsSchema, signal)).tests;
  }

  logLines(workItemId: string, from: number, count: number, signal?: AbortSignal): Promise<LogLines> {
    return this.get(instancePaths.workItemLogLines(workItemId, { from, count }), logLinesSchema, signal);
  }

  logTail(workItemId: string, count: number, signal?: AbortSignal): Promise<LogLines> {
    const path = instancePaths.workItemLogLines(workItemId, { tail: count, count });
    return this.get(path, logLinesSchema, signal);
  }

  logSearch(workItemId: string, text: string, signal?: AbortSignal): Promise<LogSearchResult> {
    return this.get(instancePaths.workItemLogSearch(workItemId, text), logSearchSchema, signal);
  }

  async logFirstError(workItemId: string): Promise<number | null> {
    return (await this.get(instancePaths.workItemFirstError(workItemId), firstErrorSchema)).line;
  }

  /** Address of the raw log (for download). */
  rawLogUrl(workItemId: string): string {
    return new URL(instancePaths.workItemLog(workItemId), this.base).toString();
  }

  async agents(signal?: AbortSignal): Promise<Agent[]> {
    return (await this.get(instancePaths.agents(), agentsAnswerSchema, signal)).agents;
  }

  /** What the instance runs: its version and revision, COIN revision and Node. */
  version(signal?: AbortSignal): Promise<InstanceVersion> {
    return this.get(instancePaths.version(), instanceVersionSchema, signal);
  }

  hosts(signal?: AbortSignal): Promise<HostsReport> {
    return this.get(instancePaths.hosts(), hostsReportSchema, signal);
  }

  agentHistory(hours: number, points: number, signal?: AbortSignal): Promise<PoolHistory> {
    return this.get(instancePaths.agentHistory({ hours, points }), poolHistorySchema, signal);
  }

  /** The audit trail, newest first. */
  audit(signal?: AbortSignal): Promise<AuditPage> {
    return this.get(instancePaths.audit({ max: 200 }), auditPageSchema, signal);
  }

  storage(signal?: AbortSignal): Promise<StorageReport> {
    return this.get(instancePaths.storage(), storageReportSchema, signal);
  }

  storageHistory(hours: number, points: number, signal?: AbortSignal): Promise<StorageHistory> {
    return this.get(instancePaths.storageHistory({ hours, points }), storageHistorySchema, signal);
  }

  /** Gerrit's side of the instance: its connection, the changes and whether Coin and Gerrit converge. */
  gerrit(signal?: AbortSignal): Promise<GerritApiAnswer> {
    return this.get(instancePaths.gerrit(), gerritAnswerSchema, signal);
  }

  /** The event WebSocket's address, replaying what came after `since`. */
  eventsUrl(since: number | undefined, logs: 'none' | 'all' = 'none'): string {
    return eventSocketUrl(this.base, { since, hello: true, logs });
  }

  /** The rendered documentation. */
  docsUrl(): string {
    return new URL(instancePaths.docs(), this.base).toString();
  }
}
