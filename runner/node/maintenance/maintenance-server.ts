/**
 * The maintenance server: on the instance's port while the instance is stopped, every request
 * under the base path answers 503 with Retry-After: the API and the WebSocket with JSON (a
 * dashboard keeps retrying and resynchronises when the instance is back), anything else with a
 * page that reloads itself.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { addSecurityHeaders } from '../server/web-security';
import { maintenanceJson, maintenancePage, pageReloadSeconds } from './maintenance-page';
import type { MaintenanceSettings } from './maintenance-record';

/** A listening maintenance server. */
export interface MaintenanceServer {
  port: number;
  close(): Promise<void>;
}

function isProgram(url: string, basePath: string): boolean {
  return ['/api/', '/websocket', '/agent'].some((p) => url.startsWith(`${basePath}${p}`));
}

function build(settings: MaintenanceSettings): FastifyInstance {
  const app = Fastify({ logger: false });
  const since = new Date().toISOString();
  addSecurityHeaders(app);
  app.setNotFoundHandler(async (request, reply) => {
    reply
      .code(503)
      .header('retry-after', String(settings.retryAfterSeconds))
      .header('cache-control', 'no-store');
    if (isProgram(request.url, settings.basePath))
      return reply.send(maintenanceJson(settings.message, settings.retryAfterSeconds));
    return reply
      .header('refresh', String(pageReloadSeconds))
      .type('text/html; charset=utf-8')
      .send(maintenancePage(settings.message, since));
  });
  return app;
}

/** Listen, retrying while the port is still taken (by the instance that is stopping) up to waitForPortMs. */
export async function startMaintenanceServer(
  settings: MaintenanceSettings,
  waitForPortMs = 0,
): Promise<MaintenanceServer> {
  const deadline = Date.now() + waitForPortMs;
  for (;;) {
    const app = build(settings);
    try {
      await app.listen({ host: settings.host, port: settings.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : settings.port;
      return { port, close: () => app.close() };
    } catch (error) {
      await app.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() >= deadline) throw error;
      await sleep(25);
    }
  }
}
