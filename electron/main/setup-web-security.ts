/** Electron glue for the security decisions made in the pure modules next to this one. */
import { app, session, shell, type WebContents } from 'electron';
import { withContentSecurityPolicy } from './content-security-policy';
import { isSafeExternalUrl } from './is-safe-external-url';
import { isPermissionAllowed } from './permission-policy';
import { isAllowedNavigation } from './trusted-sender';

function guardWebContents(contents: WebContents, appUrl: string): void {
  const denyForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', denyForeign);
  contents.on('will-redirect', denyForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** Every web contents ever created: no navigation away from the app, no new windows, no webviews. */
export function setupWebContentsGuards(appUrl: string): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appUrl));
}

/** The default session: the app's CSP on every response, permissions denied unless allowed. */
export function setupSessionSecurity(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(isPermissionAllowed(permission)),
  );
  ses.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
}
