/**
 * The browser host: serves the renderer and DeskApi on 127.0.0.1 with a per-start token, so the
 * same UI runs in a normal browser tab (and in the e2e tests, in real Chromium).
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hostPolicy } from '../../runner/core/host-header-check';
import { refuseForeignHosts } from '../../runner/node/server/web-security';
import { DeskError, parseDeskInput, type DeskApi } from '../common/desk-api';
import { deskMethods, type DeskMethod } from '../common/desk-channels';
import { browserHostCsp, deskTokenHeader } from './browser-host-policy';

export interface BrowserHostOptions {
  services: DeskApi;
  /** Directory with the built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, hex. */
  token?: string;
}

export interface BrowserHost {
  /** URL to open: the token travels in the fragment, which never reaches a server log. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const statusOf: Record<DeskError['code'], number> = {
  'bad-input': 400,
  forbidden: 403,
  'not-found': 404,
  failed: 500,
};

function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuse calls from a foreign page (CSRF). Another host name (DNS rebinding) never gets this far:
 * refuseForeignHosts answers it first, for every path, as the instance's own server does.
 */
function checkCaller(request: FastifyRequest, port: number): void {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  const origin = request.headers.origin;
  if (origin !== undefined && !origins.includes(origin)) {
    throw new DeskError('forbidden', `origin '${origin}' may not call DeskApi`);
  }
}

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const deskError = error instanceof DeskError ? error : new DeskError('failed', (error as Error).message);
  return reply
    .code(statusOf[deskError.code])
    .send({ ok: false, error: { code: deskError.code, message: deskError.message } });
}

function registerDeskRoute(
  app: FastifyInstance,
  options: BrowserHostOptions,
  token: string,
  port: () => number,
): void {
  app.post<{ Params: { method: string } }>('/desk/:method', async (request, reply) => {
    try {
      checkCaller(request, port());
      if (!tokenMatches(token, request.headers[deskTokenHeader])) {
        throw new DeskError('forbidden', 'missing or wrong DeskApi token: open the URL the host printed');
      }
      const method = request.params.method as DeskMethod;
      if (!deskMethods.includes(method))
        throw new DeskError('not-found', `no DeskApi method '${request.params.method}'`);
      const input = parseDeskInput(method, request.body);
      const call = options.services[method] as (input: unknown) => Promise<unknown>;
      return reply.send({ ok: true, result: await call(input) });
    } catch (error) {
      return sendError(reply, error);
    }
  });
}

/** Start the host; resolves once it listens. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const host = options.host ?? '127.0.0.1';
  refuseForeignHosts(app, hostPolicy([host]), 'open the URL the host printed');
  let port = 0;
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Content-Security-Policy', browserHostCsp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
  });
  registerDeskRoute(app, options, token, () => port);
  await app.register(fastifyStatic, { root: options.staticDir, index: ['index.html'], wildcard: true });
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}/#token=${token}`,
    port,
    token,
    close: () => app.close(),
  };
}
