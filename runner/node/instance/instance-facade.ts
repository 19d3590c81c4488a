/**
 * What a running instance offers the parts that serve it (the web server): its state, its
 * stores, the agents' hub, the work it runs and the operations people may ask of it. The server
 * registers its routes from this; the instance never knows about HTTP.
 */
import type { EventEmitter } from 'node:events';
import type { PlatformConfiguration } from '../../core/coin-files/platform-configs';
import type { Hypervisor } from '../../core/hypervisor';
import type { WorkUnit } from '../../core/work-unit';
import type { GerritIntegrations } from '../gerrit/gerrit-integrations';
import type { SourceCache } from '../sources/source-cache';
import type { ArtifactStore } from '../store/artifact-store';
import type { LogStore } from '../store/log-store';
import type { SqliteStore } from '../store/sqlite-store';
import type { HealthMonitor } from './health-monitor';
import type { AgentHub } from './agent-hub';
import type { TaskControl } from './task-control';

export interface InstanceFacade {
  store: SqliteStore;
  artifacts: ArtifactStore;
  logs: LogStore;
  hub: AgentHub;
  /** Work units of running tasks by id (the agent endpoints look them up). */
  units: ReadonlyMap<string, WorkUnit>;
  /** Writes need it (the CLI reads it from the working directory). */
  adminToken: string;
  /** Agents present it. */
  agentToken: string;
  /** Validate and queue an integration; resolves to the new task's id (InstanceRequestError when refused). */
  submitIntegration(body: unknown): Promise<string>;
  /** Cancel, dequeue, priority, re-run, retry (task-control.ts), audited; absent on a bare server (tests of routes). */
  control?: TaskControl;
  /** Admin actions by name (`gc`, `invalidate-artifacts`). */
  adminActions: Readonly<Record<string, (body: unknown) => Promise<unknown>>>;
  /** Disk and artifact figures for the storage view. */
  storage(): Promise<object>;
  /** Source archives of repositories at revisions. */
  sources: SourceCache;
  /** Emits ('log', workItemId, lines) as agents stream output. */
  logBus: EventEmitter;
  /** The platform configurations the instance offers. */
  configurations: readonly PlatformConfiguration[];
  /** Where its agents come from (the hosts view asks it). */
  hypervisor: Hypervisor;
  /** Gerrit as change source and reporter; undefined when the instance does not watch one. */
  gerrit: GerritIntegrations | undefined;
  /** Its own health checks: run on request, stored, scheduled (runner/node/instance/health-monitor.ts). */
  health: HealthMonitor;
}
