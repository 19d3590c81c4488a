/**
 * The Content-Security-Policy of every page the app shows. Scripts and styles only from the app
 * itself (no inline script, no eval); network only to the app and to 127.0.0.1, where the local
 * runner and SSH tunnels to a production master listen.
 */

/** Directive name -> sources, in the order they are sent. */
export const cspDirectives: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'http://127.0.0.1:*', 'ws://127.0.0.1:*'],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The policy as one header value. */
export function contentSecurityPolicy(directives = cspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Response headers with the app's policy in place of any policy the response brought. */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [contentSecurityPolicy()];
  return result;
}
