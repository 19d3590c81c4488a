/**
 * Fixed security settings of the browser host, shared with its tests. Which `Host` it answers is
 * the instance server's rule (runner/core/host-header-check.ts): one implementation for both.
 */
import { contentSecurityPolicy, cspDirectives } from '../main/content-security-policy';

/** Header that carries the per-start DeskApi token. */
export const deskTokenHeader = 'x-coin-desk-token';

/**
 * Content-Security-Policy of every response: the app's own policy (electron/main), except that
 * the page may only connect back to this host.
 */
export const browserHostCsp = contentSecurityPolicy({ ...cspDirectives, 'connect-src': ["'self'"] });
