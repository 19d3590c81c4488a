/**
 * The typed client of an instance's API: one method per route the CLI, the desktop app and the
 * tests use, each answer checked against the contract (runner/core/instance-api.ts), each failure
 * one line for people (instance-errors.ts). Plain Node `fetch`; nothing of the server is loaded,
 * so importing it costs no database, SSH or web-server code (test/unit/runner/client).
 */
import type * as z from 'zod';
import {
  adminTokenHeader,
  agentsAnswerSchema,
  asRootUrl,
  configurationsAnswerSchema,
  instanceVersionSchema,
  eventSocketUrl,
  firstErrorSchema,
  gcReportSchema,
  gerritAnswerSchema,
  healthHistorySchema,
  healthRunSchema,
  hostsReportSchema,
  instancePaths,
  integrationAnswerSchema,
  invalidateAnswerSchema,
  logLinesSchema,
  logSearchSchema,
  poolHistorySchema,
  storageHistorySchema,
  storageReportSchema,
  taskDetailSchema,
  taskPageSchema,
  testResultsSchema,
  type EventSocketQuery,
  actorHeader,
  auditPageSchema,
  controlAnswerSchema,
  originHeader,
  type AuditOrigin,
  type AuditQuery,
  type TaskControlAction,
  type GcRequest,
  type HistoryRange,
  type IntegrationRequest,
  type TaskListQuery,
  type HealthHistoryQuery,
} from '../core/instance-api';
import {
  sinceGreenSchema,
  testHistorySchema,
  testListSchema,
  type TaskSearchQuery,
} from '../core/instance-api-history';
import type { TestResultFormat } from '../core/test-results-export';
import { EventFollower, type FollowListener } from './event-follower';
import { firstIssue, NoInstanceError, refusal, unexpectedAnswer } from './instance-errors';

/** Where the instance is and how to talk to it. */
export interface InstanceClientOptions {
  /** The instance's root URL: `http://127.0.0.1:8080/coin/` (its dashboard's address). */
  root: string;
  /** Needed for writes (integrations, admin actions). */
  adminToken?: string;
  /** Where the admin token comes from, named when the instance refuses a write. */
  tokenSource?: string;
  /** The instance in words, for "does not answer" (default: the root URL). */
  name?: string;
  /** Longest wait for one answer (default 30 s). */
  timeoutMs?: number;
  /** Who acts and from where, sent with every write for the audit trail (instance-api-control.ts). */
  actor?: string;
  origin?: AuditOrigin;
}

/** A byte range of a raw log: `{start}` to the end, `{start, end}` inclusive, or the last `suffix` bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

function rangeHeader(range: ByteRange): string {
  return 'suffix' in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ''}`;
}

/** One instance's API. */
export class InstanceClient {
  /** The root URL, ending in '/'. */
  readonly root: string;
  private readonly name: string;

  constructor(private readonly options: InstanceClientOptions) {
    this.root = asRootUrl(options.root);
    this.name = options.name ?? `the Coin instance at ${this.root}`;
  }

  /** The address of `relative` (an instancePaths path) on this instance. */
  url(relative: string): string {
    return new URL(relative, this.root).toString();
  }

  /** The event socket's address (instance-api-events.ts). */
  eventsUrl(query: EventSocketQuery = {}): string {
    return eventSocketUrl(this.root, query);
  }

  /** A follower of the instance's events (not started: call its start()). */
  follow(listener: FollowListener, options: Pick<EventSocketQuery, 'since' | 'logs' | 'kinds'> = {}) {
    return new EventFollower((query) => this.eventsUrl(query), listener, options);
  }

  /** Whether the instance answers its read API (any version: the answer is not checked). */
  async answers(): Promise<boolean> {
    try {
      const response = await this.send(instancePaths.tasks({ max: 1 }), {});
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  tasks(query: TaskListQuery = {}) {
    return this.getJson(instancePaths.tasks(query), taskPageSchema);
  }

  taskDetail(id: string) {
    return this.getJson(instancePaths.taskDetail(id), taskDetailSchema);
  }

  /** Every test result of a task, as JSON lines or JUnit XML (runner/core/test-results-export.ts). */
  async testResults(taskId: string, format: TestResultFormat): Promise<string> {
    return this.text(await this.send(instancePaths.taskTestResults(taskId, format), {}));
  }

  /** The raw log of a work item, or the part of it in `range` (empty past the end). */
  async workItemLog(id: string, range?: ByteRange): Promise<string> {
    const headers = range ? { range: rangeHeader(range) } : undefined;
    const response = await this.send(instancePaths.workItemLog(id), { headers });
    if (response.status === 416) return '';
    return this.text(response);
  }

  logLines(id: string, query: { from?: number; count?: number; tail?: number }) {
    return this.getJson(instancePaths.workItemLogLines(id, query), logLinesSchema);
  }

  logSearch(id: string, text: string, max?: number) {
    return this.getJson(instancePaths.workItemLogSearch(id, text, max), logSearchSchema);
  }

  async firstError(id: string): Promise<number | null> {
    return (await this.getJson(instancePaths.workItemFirstError(id), firstErrorSchema)).line;
  }

  async tests(id: string) {
    return (await this.getJson(instancePaths.workItemTests(id), testResultsSchema)).tests;
  }

  async agents() {
    return (await this.getJson(instancePaths.agents(), agentsAnswerSchema)).agents;
  }

  agentHistory(range: HistoryRange = {}) {
    return this.getJson(instancePaths.agentHistory(range), poolHistorySchema);
  }

  storage() {
    return this.getJson(instancePaths.storage(), storageReportSchema);
  }

  storageHistory(range: HistoryRange = {}) {
    return this.getJson(instancePaths.storageHistory(range), storageHistorySchema);
  }

  hosts() {
    return this.getJson(instancePaths.hosts(), hostsReportSchema);
  }

  version() {
    return this.getJson(instancePaths.version(), instanceVersionSchema);
  }

  configurations() {
    return this.getJson(instancePaths.configurations(), configurationsAnswerSchema);
  }

  gerrit() {
    return this.getJson(instancePaths.gerrit(), gerritAnswerSchema);
  }

  /** Tasks matching every filter given (runner/core/instance-api-history.ts), newest first. */
  searchTasks(query: Partial<TaskSearchQuery>) {
    return this.getJson(instancePaths.taskSearch(query), taskPageSchema);
  }

  /** A test's runs across integrations, with its flaky rate, last pass and where it broke. */
  testHistory(name: string, max?: number) {
    return this.getJson(instancePaths.testHistory(name, max), testHistorySchema);
  }

  /** Tests whose name contains `search`, or (flaky) the flakiest tests. */
  async testList(query: { search?: string; flaky?: boolean; max?: number; project?: string }) {
    const path = query.flaky
      ? instancePaths.flakyTests(query.max, query.project)
      : instancePaths.tests(query.search, query.max);
    return (await this.getJson(path, testListSchema)).tests;
  }

  /** A failed integration compared with the last one of its project and branch that passed. */
  sinceGreen(taskId: string) {
    return this.getJson(instancePaths.sinceGreen(taskId), sinceGreenSchema);
  }

  /** The stored runs of the instance's health checks (the last 30 days unless `days`). */
  healthHistory(query: HealthHistoryQuery = {}) {
    return this.getJson(instancePaths.healthHistory(query), healthHistorySchema);
  }

  /** Run the instance's health checks now; resolves to the stored run. */
  runHealth() {
    return this.postJson(instancePaths.healthRun(), {}, healthRunSchema);
  }

  /** Queue an integration; resolves to the new task's id (and the task). */
  submitIntegration(request: IntegrationRequest) {
    return this.postJson(instancePaths.integrations(), request, integrationAnswerSchema);
  }

  /** Collect garbage on the instance (its threshold unless `minFreeBytes`). */
  gc(request: GcRequest = {}) {
    return this.postJson(instancePaths.adminAction('gc'), request, gcReportSchema);
  }

  /** Make every stored artifact miss from now on; resolves to the new epoch. */
  async invalidateArtifacts(): Promise<number> {
    const path = instancePaths.adminAction('invalidate-artifacts');
    return (await this.postJson(path, {}, invalidateAnswerSchema)).epoch;
  }

  /** A control action on a task (cancel, dequeue, priority, rerun, retry); a cancel answers once the task ended. */
  controlTask(id: string, action: TaskControlAction, body: { reason?: string; priority?: number } = {}) {
    return this.postJson(instancePaths.taskControl(id, action), body, controlAnswerSchema);
  }

  /** The audit trail, newest first. */
  audit(query: AuditQuery = {}) {
    return this.getJson(instancePaths.audit(query), auditPageSchema);
  }

  private async getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const response = await this.send(path, { headers: { accept: 'application/json' } });
    return this.parse(path, await this.text(response), schema);
  }

  private async postJson<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.adminToken) headers[adminTokenHeader] = this.options.adminToken;
    if (this.options.actor) headers[actorHeader] = this.options.actor;
    if (this.options.origin) headers[originHeader] = this.options.origin;
    const response = await this.send(path, { method: 'POST', headers, body: JSON.stringify(body) });
    return this.parse(path, await this.text(response), schema);
  }

  private parse<S extends z.ZodType>(path: string, text: string, schema: S): z.output<S> {
    const what = path.split('?')[0]!;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw unexpectedAnswer(what, 'not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw unexpectedAnswer(what, firstIssue(parsed.error));
    return parsed.data;
  }

  /** The body of an answer with a 2xx status; anything else is a refusal in words. */
  private async text(response: Response): Promise<string> {
    const text = await response.text();
    if (!response.ok) throw refusal(response.status, text, this.options.tokenSource);
    return text;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      return await fetch(this.url(path), { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new NoInstanceError(
        `${this.name} does not answer${timedOut ? ` within ${timeoutMs / 1000} s` : ''}`,
      );
    }
  }
}
