// DNS rebinding: a page on a name that resolves to 127.0.0.1 reaches the instance with its own
// name in the Host header. A real `coin run` answers only loopback names, its --host, the
// agents' address and --allowed-host names; everything else gets 421, HTTP and WebSocket alike.
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { agentTokenHeader } from '../../../runner/core/agent-protocol';
import { startOneFake } from '../../fakes/opennebula/one-fake';
import { agentCommand } from '../../../runner/cli/run-command';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let coin: CoinProcess;
const proxyName = 'coin.example.test';

beforeAll(async () => {
  root = await makeTempDir('host-header-');
  coin = await startCoin(path.join(root.path, 'work'), [
    ...['--allowed-host', proxyName],
    // a refused handshake once left its connection open, and the server's close() waited on it
    // forever (the process then ended with exit code 13, its store never closed): a stop that
    // hangs fails here with the step it hung in
    ...['--stop-timeout-seconds', '10'],
  ]);
});

afterAll(async () => {
  expect(await coin.stop(), coin.output().slice(-2000)).toBe(0);
  expect(coin.output()).toContain('stale agent(s) at stop');
  await root.remove();
});

/** GET with a chosen Host header (fetch cannot set it). */
function get(
  port: number,
  url: string,
  host: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: url, headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '', body }),
      );
    });
    request.on('error', reject).end();
  });
}

/** Opens a WebSocket with a chosen Host; resolves to 'open' or the status it was refused with. */
function handshake(url: string, headers: Record<string, string>): Promise<string | number> {
  const socket = new WebSocket(`ws://127.0.0.1:${coin.port}${url}`, { headers });
  return new Promise<string | number>((resolve) => {
    socket.once('open', () => resolve('open'));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => undefined);
  }).finally(() => socket.terminate());
}

const readPaths = ['/coin/api/tasks', '/coin/api/agents', '/coin/api/storage', '/coin/', '/coin/doc/'];

describe('HTTP', () => {
  test('a forged Host gets 421 with one plain line, on the read API, the pages and unknown paths', async () => {
    for (const url of [...readPaths, '/coin/api/workitems/x/log', '/nothing']) {
      for (const host of [`evil.example:${coin.port}`, 'evil.example', 'localhost.evil.example']) {
        const response = await get(coin.port, url, host);
        expect(response.status, `${url} as ${host}`).toBe(421);
        expect(response.type).toMatch(/^text\/plain/);
        expect(response.body).toMatch(
          /^Misdirected request: this server does not answer to the host name '[^']+'; behind a reverse proxy, give this name to coin run --allowed-host \(docs\/reverse-proxy\.md\)\n$/,
        );
      }
    }
  });

  test('loopback names, with or without the port, and the --allowed-host name are answered', async () => {
    const names = ['127.0.0.1', 'localhost', '[::1]', proxyName, proxyName.toUpperCase()];
    for (const name of names) {
      for (const host of [name, `${name}:${coin.port}`]) {
        expect((await get(coin.port, '/coin/api/tasks', host)).status, host).toBe(200);
      }
    }
  });

  test('the Host check comes before the token check of writes', async () => {
    const forged = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: coin.port, path: '/coin/api/admin/gc', method: 'POST' },
        (response) => (response.resume(), resolve(response.statusCode ?? 0)),
      );
      request.setHeader('host', 'evil.example');
      request.on('error', reject).end('{}');
    });
    expect(forged).toBe(421);
  });
});

/** A handshake on `url` with `method`: its status, and whether the server then closed the connection. */
function refusedHandshake(
  url: string,
  method: string,
  host: string,
): Promise<{ status: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: coin.port,
      path: url,
      method,
      headers: { host, connection: 'Upgrade', upgrade: 'websocket' },
    });
    request.on('response', (response) => {
      const timer = setTimeout(() => resolve({ status: response.statusCode ?? 0, closed: false }), 2000);
      response.resume();
      response.socket.once('close', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, closed: true });
      });
    });
    request.on('error', reject).end();
  });
}

describe('WebSocket', () => {
  // A handshake a hook answers before any route (the Host check, the token check of writes) once
  // left its connection open, and the server's close() then never finished.
  test('a handshake refused before any route gets its answer and its connection closed', async () => {
    const port = coin.port;
    expect(await refusedHandshake('/coin/websocket', 'GET', `evil.example:${port}`)).toEqual({
      status: 421,
      closed: true,
    });
    expect(await refusedHandshake('/coin/api/admin/gc', 'POST', `127.0.0.1:${port}`)).toEqual({
      status: 403,
      closed: true,
    });
  });

  test('the event stream refuses a forged Host and opens for its own names', async () => {
    expect(await handshake('/coin/websocket', { host: `evil.example:${coin.port}` })).toBe(421);
    expect(await handshake('/coin/websocket', { host: `localhost:${coin.port}` })).toBe('open');
    expect(await handshake('/coin/websocket', { host: proxyName, 'x-forwarded-host': proxyName })).toBe(
      'open',
    );
  });

  test('the agent endpoint refuses a forged Host before it looks at the token', async () => {
    const token = { [agentTokenHeader]: 'f'.repeat(64) };
    expect(await handshake('/coin/agent', { ...token, host: `evil.example:${coin.port}` })).toBe(421);
    // Its own name gets as far as the token check (which this made-up token fails).
    expect(await handshake('/coin/agent', { ...token, host: `127.0.0.1:${coin.port}` })).toBe(403);
  });
});

test('--allowed-host takes a name, not a URL or a port: a usage error', async () => {
  const result = await runCoin([
    'run',
    '--working-dir',
    root.path,
    '--allowed-host',
    'https://coin.example:443',
  ]);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    "coin: --allowed-host takes a host name or address without port or scheme, got 'https://coin.example:443'\n",
  );
});

test('an OpenNebula instance answers to its --own-ip, the address its VM agents connect to', async () => {
  const fake = await startOneFake({
    root: path.join(root.path, 'vms'),
    users: [{ name: 'coin', password: 'pw' }],
    hosts: [{ name: 'aquila-1', attributes: {} }],
    templates: [],
    agentCommand: agentCommand(),
    stepMs: 100,
  });
  const authFile = path.join(root.path, 'one_auth');
  await writeFile(authFile, 'coin:pw\n', { mode: 0o600 });
  const one = await startCoin(path.join(root.path, 'work-one'), [
    ...['--hypervisor', 'opennebula', '--one-xmlrpc', fake.url, '--one-auth-file', authFile],
    ...['--own-ip', '127.0.0.9'],
  ]);
  try {
    expect((await get(one.port, '/coin/api/agents', `127.0.0.9:${one.port}`)).status).toBe(200);
    expect((await get(one.port, '/coin/api/agents', `127.0.0.10:${one.port}`)).status).toBe(421);
  } finally {
    await one.stop();
    await fake.stop();
  }
});
