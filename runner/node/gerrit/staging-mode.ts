/**
 * Whether the instance writes to its change source, decided once at start: the writing mode (the
 * "real" instance: `coin run --instance real --gerrit-write`) makes builds and approves them; the
 * read-only mode (every other instance: private instances must never write to Gerrit) integrates
 * what the staging ref holds and only says what it would have done. Every difference between the
 * two is a method here (staging-writing.ts, staging-read-only.ts); the coordinator
 * (staging-coordinator.ts) never asks which mode it runs.
 */
import type { BuildOrigin, ChangeName, ChangeSource, SourceCommit } from '../../core/change-source';
import type { GerritMonitorConfig } from '../../core/runtime-config/config-schema';
import type { SqliteStore } from '../store/sqlite-store';
import type { ReportInput } from './build-reporter';
import type { ReportLog } from './report-log';
import type { StagingJournal } from './staging-journal';

/** A build of this instance whose integration runs (or ran) as a task. */
export interface Flight {
  readonly taskId: string;
  readonly origin: BuildOrigin;
}

/** Read-only: the last integration of the staging ref of a project/branch. */
export interface IntegratedStaging {
  readonly key: string;
  readonly taskId: string;
  readonly changes: readonly ChangeName[];
}

export interface StagingMode {
  readonly write: boolean;
  /** What the instance says when it starts watching. */
  readonly startMessage: string;
  /** Make the build of what is staged on a project/branch; undefined when nothing (new) is staged. */
  makeBuild(project: string, branch: string, buildId: string): Promise<BuildOrigin | undefined>;
  /** The origin a fetched build is integrated with; undefined when it is not to be integrated. */
  admit(origin: BuildOrigin, sha: string, commits: readonly SourceCommit[]): BuildOrigin | undefined;
  /** The integration of a build was queued as `taskId`. */
  queued(origin: BuildOrigin, taskId: string, commits: readonly SourceCommit[]): void;
  /** The build could not be fetched or planned (a broken coin/ file): what to do instead. */
  notQueued(origin: BuildOrigin, error: unknown, changes: readonly ChangeName[]): Promise<void>;
  /** Report a finished integration. */
  report(input: ReportInput): Promise<void>;
  /** Whether a new build of a project/branch may be made while one of this instance's runs. */
  allowsParallel(project: string, branch: string): boolean;
  /** After (re)connecting: finished builds whose changes still integrate and nobody reports. */
  unreported(inFlight: ReadonlyMap<string, Flight>): Promise<Flight[]>;
  /** Read-only: what was integrated last, per project/branch. */
  integrated(): IntegratedStaging[];
}

/** What either mode needs. */
export interface StagingModeDeps {
  /** The only reference to a source that can write; the read-only mode is given none. */
  source: ChangeSource;
  journal: StagingJournal;
  reports: ReportLog;
  store: SqliteStore;
  gerritMonitor(): GerritMonitorConfig;
  stopping(): boolean;
}
