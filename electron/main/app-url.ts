/**
 * Where the renderer lives inside Electron: a privileged `app://coin-admin/` scheme served from the
 * built renderer directory. Not file://: a file:// page may read any local file, its CSP cannot be
 * sent as a response header, and its origin is shared with every other file.
 */

/** The scheme the renderer is served under. */
export const appScheme = 'app';

/** The one host of that scheme; every app page has the origin `app://coin-admin`. */
export const appHost = 'coin-admin';

/** The URL the main window loads. */
export const appUrl = `${appScheme}://${appHost}/index.html`;
