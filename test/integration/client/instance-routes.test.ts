// The contract names every route the instance's server registers, and the server registers every
// route of the contract (runner/core/instance-api.ts), with the same admin token header: a route
// added on one side only fails here.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  adminTokenHeader,
  instanceBasePath,
  instanceRoutes,
  routeUrl,
} from '../../../runner/core/instance-api';
import { LocalHypervisor } from '../../../runner/node/hypervisors/local-hypervisor';
import { AgentHub } from '../../../runner/node/instance/agent-hub';
import type { InstanceFacade } from '../../../runner/node/instance/instance-facade';
import * as server from '../../../runner/node/server/coin-server';
import { SourceCache } from '../../../runner/node/sources/source-cache';
import { ArtifactStore } from '../../../runner/node/store/artifact-store';
import { LogStore } from '../../../runner/node/store/log-store';
import { HealthMonitor } from '../../../runner/node/instance/health-monitor';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;

beforeAll(async () => {
  root = await makeTempDir('instance-routes-');
});

afterAll(async () => {
  await root.remove();
});

/** An instance facade over a real, empty store: enough for the server to register its routes. */
async function facade(dir: string, store: SqliteStore): Promise<InstanceFacade> {
  return {
    store,
    artifacts: await ArtifactStore.open(dir, store),
    logs: await LogStore.create(dir),
    hub: new AgentHub({ connected: () => undefined, disconnected: () => undefined, log: () => undefined }),
    units: new Map(),
    adminToken: 'a'.repeat(64),
    agentToken: 'b'.repeat(64),
    submitIntegration: async () => 'never',
    adminActions: {},
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
}

test("the server's routes are the contract's, and its token header too", async () => {
  const dir = path.join(root.path, 'work');
  const store = SqliteStore.open(dir);
  const app = await server.createCoinServer(await facade(dir, store), { basePath: instanceBasePath });
  try {
    const served = new Set(
      server
        .routesOf(app)
        .filter((r) => r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`),
    );
    const contract = new Set(
      Object.values(instanceRoutes).map((r) => `${r.method} ${routeUrl(instanceBasePath, r)}`),
    );
    // Besides the contract's routes the server only redirects bare addresses to them.
    const redirects = [`GET ${instanceBasePath}`, `GET ${instanceBasePath}/doc`];
    expect([...served].filter((r) => !contract.has(r)).sort()).toEqual(redirects.sort());
    expect([...contract].filter((r) => !served.has(r))).toEqual([]);
  } finally {
    await app.close();
    store.close();
  }
  // While the server still spells the header itself, it must spell it as the contract does.
  expect((server as { adminTokenHeader?: string }).adminTokenHeader ?? adminTokenHeader).toBe(
    adminTokenHeader,
  );
});
