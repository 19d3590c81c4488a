/**
 * A running Coin instance: one per working directory (lock), state in SQLite, artifacts on disk,
 * agents from a hypervisor, the web server, and the task queue. Start recovers what a stopped or
 * killed run left (interrupted work items discarded, tasks re-queued, stale agents removed); stop
 * leaves interrupted work as it is, for the next start to discard.
 */
import { randomBytes } from 'node:crypto';
import { abortable } from '../abortable';
import { EventEmitter } from 'node:events';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { agentSpecOf, instanceHypervisor, type OpenNebulaInstanceOptions } from './instance-hypervisor';
import { AgentHub } from '../server/agent-hub';
import { createCoinServer } from '../server/coin-server';
import { ArtifactStore } from '../store/artifact-store';
import { acquireInstanceLock, type InstanceLock } from '../store/instance-lock';
import { SqliteStore } from '../store/sqlite-store';
import { AgentPool } from './agent-pool';
import { instanceConfigurations } from './instance-configurations';
import { LogStore } from './log-store';
import { TaskQueue } from './task-queue';
import { RuntimeConfigWatcher } from '../runtime-config/runtime-config-watcher';
import { TaskRunner } from './task-runner';
import { freeBytesOf, invalidateArtifacts, runGarbageCollection } from './maintenance';
import { storageReport } from './storage-report';
import { SourceCache } from './source-cache';
import { registerProjectSourceRoute } from '../server/project-source-route';
import { registerConfigurationsRoute } from '../server/configurations-route';
import { registerHostsRoute } from '../server/hosts-route';
import { registerGerritRoute } from '../server/gerrit-route';
import { startMaintenanceDetached, stopMaintenanceServer } from '../maintenance/maintenance-record';
import { z } from 'zod';
import { GerritClient } from '../gerrit/gerrit-client';
import { GerritIntegrations } from '../gerrit/gerrit-integrations';
import type { GerritSshOptions } from '../gerrit/gerrit-ssh';

export interface InstanceOptions {
  workingDir: string;
  host: string;
  port: number;
  basePath: string;
  instanceKind: 'local' | 'private' | 'real';
  platformConfigsDir?: string;
  maxAgents: number;
  /** argv that starts an agent process (before its own flags). */
  agentCommand: readonly string[];
  agentIdleTimeoutMs: number;
  /** Free disk the automatic garbage collection keeps (bytes). */
  gcMinFreeBytes: number;
  /** How often the automatic collection looks at the disk (ms). */
  gcIntervalMs: number;
  /** Gerrit as the change source and reporter (runner/node/gerrit/gerrit-integrations.ts). */
  gerrit?: GerritInstanceOptions;
  /** Agents in OpenNebula VMs instead of local processes (docs/opennebula.md). */
  opennebula?: OpenNebulaInstanceOptions;
  /** Names the web server answers to besides loopback, `host` and the agents' address (reverse proxies). */
  allowedHosts?: readonly string[];
  /** Aborted during start-up (a signal): the start stops at the next step and rejects with its reason. */
  signal?: AbortSignal;
  log: Logger;
}

/** How an instance talks to Gerrit. */
export interface GerritInstanceOptions {
  ssh: GerritSshOptions;
  /** `<prefix><project>` is a project's git URL. */
  gitUrlPrefix: string;
  /** Extra environment of `git fetch` (GIT_SSH_COMMAND). */
  gitEnv: Record<string, string>;
  /** Only these projects (all when empty). */
  projects: readonly string[];
  /** Create builds and approve them; otherwise only log what would be done. */
  write: boolean;
}

export interface RunningInstance {
  port: number;
  url: string;
  configurations: readonly PlatformConfiguration[];
  stop(): Promise<void>;
}

/** File in the working directory holding the admin token (mode 0600) the CLI uses. */
export const adminTokenFile = 'admin-token';

/**
 * Remove the files of work items that no longer exist (discarded after an interruption): logs,
 * their batch times (log-time-index.ts) and test results.
 */
async function sweepLogs(workingDir: string, store: SqliteStore): Promise<number> {
  const dir = path.join(workingDir, 'logs');
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!store.getWorkItem(name.replace(/\.(log|times|tests\.json)$/, ''))) {
      await rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

async function openState(options: InstanceOptions, lock: InstanceLock) {
  const storeLog = { info: (m: string) => options.log.info(m), warn: (m: string) => options.log.warn(m) };
  const store = SqliteStore.open(options.workingDir, { log: storeLog });
  const artifacts = await ArtifactStore.open(options.workingDir, store, { log: storeLog });
  const logs = await LogStore.create(options.workingDir);
  const recovery = store.recoverAfterRestart();
  const sweptLogs = await sweepLogs(options.workingDir, store);
  options.log.info(
    { ...recovery, agentsToStop: recovery.agentsToStop.length, sweptLogs, lockReclaimed: lock.reclaimed },
    'recovered state',
  );
  for (const agent of recovery.agentsToStop) {
    if (agent.state !== 'stopping') store.setAgentState(agent.id, 'stopping');
    store.setAgentState(agent.id, 'stopped');
  }
  return { store, artifacts, logs };
}

const gcRequestSchema = z
  .object({ dryRun: z.boolean().default(false), minFreeBytes: z.number().min(0).optional() })
  .strict();

/** Keys the running work units need: their own builds and their inputs. */
function runningKeys(runner: TaskRunner): string[] {
  return [...runner.units.values()].flatMap((u) => [
    ...(u.buildKey ? [u.buildKey] : []),
    ...u.inputs.map((i) => i.key),
  ]);
}

function adminActions(
  options: InstanceOptions,
  store: SqliteStore,
  artifacts: ArtifactStore,
  runner: TaskRunner,
) {
  return {
    gc: async (body: unknown) => {
      const request = gcRequestSchema.parse(body);
      return runGarbageCollection({
        store,
        artifacts,
        workingDir: options.workingDir,
        minFreeBytes: request.minFreeBytes ?? options.gcMinFreeBytes,
        dryRun: request.dryRun,
        extraPinned: runningKeys(runner),
      });
    },
    'invalidate-artifacts': async () => ({ epoch: invalidateArtifacts(store, 'coin invalidate-artifacts') }),
  };
}

/** The automatic pass: collect only when free disk fell below the threshold. */
async function automaticGc(
  options: InstanceOptions,
  store: SqliteStore,
  artifacts: ArtifactStore,
  runner: TaskRunner,
): Promise<void> {
  if (freeBytesOf(options.workingDir) >= options.gcMinFreeBytes) return;
  const report = await runGarbageCollection({
    store,
    artifacts,
    workingDir: options.workingDir,
    minFreeBytes: options.gcMinFreeBytes,
    dryRun: false,
    extraPinned: runningKeys(runner),
  });
  options.log.info(
    { removed: report.removed.length, freedBytes: report.freedBytes, satisfied: report.satisfied },
    'automatic garbage collection',
  );
}

/** Start an instance; rejects with InstanceLockedError when another one runs in the directory. */
export async function startInstance(options: InstanceOptions): Promise<RunningInstance> {
  options.signal?.throwIfAborted();
  // The lock prepares the directory (a WorkingDirError says why one cannot be used).
  const lock = await acquireInstanceLock(options.workingDir, {
    log: { info: (m) => options.log.info(m), warn: (m) => options.log.warn(m) },
  });
  try {
    return await startLocked(options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(options: InstanceOptions, lock: InstanceLock): Promise<RunningInstance> {
  options.signal?.throwIfAborted();
  const { store, artifacts, logs } = await openState(options, lock);
  // The steps that may wait on other machines end at once on a signal (startInstance releases the lock).
  const step = async <T>(work: Promise<T>): Promise<T> =>
    abortable(work, options.signal).catch(async (error: unknown) => {
      await logs.closeAll();
      store.close();
      throw error;
    });
  await step(Promise.resolve());
  const configurations = instanceConfigurations(options.platformConfigsDir);
  const { hypervisor, agentAddress, connectTimeoutMs } = await step(instanceHypervisor(options));
  const stale = await step(hypervisor.cleanupLeaked());
  options.log.info({ removed: stale }, `removed ${stale} stale agent(s) at start`);
  await step(Promise.resolve());
  const adminToken = randomBytes(32).toString('hex');
  const agentToken = randomBytes(32).toString('hex');
  await writeFile(path.join(options.workingDir, adminTokenFile), adminToken, { mode: 0o600 });
  let port = 0;
  const masterUrl = () => `http://127.0.0.1:${port}${options.basePath}`;
  // The hub reports lost agents to the pool, which itself needs the hub.
  const poolRef: { current?: AgentPool } = {};
  const logBus = new EventEmitter().setMaxListeners(0);
  const hub = new AgentHub({
    connected: (agentId, info) => options.log.info({ agentId, ...info }, `agent ${agentId} connected`),
    disconnected: (agentId) => poolRef.current?.lost(agentId),
    log: (workItemId, lines) => {
      logs.append(workItemId, lines);
      logBus.emit('log', workItemId, lines);
    },
  });
  const pool = new AgentPool({
    hypervisor,
    hub,
    store,
    capacity: options.maxAgents,
    masterUrl: () => `http://${agentAddress}:${port}${options.basePath}`,
    token: agentToken,
    idleTimeoutMs: options.agentIdleTimeoutMs,
    connectTimeoutMs,
  });
  poolRef.current = pool;
  const runner = new TaskRunner({
    store,
    artifacts,
    hub,
    pool,
    logs,
    log: options.log,
    emptyArchive: path.join(options.workingDir, 'cache', 'empty.tar.gz'),
    agentSpec: options.opennebula
      ? (unit) => ({
          ...agentSpecOf(unit.configuration, configurations, runtimeConfig.current()),
          ...(unit.cores ? { cores: unit.cores } : {}),
        })
      : undefined,
  });
  const runtimeConfig = new RuntimeConfigWatcher({ workingDir: options.workingDir, store, log: options.log });
  const queue = new TaskQueue({ store, runner, configurations, log: options.log, runtimeConfig });
  const sources = new SourceCache(path.join(options.workingDir, 'cache', 'sources'));
  const server: FastifyInstance = await createCoinServer({
    store,
    artifacts,
    logs,
    hub,
    units: runner.units,
    adminToken,
    agentToken,
    basePath: options.basePath,
    submitIntegration: (body) => queue.submit(body),
    adminActions: adminActions(options, store, artifacts, runner),
    storage: async () => storageReport(store, options.workingDir, options.gcMinFreeBytes),
    logBus,
    sources,
    listenHost: options.host,
    // Agents (VMs too) reach the server on agentAddress: it is always a name the server answers to.
    allowedHosts: [agentAddress, ...(options.allowedHosts ?? [])],
  });
  const gerrit = options.gerrit
    ? new GerritIntegrations({
        client: new GerritClient(options.gerrit.ssh),
        gitUrlPrefix: options.gerrit.gitUrlPrefix,
        gitEnv: options.gerrit.gitEnv,
        projects: options.gerrit.projects,
        write: options.gerrit.write,
        mirrorDir: path.join(options.workingDir, 'gerrit', 'git'),
        store,
        enqueue: (input) => queue.enqueue(input),
        taskUrl: (taskId) => `${masterUrl()}/#/tasks/${encodeURIComponent(taskId)}`,
        runtimeConfig,
        log: options.log,
      })
    : undefined;
  registerConfigurationsRoute(server, options.basePath, configurations);
  registerHostsRoute(server, options.basePath, hypervisor);
  registerGerritRoute(server, { basePath: options.basePath, store, gerrit });
  registerProjectSourceRoute(server, {
    basePath: options.basePath,
    agentToken,
    units: runner.units,
    sources,
  });
  await runtimeConfig.start();
  const maintenance = await stopMaintenanceServer(options.workingDir, options.log);
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  lock.updateLockInfo({ port });
  options.log.info(
    { port, workingDir: options.workingDir },
    `Coin is running at http://${options.host}:${port}${options.basePath}`,
  );
  queue.schedule();
  gerrit?.start();
  const gcTimer = setInterval(
    () => void automaticGc(options, store, artifacts, runner),
    options.gcIntervalMs,
  );
  const stop = async () => {
    clearInterval(gcTimer);
    await gerrit?.stop();
    if (maintenance)
      startMaintenanceDetached(options.workingDir, { ...maintenance, host: options.host, port });
    await runtimeConfig.stop();
    queue.stopping = true;
    runner.stopping = true;
    await pool.stopAll();
    await queue.idle();
    await server.close();
    const leaked = await hypervisor.cleanupLeaked();
    options.log.info({ removed: leaked }, `removed ${leaked} stale agent(s) at stop`);
    await logs.closeAll();
    store.close();
    await rm(path.join(options.workingDir, adminTokenFile), { force: true });
    lock.release();
  };
  return { port, url: masterUrl(), configurations, stop };
}
