/** Fixed security settings of the browser host, shared with its tests. */

/** Header that carries the per-start DeskApi token. */
export const deskTokenHeader = 'x-coin-desk-token';

/** Content-Security-Policy of every response: the page loads only its own scripts and styles. */
export const browserHostCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
