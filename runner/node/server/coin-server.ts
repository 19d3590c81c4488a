/**
 * The instance's web server under a base path (default `/coin`): the read API for dashboards,
 * the admin API (token required), the event WebSocket, and the agent endpoints.
 */
import { adminTokenHeader } from '../../core/instance-api';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { timingSafeEqual } from 'node:crypto';
import { agentTokenHeader, maxAgentMessageBytes } from '../../core/agent-protocol';
import { taskFiltersSchema } from '../store/store-records';
import { isSafeMount } from '../../core/artifact-mount';
import { artifactKeyFor } from '../../core/work-unit';
import { InstanceRequestError } from '../../core/instance-errors';
import type { AgentSocket } from '../instance/agent-hub';
import type { InstanceFacade } from '../instance/instance-facade';
import { registerAgentBundleRoute } from './agent-bundle-route';
import { registerConfigurationsRoute } from './configurations-route';
import { auditAdminAction, registerControlRoutes } from './control-routes';
import { registerGerritRoute } from './gerrit-route';
import { registerHealthRoutes } from './health-routes';
import { registerVersionRoute } from './version-route';
import { registerHostsRoute } from './hosts-route';
import { registerProjectSourceRoute } from './project-source-route';
import { registerTestResultsRoute } from './test-results-route';
import { registerDashboardRoutes } from './dashboard-routes';
import { registerEventSocket, type EventSocketLimits } from './event-socket';
import { registerHistoryRoutes } from './history-routes';
import { registerLogRoutes } from './log-routes';
import { taskDetail } from './task-detail';
import { addSecurityHeaders, instanceHostPolicy, refuseForeignHosts } from './web-security';

/** A refused or failed request, with the status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How the server serves an instance: where, under which path, with which assets and limits. */
export interface CoinServerOptions {
  basePath: string;
  /** The built renderer and docs (default: build/out of this checkout). */
  rendererDir?: string;
  docsDir?: string;
  /** Limits of the event WebSocket (default: defaultEventSocketLimits). */
  eventSocketLimits?: EventSocketLimits;
  /** The address the server listens on (default 127.0.0.1): a name it answers to. */
  listenHost?: string;
  /** Other names it answers to besides loopback: the agents' address, names of reverse proxies. */
  allowedHosts?: readonly string[];
}

/** What the route modules read: the instance and how it is served. */
export type CoinServerDeps = InstanceFacade & CoinServerOptions;

/** One route of the server. */
export interface RouteEntry {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route the server registered (for tests that check each one). */
export function routesOf(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

/** Mutating requests outside the agent endpoints need the admin token, whatever route they reach. */
function requireAdminTokenOnWrites(app: FastifyInstance, deps: CoinServerDeps): void {
  app.addHook('onRequest', async (request) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    if (request.url.startsWith(`${deps.basePath}/agent/`)) return;
    requireToken(request, adminTokenHeader, deps.adminToken);
  });
  // the store commits its writes once per tick: a reply to a mutating call follows their commit
  app.addHook('onSend', async (request) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) deps.store.commit();
  });
}

function tokenOk(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requireToken(request: FastifyRequest, header: string, expected: string): void {
  if (!tokenOk(expected, request.headers[header]))
    throw new HttpError(403, `this needs the instance's ${header} header`);
}

function registerReadApi(app: FastifyInstance, deps: CoinServerDeps): void {
  const base = deps.basePath;
  app.get(`${base}/api/tasks`, async (request) => {
    const { project, branch, ...query } = request.query as Record<string, string>;
    // project and branch match any part of the name, ignoring case (the task list's filters)
    const numeric = {
      ...query,
      projectPart: project,
      branchPart: branch,
      start: query.start ? Number(query.start) : undefined,
      max: query.max ? Number(query.max) : undefined,
    };
    const filters = taskFiltersSchema.safeParse(numeric);
    if (!filters.success)
      throw new HttpError(
        400,
        filters.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    return deps.store.listTasks(filters.data);
  });
  app.get(`${base}/api/taskDetail`, async (request) => {
    const id = (request.query as { id?: string }).id ?? '';
    const detail = await taskDetail(deps, id);
    if (!detail) throw new HttpError(404, `no task '${id}'`);
    return detail;
  });
  app.get(`${base}/api/agents`, async () => ({ agents: deps.store.listAgents() }));
  app.get(`${base}/api/storage`, async () => deps.storage());
  app.get(`${base}/api/workitems/:id/log`, async (request, reply) => serveLog(deps, request, reply));
  app.get(`${base}/api/workitems/:id/tests`, async (request) => {
    const id = (request.params as { id: string }).id;
    if (!deps.store.getWorkItem(id)) throw new HttpError(404, `no work item '${id}'`);
    return { tests: await deps.logs.readTestResults(id) };
  });
}

async function serveLog(
  deps: CoinServerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const id = (request.params as { id: string }).id;
  if (!deps.store.getWorkItem(id)) throw new HttpError(404, `no work item '${id}'`);
  const size = await deps.logs.size(id);
  const match = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
  reply.header('accept-ranges', 'bytes').type('text/plain; charset=utf-8');
  if (!match || size === 0) return reply.send(size === 0 ? '' : deps.logs.read(id));
  const start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
  const end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size || start > end) return reply.code(416).header('content-range', `bytes */${size}`).send();
  return reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${size}`)
    .send(deps.logs.read(id, { start, end }));
}

function registerAgentApi(app: FastifyInstance, deps: CoinServerDeps): void {
  const base = deps.basePath;
  const agentOnly = async (request: FastifyRequest) =>
    requireToken(request, agentTokenHeader, deps.agentToken);
  app.get(`${base}/agent`, { websocket: true, preValidation: agentOnly }, (socket) =>
    deps.hub.accept(socket as unknown as AgentSocket),
  );
  app.get(`${base}/agent/source/:id`, { preValidation: agentOnly }, async (request, reply) => {
    const unit = deps.units.get((request.params as { id: string }).id);
    if (!unit) throw new HttpError(404, 'no such running work item');
    const file = await deps.sources.archive(unit.repoPath, unit.sha);
    return reply.type('application/gzip').sendFile(path.basename(file), path.dirname(file));
  });
  app.get(`${base}/agent/artifacts/:key`, { preValidation: agentOnly }, async (request, reply) => {
    const file = await deps.artifacts.get((request.params as { key: string }).key);
    if (!file) throw new HttpError(404, 'no such artifact');
    deps.artifacts.touch((request.params as { key: string }).key);
    return reply.type('application/gzip').sendFile(path.basename(file), path.dirname(file));
  });
  app.put(`${base}/agent/artifacts`, { preValidation: agentOnly }, async (request) =>
    receiveArtifact(deps, request),
  );
}

async function receiveArtifact(deps: CoinServerDeps, request: FastifyRequest): Promise<{ key: string }> {
  const {
    workItem,
    transferType,
    name,
    mount = '.',
  } = request.query as {
    workItem?: string;
    transferType?: string;
    name?: string;
    mount?: string;
  };
  if (!isSafeMount(mount)) throw new HttpError(400, `mount '${mount}' is not a path inside a work area`);
  const unit = workItem ? deps.units.get(workItem) : undefined;
  if (!unit || !transferType)
    throw new HttpError(400, 'workItem of a running work item and transferType are required');
  const owner = unit.buildKey ?? `${unit.id}`;
  const kind = name ? `${transferType}:${name}` : transferType;
  const key = artifactKeyFor(unit.kind === 'test' ? `${owner}.test` : owner, kind);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coin-upload-'));
  try {
    const file = path.join(dir, 'artifact.tar.gz');
    await pipeline(request.raw, createWriteStream(file));
    await deps.artifacts.put(key, file, unit.project, mount);
    return { key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The instance's refusals and the server's own, as HTTP statuses. */
function statusOf(error: Error): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof InstanceRequestError) return requestStatus[error.problem];
  return (error as { statusCode?: number }).statusCode ?? 500;
}

const requestStatus: Record<InstanceRequestError['problem'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
};

/** The routes that read the instance's configurations, hosts, Gerrit and other projects' sources. */
function registerInstanceRoutes(app: FastifyInstance, deps: CoinServerDeps): void {
  registerConfigurationsRoute(app, deps.basePath, deps.configurations);
  registerHostsRoute(app, deps.basePath, deps.hypervisor);
  registerGerritRoute(app, { basePath: deps.basePath, store: deps.store, gerrit: deps.gerrit });
  registerProjectSourceRoute(app, deps);
  registerTestResultsRoute(app, deps);
  registerAgentBundleRoute(app, deps);
  registerHealthRoutes(app, deps);
  registerVersionRoute(app, deps.basePath);
}

/** Build the server of an instance (not yet listening). */
export async function createCoinServer(
  instance: InstanceFacade,
  options: CoinServerOptions,
): Promise<FastifyInstance> {
  const deps: CoinServerDeps = { ...instance, ...options };
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, routerOptions: { maxParamLength: 1024 } });
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  // First: the plugin's hooks then run for every handshake, also one a hook below answers (the
  // Host check, the token check of writes), and end its connection after that answer; left open,
  // such a connection kept the server's close() from ever finishing.
  await app.register(websocket, { options: { maxPayload: maxAgentMessageBytes } });
  refuseForeignHosts(
    app,
    instanceHostPolicy(deps.listenHost ?? '127.0.0.1', deps.allowedHosts ?? []),
    'behind a reverse proxy, give this name to coin run --allowed-host (docs/reverse-proxy.md)',
  );
  addSecurityHeaders(app);
  requireAdminTokenOnWrites(app, deps);
  app.addContentTypeParser('application/gzip', (_request, _payload, done) => done(null));
  await app.register(fastifyStatic, { root: os.tmpdir(), serve: false });
  app.setErrorHandler((error: Error, _request, reply) => {
    void reply.code(statusOf(error)).send({ error: error.message });
  });
  registerReadApi(app, deps);
  registerAgentApi(app, deps);
  registerEventSocket(app, deps.store, deps.basePath, deps.logBus, deps.eventSocketLimits);
  const logPage = registerLogRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  registerDashboardRoutes(app, {
    ...deps,
    eventSeq: () => deps.store.lastEventSeq(),
    eventStream: () => deps.store.eventStream,
    logPage,
  });
  registerInstanceRoutes(app, deps);
  registerControlRoutes(app, deps);
  app.post(`${deps.basePath}/api/integrations`, async (request, reply) => {
    requireToken(request, adminTokenHeader, deps.adminToken);
    const id = await deps.submitIntegration(request.body);
    return reply.code(201).send({ id, task: deps.store.getTask(id) });
  });
  app.post(`${deps.basePath}/api/admin/:action`, async (request) => {
    requireToken(request, adminTokenHeader, deps.adminToken);
    const action = deps.adminActions[(request.params as { action: string }).action];
    if (!action)
      throw new HttpError(404, `no admin action '${(request.params as { action: string }).action}'`);
    const result = await action(request.body ?? {});
    auditAdminAction(deps, request, (request.params as { action: string }).action, result);
    return result;
  });
  return app;
}
