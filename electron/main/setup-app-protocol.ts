/** Electron glue for the `app://coin-admin/` scheme that serves the built renderer. */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { appScheme } from './app-url';
import { contentSecurityPolicy } from './content-security-policy';
import { contentTypeFor, resolveAppAsset } from './resolve-app-asset';

/** Declare the scheme standard and secure; Electron requires this before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

async function serveAsset(rendererDir: string, request: Request): Promise<Response> {
  const file = resolveAppAsset(rendererDir, request.url);
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    const headers = {
      'Content-Type': contentTypeFor(file),
      'Content-Security-Policy': contentSecurityPolicy(),
    };
    return new Response(body, { status: 200, headers });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/** Serve `rendererDir` under the app scheme (inside app.asar when packaged; fs reads it transparently). */
export function setupAppProtocol(rendererDir: string): void {
  protocol.handle(appScheme, (request) => serveAsset(rendererDir, request));
}
