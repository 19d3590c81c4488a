/**
 * The one contract for talking to an instance: every route of its web server (patterns the server
 * registers), the paths clients ask for (relative to the instance's root URL, so a page served
 * under any path behind a reverse proxy works too), the admin token header, and, re-exported
 * here, the request and answer schemas (instance-api-schemas.ts) and the event WebSocket's
 * messages (instance-api-events.ts). Servers, clients and tests take paths from here; a unit test
 * (test/unit/build/api-literals.test.ts) fails on an API path written anywhere else.
 */
import { agentPaths } from './agent-protocol';
import { agentBundlePaths } from './agent-bundle';
import { controlPaths, controlRoutes } from './instance-api-control';
import { historyPaths, historyRoutes } from './instance-api-history';
import { healthPaths, healthRoutes } from './instance-api-health';
import type { AdminAction, TaskListQuery } from './instance-api-schemas';
import { logLinkQuery } from './log-link';
import type { EventSocketQuery } from './instance-api-events';
import type { TestResultFormat } from './test-results-export';

export * from './instance-api-control';
export * from './instance-api-events';
export * from './instance-api-history';
export * from './instance-api-health';
export * from './instance-api-schemas';

/** The URL path an instance serves under unless `coin run --base-path` says otherwise. */
export const instanceBasePath = '/coin';

/** The header that carries the instance's admin token (required on every write but the agents'). */
export const adminTokenHeader = 'x-coin-admin-token';

/** The read API's first path segment: the dashboard bridge passes nothing else. */
export const apiPathPrefix = 'api/';

type Method = 'GET' | 'POST' | 'PUT';

/** One route: its method and its pattern (fastify syntax) relative to the base path. */
export interface InstanceRoute {
  readonly method: Method;
  readonly path: string;
  /** A WebSocket endpoint (GET with an upgrade). */
  readonly socket?: true;
}

const get = (path: string): InstanceRoute => ({ method: 'GET', path });

/** Every route of the instance's web server. */
export const instanceRoutes = {
  dashboard: get('/'),
  assets: get('/assets/*'),
  docs: get('/doc/'),
  doc: get('/doc/*'),
  agentPool: get('/agentpool'),
  tasks: get('/api/tasks'),
  taskDetail: get('/api/taskDetail'),
  taskTestResults: get('/api/tasks/:id/test-results'),
  agents: get('/api/agents'),
  agentHistory: get('/api/agents/history'),
  storage: get('/api/storage'),
  storageHistory: get('/api/storage/history'),
  workItemLog: get('/api/workitems/:id/log'),
  workItemLogLines: get('/api/workitems/:id/log/lines'),
  workItemLogSearch: get('/api/workitems/:id/log/search'),
  workItemFirstError: get('/api/workitems/:id/log/first-error'),
  workItemTests: get('/api/workitems/:id/tests'),
  hosts: get('/api/hosts'),
  configurations: get('/api/configurations'),
  version: get('/api/version'),
  gerrit: get('/api/gerrit'),
  integrations: { method: 'POST', path: '/api/integrations' },
  adminAction: { method: 'POST', path: '/api/admin/:action' },
  ...controlRoutes,
  ...historyRoutes,
  ...healthRoutes,
  events: { method: 'GET', path: '/websocket', socket: true },
  agentSocket: { method: 'GET', path: agentPaths.socket, socket: true },
  agentSource: get(`${agentPaths.socket}/source/:id`),
  agentArtifact: get(`${agentPaths.socket}/artifacts/:key`),
  agentArtifactUpload: { method: 'PUT', path: `${agentPaths.socket}/artifacts` },
  agentProjectSource: get(`${agentPaths.socket}/project-source`),
  agentBundle: get(agentBundlePaths.bundle),
  agentBundleChecksum: get(agentBundlePaths.checksum),
} as const satisfies Record<string, InstanceRoute>;

export type InstanceRouteName = keyof typeof instanceRoutes;

/** The URL path the server registers `route` at under `basePath` (`/coin` + `/api/tasks`). */
export function routeUrl(basePath: string, route: InstanceRoute): string {
  return `${basePath}${route.path}`;
}

type QueryValue = string | number | boolean | undefined | null;

/** `?a=1&b=x` from the defined, non-empty values (none: ''). */
export function queryString(params: Readonly<Record<string, QueryValue>>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] != null && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const enc = encodeURIComponent;
const item = (id: string) => `api/workitems/${enc(id)}`;

/** Hours of history and how many points the charts want. */
export interface HistoryRange {
  hours?: number;
  points?: number;
}

/**
 * The paths clients ask for, relative to the instance's root URL (`http://host:port/coin/`):
 * `new URL(instancePaths.tasks({ max: 1 }), root)`.
 */
export const instancePaths = {
  tasks: (query: TaskListQuery = {}) => `api/tasks${queryString({ ...query })}`,
  taskDetail: (id: string) => `api/taskDetail${queryString({ id })}`,
  /** Every test result of a task, as JSON lines or one JUnit XML document (test-results-export.ts). */
  taskTestResults: (id: string, format?: TestResultFormat) =>
    `api/tasks/${enc(id)}/test-results${queryString({ format })}`,
  agents: () => 'api/agents',
  agentHistory: (range: HistoryRange = {}) => `api/agents/history${queryString({ ...range })}`,
  storage: () => 'api/storage',
  storageHistory: (range: HistoryRange = {}) => `api/storage/history${queryString({ ...range })}`,
  /** The raw log (byte ranges with a Range header). */
  workItemLog: (id: string) => `${item(id)}/log`,
  /** Lines from `from`, or the last `tail` lines. */
  workItemLogLines: (id: string, query: { from?: number; count?: number; tail?: number }) =>
    `${item(id)}/log/lines${queryString(query)}`,
  workItemLogSearch: (id: string, text: string, max?: number) =>
    `${item(id)}/log/search${queryString({ q: text, max })}`,
  workItemFirstError: (id: string) => `${item(id)}/log/first-error`,
  workItemTests: (id: string) => `${item(id)}/tests`,
  hosts: () => 'api/hosts',
  configurations: () => 'api/configurations',
  /** The instance's version, revision, COIN revision and Node. */
  version: () => 'api/version',
  gerrit: () => 'api/gerrit',
  integrations: () => 'api/integrations',
  adminAction: (action: AdminAction) => `api/admin/${enc(action)}`,
  ...controlPaths,
  ...historyPaths,
  ...healthPaths,
  /** The event WebSocket (instance-api-events.ts); make it ws:// with eventSocketUrl. */
  events: (query: EventSocketQuery = {}) => `websocket${eventQuery(query)}`,
  /** The dashboard's page of a task. */
  taskPage: (id: string) => `#/tasks/${enc(id)}`,
  /** A log's link: the dashboard's log page, with its first lines (or those around `line`) in it. */
  logPage: (id: string, line?: number) => logLinkQuery({ workItemId: id, line }),
  docs: () => 'doc/',
} as const;

function eventQuery(query: EventSocketQuery): string {
  const logs = typeof query.logs === 'object' ? query.logs.join(',') || 'none' : query.logs;
  const kinds = query.kinds?.length ? query.kinds.join(',') : undefined;
  return queryString({ since: query.since, hello: query.hello ? 1 : undefined, logs, kinds });
}

/** An instance's root URL: `http://127.0.0.1:8080` -> `http://127.0.0.1:8080/coin/`. */
export function instanceRootUrl(origin: string, basePath = instanceBasePath): string {
  return `${origin.replace(/\/+$/, '')}${basePath.replace(/\/+$/, '')}/`;
}

/** A root URL as given (a dashboard URL, with or without its final slash) made a root: ends in '/'. */
export function asRootUrl(url: string): string {
  const bare = url.split('#')[0]!.split('?')[0]!;
  return bare.endsWith('/') ? bare : `${bare}/`;
}

/** The event socket's ws:// (wss://) address at the instance's root URL. */
export function eventSocketUrl(root: string, query: EventSocketQuery = {}): string {
  return asRootUrl(root).replace(/^http/, 'ws') + instancePaths.events(query);
}
