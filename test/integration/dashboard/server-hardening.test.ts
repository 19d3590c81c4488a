// The instance's web server refuses what it must: writes without the admin token (every
// mutating route, in process and on a real instance), WebSocket handshakes from another site,
// oversized client messages, and binding beyond loopback unless --host says so.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalHypervisor } from '../../../runner/node/hypervisors/local-hypervisor';
import { AgentHub } from '../../../runner/node/instance/agent-hub';
import type { InstanceFacade } from '../../../runner/node/instance/instance-facade';
import { adminTokenHeader } from '../../../runner/core/instance-api';
import { createCoinServer, routesOf } from '../../../runner/node/server/coin-server';
import { LogStore } from '../../../runner/node/store/log-store';
import { SourceCache } from '../../../runner/node/sources/source-cache';
import { ArtifactStore } from '../../../runner/node/store/artifact-store';
import { HealthMonitor } from '../../../runner/node/instance/health-monitor';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let coin: CoinProcess;

beforeAll(async () => {
  root = await makeTempDir('hardening-');
  coin = await startCoin(path.join(root.path, 'work'));
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

const mutating = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

describe('writes need the admin token', () => {
  test('every mutating route of the server answers 403 without the right token', async () => {
    const dir = path.join(root.path, 'in-process');
    const store = SqliteStore.open(dir);
    const hub = new AgentHub({
      connected: () => undefined,
      disconnected: () => undefined,
      log: () => undefined,
    });
    const instance: InstanceFacade = {
      store,
      artifacts: await ArtifactStore.open(dir, store),
      logs: await LogStore.create(dir),
      hub,
      units: new Map(),
      adminToken: 'a'.repeat(64),
      agentToken: 'b'.repeat(64),
      submitIntegration: async () => 'never',
      adminActions: { gc: async () => ({}) },
      storage: async () => ({}),
      sources: new SourceCache(path.join(dir, 'sources')),
      logBus: new EventEmitter(),
      configurations: [],
      hypervisor: new LocalHypervisor({ workingDir: dir, agentCommand: ['true'], capacity: 1 }),
      gerrit: undefined,
      health: new HealthMonitor({
        store,
        hypervisor: new LocalHypervisor({ workingDir: dir, agentCommand: ['true'], capacity: 1 }),
        hypervisorEndpoint: 'local',
        storage: async () => ({ freeBytes: 1, totalBytes: 1, gcMinFreeBytes: 0 }),
        options: { intervalMinutes: 0, webServers: [] },
        log: { warn: () => undefined },
      }),
    };
    const app = await createCoinServer(instance, { basePath: '/coin' });
    try {
      const writes = routesOf(app).filter((r) => mutating(r.method));
      expect(writes.map((r) => `${r.method} ${r.url}`)).toEqual(
        expect.arrayContaining([
          'POST /coin/api/integrations',
          'POST /coin/api/admin/:action',
          'PUT /coin/agent/artifacts',
        ]),
      );
      for (const route of writes) {
        const url = route.url.replace(':action', 'gc').replace(/:\w+/g, 'x');
        for (const token of [undefined, 'wrong']) {
          const headers = token ? { [adminTokenHeader]: token, 'x-coin-agent-token': token } : {};
          const response = await app.inject({ method: route.method as 'POST', url, headers, payload: {} });
          expect(response.statusCode, `${route.method} ${url} with token ${token}`).toBe(403);
        }
      }
    } finally {
      await app.close();
      store.close();
    }
  });

  test('a real instance refuses every write method on every path without the token', async () => {
    const paths = [
      '/api/integrations',
      '/api/admin/gc',
      '/api/admin/invalidate-artifacts',
      '/api/tasks',
      '/',
      '/x',
    ];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const p of paths) {
        const response = await fetch(`http://127.0.0.1:${coin.port}/coin${p}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status, `${method} ${p}`).toBe(403);
      }
    }
  });
});

/** Open the event socket with headers; resolves to 'open' or the HTTP status it was refused with. */
function handshake(headers: Record<string, string>): Promise<{ result: string | number; socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${coin.port}/coin/websocket`, { headers });
  return new Promise((resolve) => {
    socket.once('open', () => resolve({ result: 'open', socket }));
    socket.once('unexpected-response', (_request, response) =>
      resolve({ result: response.statusCode ?? 0, socket }),
    );
    socket.once('error', () => undefined);
  });
}

describe('the event WebSocket', () => {
  test('refuses a page of another site, accepts its own and one behind a reverse proxy', async () => {
    const own = `http://127.0.0.1:${coin.port}`;
    const cases: [Record<string, string>, string | number][] = [
      [{ origin: 'http://evil.example' }, 403],
      [{ origin: `http://127.0.0.1:${coin.port + 1}` }, 403],
      [{ origin: 'null' }, 403],
      [{ origin: own }, 'open'],
      [{}, 'open'],
      [{ origin: 'https://ci.example.org', 'x-forwarded-host': 'ci.example.org' }, 'open'],
    ];
    for (const [headers, expected] of cases) {
      const { result, socket } = await handshake(headers);
      socket.terminate();
      expect(result, JSON.stringify(headers)).toBe(expected);
    }
  });

  test('a client message over 4 KiB closes the socket with 1009', async () => {
    const { socket } = await handshake({});
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'logs', workItemIds: ['x'.repeat(5000)] }));
    expect(await closed).toBe(1009);
  });
});

test('the server listens on loopback only unless --host is given', async () => {
  expect(coin.output()).toContain(`Coin is running at http://127.0.0.1:${coin.port}/coin`);
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!external) return;
  await expect(fetch(`http://${external.address}:${coin.port}/coin/api/agents`)).rejects.toThrow();
});
