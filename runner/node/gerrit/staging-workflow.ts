/**
 * The staging workflow of an instance on one change source, put together: the mode chosen once
 * (staging-writing.ts when the instance writes, staging-read-only.ts otherwise, which is handed
 * only a read-only view of the source), the report log and the per-branch loop
 * (staging-coordinator.ts). gerrit-integrations.ts runs it on Gerrit.
 */
import type { Logger } from 'pino';
import { readOnlyView, type ChangeSource } from '../../core/change-source';
import type { GerritMonitorConfig } from '../../core/runtime-config/config-schema';
import type { SqliteStore } from '../store/sqlite-store';
import type { EnqueueIntegration } from './build-queue';
import { ReportLog } from './report-log';
import { StagingCoordinator, type CoordinatorFacts } from './staging-coordinator';
import { StagingJournal } from './staging-journal';
import type { StagingMode, StagingModeDeps } from './staging-mode';
import { ReadOnlyStaging } from './staging-read-only';
import { WritingStaging } from './staging-writing';

export interface StagingWorkflowOptions {
  source: ChangeSource;
  /** Create builds and report them (the real instance); otherwise only say what would be done. */
  write: boolean;
  /** Only these projects (all when empty). */
  projects: readonly string[];
  store: SqliteStore;
  enqueue: EnqueueIntegration;
  /** The dashboard URL of a task, for the report's message. */
  taskUrl(taskId: string): string;
  /** The runtime configuration's gerrit_monitor (cherry-pick accumulation, parallel rules). */
  gerritMonitor(): GerritMonitorConfig;
  log: Logger;
}

/** The mode of the instance, chosen once: writing only when it was told to. */
function stagingMode(write: boolean, deps: StagingModeDeps): StagingMode {
  if (write) return new WritingStaging(deps);
  // The read-only mode gets a view without the writing methods: it has no way to write.
  return new ReadOnlyStaging(readOnlyView(deps.source), deps.journal);
}

export class StagingWorkflow {
  readonly reports = new ReportLog();
  readonly mode: StagingMode;
  private readonly coordinator: StagingCoordinator;
  private stopped = false;

  constructor(options: StagingWorkflowOptions) {
    const stopping = () => this.stopped;
    const { source, store, gerritMonitor } = options;
    const journal = new StagingJournal(store, options.log, source.kind, stopping);
    this.mode = stagingMode(options.write, {
      source,
      journal,
      reports: this.reports,
      store,
      gerritMonitor,
      stopping,
    });
    this.coordinator = new StagingCoordinator({
      source: readOnlyView(source),
      mode: this.mode,
      journal,
      reports: this.reports,
      projects: options.projects,
      store,
      enqueue: options.enqueue,
      taskUrl: options.taskUrl,
      gerritMonitor,
      stopping,
    });
  }

  /** True once stop() was called. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    this.coordinator.start();
  }

  /** Stop following the source, wait for the work under way, close the source. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.coordinator.stop();
  }

  facts(): CoordinatorFacts {
    return this.coordinator.facts();
  }

  /** Whether the instance watches `project`. */
  wanted(project: string): boolean {
    return this.coordinator.wanted(project);
  }
}
