/**
 * Gerrit as the change source and the reporter of an instance (Qt's staging workflow, docs/gerrit.md):
 * the staging workflow (staging-workflow.ts) on the Gerrit change source (gerrit-change-source.ts),
 * whose mirror is in the working directory (runner/node/sources/git-mirror.ts). What the overview
 * (`GET <base>/api/gerrit`, runner/node/server/gerrit-route.ts) reads is here.
 */
import type { Logger } from 'pino';
import type { ChangeName } from '../../core/change-source';
import type {
  GerritCiStatus,
  GerritConnectionState,
  GerritReport,
  GerritWaiting,
} from '../../core/gerrit/gerrit-overview';
import type { GerritChange } from '../../core/gerrit/gerrit-protocol';
import { defaultRuntimeConfig } from '../../core/runtime-config/config-schema';
import type { RuntimeConfigSource } from '../runtime-config/runtime-config-watcher';
import { GitMirror } from '../sources/git-mirror';
import type { SqliteStore } from '../store/sqlite-store';
import type { EnqueueIntegration } from './build-queue';
import { CiStatusPublisher } from './ci-status-publisher';
import type { GerritClient } from './gerrit-client';
import { GerritChangeSource } from './gerrit-change-source';
import { PrecheckRunner } from './precheck-runner';
import { StagingWorkflow } from './staging-workflow';

export type { EnqueueIntegration } from './build-queue';

export interface GerritIntegrationsOptions {
  client: GerritClient;
  /** `<prefix><project>` is a project's git URL (a path works). */
  gitUrlPrefix: string;
  /** Extra environment of `git fetch` (GIT_SSH_COMMAND). */
  gitEnv?: Record<string, string>;
  /** Only these projects (all when empty). */
  projects: readonly string[];
  /** Create builds and approve them (the real instance); otherwise only log what would be done. */
  write: boolean;
  /** Where project mirrors are kept (`<dir>/<project>`). */
  mirrorDir: string;
  store: SqliteStore;
  enqueue: EnqueueIntegration;
  /** The dashboard URL of a task, for the approval message. */
  taskUrl(taskId: string): string;
  /** The runtime configuration (gerrit_monitor: parallel rules, cherry-pick accumulation). */
  runtimeConfig?: RuntimeConfigSource;
  log: Logger;
  initialBackoffMs?: number;
  /** How often a writing instance publishes its load (`ci-status-update`); default 60 s. */
  ciStatusIntervalMs?: number;
  /** The name Gerrit shows for this CI in `ci-status-update` (default `Coin`). */
  ciName?: string;
}

/** What the instance knows right now, for `GET <base>/api/gerrit` (gerrit-route.ts). */
export interface GerritWatchFacts {
  write: boolean;
  projects: readonly string[];
  /** `ssh://user@host:port`. */
  server: string;
  connection: GerritConnectionState;
  ciStatus: GerritCiStatus;
  /** Tasks of this instance's builds that have not been reported. */
  inFlight: { taskId: string; project: string; branch: string; buildId: string | null }[];
  /** `project/branch` pairs whose new build is being fetched and queued. */
  preparing: string[];
  waiting: GerritWaiting[];
  /** `project/branch` pairs being looked at or to be looked at again (after an error). */
  looking: string[];
  /** Read-only: the last integration of refs/staging per project/branch and its changes. */
  integrated: { key: string; taskId: string; changes: number[] }[];
}

/** Gerrit's change numbers of named changes. */
function numbers(changes: readonly ChangeName[]): number[] {
  return changes.flatMap((c) => (c.number === null ? [] : [c.number]));
}

export class GerritIntegrations {
  private readonly workflow: StagingWorkflow;
  /** Only on the writing instance: read-only instances never write to Gerrit. */
  private readonly ciStatus: CiStatusPublisher | undefined;
  /** The plugin's precheck events, run as integrations and reported as review messages. */
  private readonly prechecks: PrecheckRunner;

  constructor(private readonly options: GerritIntegrationsOptions) {
    this.ciStatus = options.write
      ? new CiStatusPublisher({
          client: options.client,
          store: options.store,
          log: options.log,
          name: options.ciName ?? 'Coin',
          intervalMs: options.ciStatusIntervalMs ?? 60_000,
        })
      : undefined;
    const mirror = new GitMirror({
      dir: options.mirrorDir,
      urlPrefix: options.gitUrlPrefix,
      env: options.gitEnv,
    });
    const source = new GerritChangeSource({
      client: options.client,
      mirror,
      initialBackoffMs: options.initialBackoffMs,
      onPrecheck: (event) => this.prechecks.onPrecheck(event),
    });
    this.prechecks = new PrecheckRunner({
      source,
      client: options.client,
      store: options.store,
      enqueue: options.enqueue,
      write: options.write,
      wanted: (project) => this.workflow.wanted(project),
      taskUrl: options.taskUrl,
      log: options.log,
    });
    this.workflow = new StagingWorkflow({
      source,
      write: options.write,
      projects: options.projects,
      store: options.store,
      enqueue: options.enqueue,
      taskUrl: options.taskUrl,
      gerritMonitor: () => (options.runtimeConfig?.current() ?? defaultRuntimeConfig).gerrit_monitor,
      log: options.log,
    });
  }

  start(): void {
    this.workflow.start();
    this.ciStatus?.start();
  }

  async stop(): Promise<void> {
    await this.ciStatus?.stop();
    await this.prechecks.stop();
    await this.workflow.stop();
  }

  /** What the instance knows right now (for the overview; no I/O). */
  facts(): GerritWatchFacts {
    const { address } = this.options.client.options;
    const facts = this.workflow.facts();
    return {
      write: this.options.write,
      projects: [...this.options.projects],
      server: `ssh://${address.user}@${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
      connection: facts.connection,
      ciStatus: this.ciStatus?.current() ?? { state: 'read-only', at: null, error: null, last: null },
      inFlight: facts.inFlight,
      preparing: facts.preparing,
      waiting: facts.waiting.map((w) => ({ ...w, changes: numbers(w.changes) })),
      looking: facts.looking,
      integrated: facts.integrated.map((i) => ({
        key: i.key,
        taskId: i.taskId,
        changes: numbers(i.changes),
      })),
    };
  }

  /** How this run reported a task's integration (undefined: not reported in this run). */
  reportOf(taskId: string): { report: GerritReport; error: string | null } | undefined {
    return this.workflow.reports.reportOf(taskId);
  }

  /** Reports under way, or started at or after `ms` (Gerrit's view taken before them may be behind). */
  reportedSince(ms: number): { taskId: string | null; changes: number[] }[] {
    return this.workflow.reports
      .reportedSince(ms)
      .map((r) => ({ taskId: r.taskId, changes: numbers(r.changes) }));
  }

  /** `gerrit query` of the watched projects' changes (all when no project is named). */
  async query(terms: readonly string[]): Promise<GerritChange[]> {
    // After stop() the client is closed: a query would open a connection nobody closes.
    if (this.workflow.stopping) throw new Error('the instance is stopping');
    const watched = this.options.projects;
    // One project watched: Gerrit filters; otherwise every page is read and filtered here.
    const where = watched.length === 1 ? [`project:${watched[0]!}`] : [];
    const result = await this.options.client.query([...terms, ...where]);
    return result.changes.filter((c) => this.workflow.wanted(c.project));
  }
}
