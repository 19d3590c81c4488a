/**
 * Security rules of the instance's web server that do not depend on a route: the `Host` check
 * (DNS rebinding), response headers (a strict Content-Security-Policy for the dashboard) and the
 * same-origin check of WebSocket handshakes, which works behind a reverse proxy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import os from 'node:os';
import {
  checkHostHeader,
  hostPolicy,
  isWildcardAddress,
  type HostPolicy,
} from '../../core/host-header-check';

/**
 * The dashboard's policy: its own scripts and styles only, network only back to its own origin.
 * `inlineScripts` are the SHA-256 hashes (base64) of the inline scripts the page may run (the log
 * page's early paint), each allowed by its hash and nothing else inline; `inlineStyles` the same
 * for the stylesheets the page carries inline.
 */
export function dashboardCspFor(
  inlineScripts: readonly string[] = [],
  inlineStyles: readonly string[] = [],
): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...inlineScripts.map((hash) => `'sha256-${hash}'`)].join(' '),
    ["style-src 'self'", ...inlineStyles.map((hash) => `'sha256-${hash}'`)].join(' '),
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The dashboard's policy without inline scripts. */
export const dashboardCsp = dashboardCspFor();

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

/**
 * The names the instance's server answers to: loopback, the listen address (on a wildcard address:
 * every address of this machine's interfaces, which is how clients reach it), and `extra` (the
 * agents' address, names given for reverse proxies with --allowed-host).
 */
export function instanceHostPolicy(listenHost: string, extra: readonly string[]): HostPolicy {
  const own = isWildcardAddress(listenHost)
    ? Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
    : [listenHost];
  return hostPolicy([...own, ...extra]);
}

/**
 * Refuses, before any route or token check, a request whose `Host` the policy does not accept:
 * 421 Misdirected Request with one plain-text line (WebSocket handshakes included). `advice`
 * ends the line: what the operator does when a legitimate name is refused.
 */
export function refuseForeignHosts(app: FastifyInstance, policy: HostPolicy, advice: string): void {
  app.addHook('onRequest', async (request, reply) => {
    const verdict = checkHostHeader(request.headers.host, policy);
    if (verdict.allowed) return;
    return reply
      .code(421)
      .type('text/plain; charset=utf-8')
      .send(`Misdirected request: ${verdict.reason}; ${advice}\n`);
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
