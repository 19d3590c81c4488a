/**
 * Security rules of the instance's web server that do not depend on a route: response headers
 * (a strict Content-Security-Policy for the dashboard) and the same-origin check of WebSocket
 * handshakes, which works behind a reverse proxy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The dashboard's policy: its own scripts and styles only, network only back to its own origin. */
export const dashboardCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Pages the server writes itself and the rendered docs: inline styles, never a script. */
export const staticPageCsp = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Adds the security headers to every response of `app` (HTML without a policy gets staticPageCsp). */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy'))
      reply.header('Content-Security-Policy', staticPageCsp);
    return payload;
  });
}

function headerValues(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * True when a browser page of another site cannot be the caller: no `Origin` header (agents, the
 * CLI, curl) or an `Origin` whose host is the `Host` the request was sent to, or the host a
 * reverse proxy forwarded (`X-Forwarded-Host`; a page cannot set that header on a handshake).
 */
export function sameOriginRequest(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const allowed = [
    ...headerValues(request.headers.host),
    ...headerValues(request.headers['x-forwarded-host']),
  ];
  return allowed.includes(host);
}
