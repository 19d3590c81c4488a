/**
 * Whether a URL belongs to the app's own renderer: the same custom-scheme host (or http origin),
 * or, for a file:// app, the very same file. Used for IPC senders and for navigation.
 */

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is a page of the app whose entry page is `appUrl`. */
export function isAppPageUrl(url: string, appUrl: string): boolean {
  const page = parse(url);
  const app = parse(appUrl);
  if (!page || !app || page.protocol !== app.protocol) return false;
  if (app.protocol === 'file:') return page.pathname === app.pathname;
  // URL.origin is 'null' for custom schemes, so compare the host (with its port) instead.
  return page.host !== '' && page.host === app.host && page.username === '' && page.password === '';
}

/** True when an IPC call comes from a frame showing the app itself (not a page it navigated to). */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  return typeof frameUrl === 'string' && isAppPageUrl(frameUrl, appUrl);
}

/** True when a window may navigate to `targetUrl`: only within the app. */
export function isAllowedNavigation(targetUrl: string, appUrl: string): boolean {
  return isAppPageUrl(targetUrl, appUrl);
}
