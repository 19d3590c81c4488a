/**
 * The read-only mode (staging-mode.ts): nothing is ever written to the change source (it holds a
 * reader, which has no writing methods). It integrates what the staging ref holds, each staging
 * state once, and logs and records what the writing instance would do: `gerrit (read-only):
 * would create build ...`, `... would approve ...`.
 */
import {
  changeLabel,
  type BuildOrigin,
  type ChangeName,
  type ChangeSourceReader,
  type SourceCommit,
} from '../../core/change-source';
import { wouldApprove, type ReportInput } from './build-reporter';
import type { StagingJournal } from './staging-journal';
import type { Flight, IntegratedStaging, StagingMode } from './staging-mode';

export class ReadOnlyStaging implements StagingMode {
  readonly write = false;
  readonly startMessage: string;
  /** The staging sha integrated last per project/branch (not integrated twice). */
  private readonly lastStaging = new Map<string, string>();
  /** The last integration of the staging ref per project/branch. */
  private readonly last = new Map<string, { taskId: string; changes: ChangeName[] }>();

  constructor(
    private readonly source: ChangeSourceReader,
    private readonly journal: StagingJournal,
  ) {
    this.startMessage = `${journal.name}: watching staged changes read-only; nothing is written to ${source.kind === 'gerrit' ? 'Gerrit' : 'the repositories'}`;
  }

  /** No build: the staging ref as it is (the build id is the one the writing instance would make). */
  async makeBuild(project: string, branch: string, buildId: string): Promise<BuildOrigin> {
    return { kind: this.source.kind, project, branch, buildId, ref: this.source.stagingRef(branch) };
  }

  admit(origin: BuildOrigin, sha: string, commits: readonly SourceCommit[]): BuildOrigin | undefined {
    const { project, branch, ref } = origin;
    const key = `${project}/${branch}`;
    if (this.lastStaging.get(key) === sha) return undefined;
    this.lastStaging.set(key, sha);
    this.journal.log.info(
      { project, branch, wouldCreate: origin.buildId, changes: commits.map(changeLabel) },
      `${this.journal.name} (read-only): would create build ${origin.buildId}; integrating ${ref} at ${sha} instead`,
    );
    return { ...origin, buildId: null };
  }

  queued(origin: BuildOrigin, taskId: string, commits: readonly SourceCommit[]): void {
    const changes = commits.map((c) => ({ id: c.id, number: c.number }));
    this.last.set(`${origin.project}/${origin.branch}`, { taskId, changes });
  }

  /** Nothing to undo at the source: the error goes on (the project/branch is looked at again). */
  async notQueued(_origin: BuildOrigin, error: unknown): Promise<void> {
    throw error;
  }

  async report(input: ReportInput): Promise<void> {
    wouldApprove(this.journal, input);
  }

  allowsParallel(): boolean {
    return false;
  }

  async unreported(): Promise<Flight[]> {
    return [];
  }

  integrated(): IntegratedStaging[] {
    return [...this.last].map(([key, i]) => ({ key, taskId: i.taskId, changes: [...i.changes] }));
  }
}
