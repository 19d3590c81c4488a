/**
 * The writing mode (staging-mode.ts) of the one "real" instance: it makes a build of what is
 * staged (`staging-new-build`), reports every integration (build-reporter.ts), fails at once a
 * build it cannot integrate (so its changes do not stay INTEGRATING), may build a project/branch
 * again while a build runs where a parallel_project_rules entry says so, and after every
 * (re)connection approves again the builds whose approval was refused or never sent.
 */
import {
  buildOriginOf,
  type BuildOrigin,
  type ChangeName,
  type ChangeSource,
} from '../../core/change-source';
import { integrationMessage } from '../../core/gerrit/gerrit-protocol';
import { isFinalTaskState } from '../../core/model';
import { matchingParallelRules } from '../../core/runtime-config/integration-starts';
import { testedChangeNames } from '../../core/tested-change';
import { BuildReporter, type ReportInput } from './build-reporter';
import { errorText, type StagingJournal } from './staging-journal';
import type { Flight, IntegratedStaging, StagingMode, StagingModeDeps } from './staging-mode';

export class WritingStaging implements StagingMode {
  readonly write = true;
  readonly startMessage: string;
  private readonly source: ChangeSource;
  private readonly journal: StagingJournal;
  private readonly reporter: BuildReporter;

  constructor(private readonly deps: StagingModeDeps) {
    this.source = deps.source;
    this.journal = deps.journal;
    this.reporter = new BuildReporter(deps.source, deps.journal, deps.stopping);
    this.startMessage = `${deps.journal.name}: watching staged changes; this instance creates builds and approves them`;
  }

  async makeBuild(project: string, branch: string, buildId: string): Promise<BuildOrigin | undefined> {
    const ref = await this.source.createBuild(project, branch, buildId);
    return ref === null ? undefined : { kind: this.source.kind, project, branch, buildId, ref };
  }

  admit(origin: BuildOrigin): BuildOrigin {
    return origin;
  }

  queued(): void {
    // a build is reported when its task ends: nothing to remember here
  }

  /** The build fails at once with the error as its message (unless the instance is stopping). */
  async notQueued(origin: BuildOrigin, error: unknown, changes: readonly ChangeName[]): Promise<void> {
    if (this.deps.stopping()) throw error;
    const { project, branch, buildId } = origin;
    this.journal.log.warn(
      { project, branch, buildId, err: errorText(error) },
      `${this.journal.name}: build ${buildId} cannot run`,
    );
    await this.report({
      origin,
      result: 'fail',
      message: integrationMessage('fail', null, errorText(error)),
      taskId: null,
      record: this.deps.reports.begin(null, changes),
    });
  }

  report(input: ReportInput): Promise<void> {
    return this.reporter.approve(input);
  }

  allowsParallel(project: string, branch: string): boolean {
    return matchingParallelRules(this.deps.gerritMonitor(), `${project}/${branch}`).length > 0;
  }

  /**
   * The last build of each project/branch whose task ended while the source still shows its
   * changes integrating (the approval failed, or the instance stopped before it).
   */
  async unreported(inFlight: ReadonlyMap<string, Flight>): Promise<Flight[]> {
    const integrating = await this.source.integratingChanges();
    if (integrating.length === 0) return [];
    const ids = new Set(integrating.map((c) => c.id));
    const seen = new Set<string>();
    const found: Flight[] = [];
    for (const task of this.deps.store.listTasks({ type: 'Integration', max: 1000 }).tasks) {
      const origin = buildOriginOf(task.source, this.source.kind);
      if (!origin || origin.buildId === null) continue;
      const key = `${origin.project}/${origin.branch}`;
      if (seen.has(key)) continue; // newest first: only the last build of a project/branch
      seen.add(key);
      if (!isFinalTaskState(task.state) || inFlight.has(task.id)) continue;
      if (!testedChangeNames(task.testedChanges).some((c) => ids.has(c.id))) continue;
      this.journal.log.info(
        { taskId: task.id, buildId: origin.buildId },
        `${this.journal.name}: build ${origin.buildId} ended but is not reported yet: approving it now`,
      );
      found.push({ taskId: task.id, origin });
    }
    return found;
  }

  integrated(): IntegratedStaging[] {
    return [];
  }
}
