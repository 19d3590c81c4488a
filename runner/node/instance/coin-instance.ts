/**
 * A Coin instance in its working directory (which the caller has locked): state in SQLite,
 * artifacts and logs on disk, agents from a hypervisor, the task queue and, when asked, Gerrit.
 * Opening recovers what a stopped or killed run left (interrupted work items discarded, tasks
 * re-queued, stale agents removed); closing leaves interrupted work as it is, for the next start to
 * discard. It knows nothing of HTTP: runner/node/daemon serves it (runner/node/server).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { abortable } from '../abortable';
import { GerritClient } from '../gerrit/gerrit-client';
import { GerritIntegrations } from '../gerrit/gerrit-integrations';
import type { GerritSshOptions } from '../gerrit/gerrit-ssh';
import { RuntimeConfigWatcher } from '../runtime-config/runtime-config-watcher';
import { SourceCache } from '../sources/source-cache';
import { ArtifactStore } from '../store/artifact-store';
import type { InstanceLock } from '../store/instance-lock';
import { LogStore } from '../store/log-store';
import { SqliteStore } from '../store/sqlite-store';
import { AgentHub } from './agent-hub';
import { AgentPool } from './agent-pool';
import { adminActions, automaticGc, type InstanceAdminDeps } from './instance-admin';
import { instanceConfigurations } from './instance-configurations';
import type { InstanceFacade } from './instance-facade';
import {
  agentSpecOf,
  instanceHypervisor,
  type InstanceHypervisor,
  type OpenNebulaInstanceOptions,
} from './instance-hypervisor';
import { storageReport } from './storage-report';
import { TaskControl } from './task-control';
import { TaskQueue } from './task-queue';
import { TaskRunner } from './task-runner';
import { registerDiagnosticsHook } from './diagnostics-hook';
import { defaultHealthIntervalMinutes, HealthMonitor, type HealthOptions } from './health-monitor';
import type { AgentCommand } from '../hypervisors/local-hypervisor';

export interface InstanceOptions {
  workingDir: string;
  host: string;
  port: number;
  basePath: string;
  instanceKind: 'local' | 'private' | 'real';
  platformConfigsDir?: string;
  maxAgents: number;
  /** Agents started with the instance and kept while idle (agent-pool.ts); none by default. */
  readyAgents?: number;
  /** argv that starts an agent process (before its own flags). */
  agentCommand: AgentCommand;
  agentIdleTimeoutMs: number;
  /** Free disk the automatic garbage collection keeps (bytes). */
  gcMinFreeBytes: number;
  /** How often the automatic collection looks at the disk (ms). */
  gcIntervalMs: number;
  /** A cancel's SIGTERM-to-SIGKILL grace period (ms); default defaultCancelGraceMs. */
  cancelGraceMs?: number;
  /** Gerrit as the change source and reporter (runner/node/gerrit/gerrit-integrations.ts). */
  gerrit?: GerritInstanceOptions;
  /** Agents in OpenNebula VMs instead of local processes (docs/opennebula.md). */
  opennebula?: OpenNebulaInstanceOptions;
  /** Names the web server answers to besides loopback, `host` and the agents' address (reverse proxies). */
  allowedHosts?: readonly string[];
  /** The health checks it runs on itself (runner/node/instance/health-monitor.ts); hourly, no extra web server by default. */
  health?: HealthOptions;
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

/** File in the working directory holding the admin token (mode 0600) the CLI uses. */
export const adminTokenFile = 'admin-token';

/**
 * Remove the files of work items that no longer exist (discarded after an interruption): logs,
 * their batch times (log-time-index.ts), line checkpoints (log-line-checkpoints.ts) and test results.
 */
async function sweepLogs(workingDir: string, store: SqliteStore): Promise<number> {
  const dir = path.join(workingDir, 'logs');
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!store.getWorkItem(name.replace(/\.(log|times|lines|tests\.json)$/, ''))) {
      await rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

async function openState(options: InstanceOptions, lock: InstanceLock) {
  const storeLog = { info: (m: string) => options.log.info(m), warn: (m: string) => options.log.warn(m) };
  const store = SqliteStore.open(options.workingDir, { log: storeLog });
  const events = store.beginEventStream();
  if (!events.continued)
    options.log.info(
      { eventStream: events.stream },
      'new event stream: the last run did not stop cleanly (or there was none), so dashboards re-read everything',
    );
  const artifacts = await ArtifactStore.open(options.workingDir, store, { log: storeLog });
  const logs = await LogStore.create(options.workingDir, Date.now, store.logTimes);
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

/** An instance opened on a locked working directory, not serving yet. */
export interface OpenInstance {
  /** What the web server serves. */
  facade: InstanceFacade;
  /** The address agents reach the instance on (the server must answer to it). */
  agentAddress: string;
  /** The server listens on `port`: agents and links get URLs with it, and work starts. */
  begin(port: number): void;
  /** Stop taking and running work (the server can close after this); `step` names each step. */
  quiesce(step?: StopStep): Promise<void>;
  /** Release the rest: leaked agents, logs, the store, the admin token file. */
  close(step?: StopStep): Promise<void>;
  /** Ends a stop that hangs (`coin run --stop-timeout-seconds`): store closed cleanly, token gone. */
  forceClose(): void;
}

/** Told the name of each step of a stop as it begins (what a stop that hangs is stuck in). */
export type StopStep = (name: string) => void;

/** The parts of an instance, wired. */
interface Parts {
  store: SqliteStore;
  artifacts: ArtifactStore;
  logs: LogStore;
  hub: AgentHub;
  pool: AgentPool;
  runner: TaskRunner;
  queue: TaskQueue;
  runtimeConfig: RuntimeConfigWatcher;
  configurations: readonly PlatformConfiguration[];
  placement: InstanceHypervisor;
  logBus: EventEmitter;
  sources: SourceCache;
}

/** Where agents and links reach the instance once it listens. */
interface Address {
  port: number;
}

function agentHub(options: InstanceOptions, logs: LogStore, logBus: EventEmitter, pool: () => AgentPool) {
  logs.onSharedOutput((workItemId, bytes, frame) => {
    const delivery = { behind: false, held: false };
    logBus.emit('output', workItemId, bytes, frame, delivery);
    return delivery;
  });
  return new AgentHub({
    connected: (agentId, info) => options.log.info({ agentId, ...info }, `agent ${agentId} connected`),
    disconnected: (agentId) => pool().lost(agentId),
    log: (workItemId, lines) => {
      logs.append(workItemId, lines);
      logBus.emit('log', workItemId, lines);
    },
    output: (workItemId, bytes, frame) => {
      logs.appendBytes(workItemId, bytes);
      logBus.emit('output', workItemId, bytes, frame);
    },
    grown: (workItemId, size) => logs.grown(workItemId, size),
  });
}

function wireParts(
  options: InstanceOptions,
  state: { store: SqliteStore; artifacts: ArtifactStore; logs: LogStore },
  placement: InstanceHypervisor,
  agentToken: string,
  address: Address,
): Parts {
  const { store, artifacts, logs } = state;
  const configurations = instanceConfigurations(options.platformConfigsDir);
  const logBus = new EventEmitter().setMaxListeners(0);
  // The hub reports lost agents to the pool, which itself needs the hub.
  const poolRef: { current?: AgentPool } = {};
  const hub = agentHub(options, logs, logBus, () => poolRef.current!);
  const pool = new AgentPool({
    hypervisor: placement.hypervisor,
    hub,
    store,
    capacity: options.maxAgents,
    masterUrl: () => `http://${placement.agentAddress}:${address.port}${options.basePath}`,
    token: agentToken,
    idleTimeoutMs: options.agentIdleTimeoutMs,
    connectTimeoutMs: placement.connectTimeoutMs,
    ready: options.readyAgents,
  });
  poolRef.current = pool;
  const runtimeConfig = new RuntimeConfigWatcher({ workingDir: options.workingDir, store, log: options.log });
  // agents on this machine copy each revision's tree, unpacked once here
  const sources = new SourceCache(
    path.join(options.workingDir, 'cache', 'sources'),
    undefined,
    placement.agentsOnThisMachine,
  );
  const runner = new TaskRunner({
    sources,
    store,
    artifacts,
    hub,
    pool,
    logs,
    log: options.log,
    cancelGraceMs: options.cancelGraceMs,
    agentsOnThisMachine: placement.agentsOnThisMachine,
    agentSpec: options.opennebula
      ? (unit) => ({
          ...agentSpecOf(unit.configuration, configurations, runtimeConfig.current()),
          ...(unit.cores ? { cores: unit.cores } : {}),
        })
      : undefined,
  });
  const queue = new TaskQueue({
    store,
    runner,
    configurations,
    log: options.log,
    runtimeConfig,
    // made once per revision; a failure shows when a work item asks for them
    prepareSources: (repo, sha) => void sources.archiveWithHash(repo, sha).catch(() => undefined),
  });
  return { ...state, hub, pool, runner, queue, runtimeConfig, configurations, placement, logBus, sources };
}

function gerritOf(options: InstanceOptions, parts: Parts, address: Address): GerritIntegrations | undefined {
  const gerrit = options.gerrit;
  if (!gerrit) return undefined;
  return new GerritIntegrations({
    client: new GerritClient(gerrit.ssh),
    gitUrlPrefix: gerrit.gitUrlPrefix,
    gitEnv: gerrit.gitEnv,
    projects: gerrit.projects,
    write: gerrit.write,
    mirrorDir: path.join(options.workingDir, 'gerrit', 'git'),
    store: parts.store,
    enqueue: (input) => parts.queue.enqueue(input),
    taskUrl: (taskId) =>
      `http://127.0.0.1:${address.port}${options.basePath}/#/tasks/${encodeURIComponent(taskId)}`,
    runtimeConfig: parts.runtimeConfig,
    log: options.log,
  });
}

function facadeOf(
  options: InstanceOptions,
  parts: Parts,
  tokens: { adminToken: string; agentToken: string },
  gerrit: GerritIntegrations | undefined,
  health: HealthMonitor,
): InstanceFacade {
  const admin: InstanceAdminDeps = { ...options, ...parts };
  return {
    ...tokens,
    store: parts.store,
    artifacts: parts.artifacts,
    logs: parts.logs,
    hub: parts.hub,
    units: parts.runner.units,
    submitIntegration: (body) => parts.queue.submit(body),
    control: new TaskControl({ store: parts.store, queue: parts.queue, runner: parts.runner }),
    adminActions: adminActions(admin),
    storage: async () => storageReport(parts.store, options.workingDir, options.gcMinFreeBytes),
    sources: parts.sources,
    logBus: parts.logBus,
    configurations: parts.configurations,
    hypervisor: parts.placement.hypervisor,
    gerrit,
    health,
  };
}

function healthMonitorOf(options: InstanceOptions, parts: Parts): HealthMonitor {
  return new HealthMonitor({
    store: parts.store,
    hypervisor: parts.placement.hypervisor,
    hypervisorEndpoint: options.opennebula?.url ?? parts.placement.hypervisor.name,
    storage: async () => storageReport(parts.store, options.workingDir, options.gcMinFreeBytes),
    options: options.health ?? { intervalMinutes: defaultHealthIntervalMinutes, webServers: [] },
    log: { warn: (m) => options.log.warn(m) },
  });
}

/** What starting and stopping the work does, once the instance is wired. */
function lifecycle(
  options: InstanceOptions,
  parts: Parts,
  gerrit: GerritIntegrations | undefined,
  address: Address,
  health: HealthMonitor,
) {
  let gcTimer: NodeJS.Timeout | undefined;
  const admin: InstanceAdminDeps = { ...options, ...parts };
  // the last of a stop, clean or forced: what the run wrote committed, the token gone
  const closeStore = () => {
    parts.store.close();
    rmSync(path.join(options.workingDir, adminTokenFile), { force: true });
  };
  return {
    begin(port: number) {
      address.port = port;
      parts.queue.schedule();
      // the ready agents start now that they have a URL to connect to
      void parts.pool.fillReady().then((errors) => {
        for (const error of errors)
          if (!parts.queue.stopping) options.log.warn(`a ready agent could not be started: ${error.message}`);
      });
      gerrit?.start();
      gcTimer = setInterval(() => void automaticGc(admin), options.gcIntervalMs);
      health.start();
    },
    async quiesce(step: StopStep = () => undefined) {
      clearInterval(gcTimer);
      step('stopping the health monitor');
      await health.stop();
      step('stopping the Gerrit connection');
      await gerrit?.stop();
      step('stopping the runtime configuration watcher');
      await parts.runtimeConfig.stop();
      parts.queue.stopping = true;
      parts.runner.stopping = true;
      step('stopping the agents');
      await parts.pool.stopAll();
      step('waiting for the running integrations to wind down');
      await parts.queue.idle();
    },
    async close(step: StopStep = () => undefined) {
      step('removing leaked agents');
      const leaked = await parts.placement.hypervisor.cleanupLeaked();
      options.log.info({ removed: leaked }, `removed ${leaked} stale agent(s) at stop`);
      step('closing the logs');
      await parts.logs.closeAll();
      closeStore();
    },
    forceClose: closeStore,
  };
}

/**
 * Open the instance of a locked working directory: recover its state, check its hypervisor and
 * clean the agents a previous run leaked. A signal (options.signal) ends the steps that may wait
 * on other machines at once, with everything opened so far closed again.
 */
export async function openInstance(options: InstanceOptions, lock: InstanceLock): Promise<OpenInstance> {
  options.signal?.throwIfAborted();
  const state = await openState(options, lock);
  const step = async <T>(work: Promise<T>): Promise<T> =>
    abortable(work, options.signal).catch(async (error: unknown) => {
      await state.logs.closeAll();
      state.store.close();
      throw error;
    });
  await step(Promise.resolve());
  const placement = await step(instanceHypervisor(options));
  const stale = await step(placement.hypervisor.cleanupLeaked());
  options.log.info({ removed: stale }, `removed ${stale} stale agent(s) at start`);
  await step(Promise.resolve());
  const tokens = { adminToken: randomBytes(32).toString('hex'), agentToken: randomBytes(32).toString('hex') };
  await writeFile(path.join(options.workingDir, adminTokenFile), tokens.adminToken, { mode: 0o600 });
  const address: Address = { port: 0 };
  const parts = wireParts(options, state, placement, tokens.agentToken, address);
  registerDiagnosticsHook({ workingDir: options.workingDir, store: parts.store, hub: parts.hub });
  const gerrit = gerritOf(options, parts, address);
  await parts.runtimeConfig.start();
  const health = healthMonitorOf(options, parts);
  return {
    facade: facadeOf(options, parts, tokens, gerrit, health),
    agentAddress: placement.agentAddress,
    ...lifecycle(options, parts, gerrit, address, health),
  };
}
