// The browser host over real HTTP: the token, the caller checks and the DeskApi contract.
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { deskTokenHeader } from '../../electron/host/browser-host-policy';
import { startTestHost, type TestHost } from '../helpers/test-host';

let host: TestHost;
beforeEach(async () => {
  host = await startTestHost();
});
afterEach(async () => {
  await host.stop();
});

function call(method: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${host.port}/desk/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [deskTokenHeader]: host.token, ...headers },
    body: JSON.stringify(body),
  });
}

/** fetch() cannot set the Host header, so this one goes through node:http. */
function withHostHeader(
  hostHeader: string,
  path = '/desk/appInfo',
): Promise<{ status: number; body: string }> {
  const desk = path.startsWith('/desk/');
  const headers = desk ? { 'content-type': 'application/json', [deskTokenHeader]: host.token } : {};
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: desk ? 'POST' : 'GET',
        headers: { host: hostHeader, ...headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(desk ? '{}' : undefined);
  });
}

describe('browser host', () => {
  test('listens on loopback only, with a fresh 256-bit token in the URL fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[0-9a-f]{64}$`));
  });

  test('serves the renderer with a strict content security policy', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  test('answers a DeskApi call with the token', async () => {
    const response = await call('appInfo', {});
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      ok: true,
      result: { name: 'Coin Admin', shell: 'browser', electronVersion: null },
    });
  });

  test('refuses calls without the token, with a wrong one, or from a page of another site', async () => {
    expect((await call('appInfo', {}, { [deskTokenHeader]: '' })).status).toBe(403);
    expect((await call('appInfo', {}, { [deskTokenHeader]: 'f'.repeat(64) })).status).toBe(403);
    const foreign = await call('appInfo', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.message).toContain("origin 'http://evil.example'");
  });

  test('answers only its own host names, as the instance server does: 421 for any other', async () => {
    // DNS rebinding: a page served as evil.example that resolves to 127.0.0.1.
    for (const path of ['/desk/appInfo', '/', '/index.html']) {
      const refused = await withHostHeader(`evil.example:${host.port}`, path);
      expect(refused.status, path).toBe(421);
      expect(refused.body).toBe(
        "Misdirected request: this server does not answer to the host name 'evil.example'; open the URL the host printed\n",
      );
    }
    for (const name of ['localhost', '127.0.0.1', '[::1]'])
      expect((await withHostHeader(`${name}:${host.port}`)).status, name).toBe(200);
  });

  test('rejects bad input and unknown methods with a readable error', async () => {
    const bad = await call('runnerDoctor', { workingDir: 5, extra: true });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('bad-input');
    expect(body.error.message).toMatch(/^runner:doctor: /);
    const unknown = await call('dropTables', {});
    expect(unknown.status).toBe(404);
  });

  test('runs coin doctor for the requested working directory', async () => {
    const response = await call('runnerDoctor', { workingDir: host.workingDir.path });
    const body = await response.json();
    expect(body.ok).toBe(true);
    expect(body.result.workingDir).toBe(host.workingDir.path);
    expect(body.result.checks.map((c: { id: string }) => c.id)).toContain('git');
  });
});
