/**
 * Reports a finished integration to its change source: approve its build (pass or fail) with the
 * message, tried up to three times while the source does not answer (1 s, then 2 s later), not
 * again once it refused. An instance that does not write, and a build that was never made, only
 * say what would be approved.
 */
import { ChangeSourceRefusal, type BuildOrigin, type ChangeSource } from '../../core/change-source';
import type { ReportRecord } from './report-log';
import { errorText, type StagingJournal } from './staging-journal';

/** One finished integration to report. */
export interface ReportInput {
  readonly origin: BuildOrigin;
  readonly result: 'pass' | 'fail';
  readonly message: string;
  readonly taskId: string | null;
  /** Where the outcome is kept (report-log.ts). */
  readonly record: ReportRecord;
}

const attempts = 3;

/**
 * The source took a pass and did not merge its changes (Qt's plugin: `staging-approve pass` exits 0
 * and the changes are back in NEW after a merge conflict with a parallel integration).
 */
export class PassNotMergedError extends ChangeSourceRefusal {
  constructor(
    readonly changes: readonly { number: number; status: string }[],
    buildId: string,
  ) {
    const list = changes.map((c) => `${c.number} (${c.status})`).join(', ');
    super(`build ${buildId} passed but Gerrit did not merge ${list}: they must be staged again`);
    this.name = 'PassNotMergedError';
  }
}

/** Say (log and record) what would be approved, without writing anything. */
export function wouldApprove(journal: StagingJournal, input: ReportInput): void {
  const { project, branch } = input.origin;
  const { result, message, taskId } = input;
  input.record.report = 'would-approve';
  journal.log.info(
    { taskId, project, branch, result },
    `${journal.name} (read-only): would approve ${project} ${branch} ${result}: ${message.split('\n')[0]}`,
  );
  journal.record('would-approve', taskId ?? `${project}/${branch}`, { project, branch, result, message });
}

export class BuildReporter {
  constructor(
    private readonly source: ChangeSource,
    private readonly journal: StagingJournal,
    private readonly stopping: () => boolean,
  ) {}

  /** Approve the build; throws (after recording it) when it cannot be done. */
  async approve(input: ReportInput): Promise<void> {
    const { origin, result, message } = input;
    if (origin.buildId === null) return wouldApprove(this.journal, input);
    const build = { project: origin.project, branch: origin.branch, buildId: origin.buildId };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.source.report(build, result, message);
        return this.approved(input, build.buildId);
      } catch (error) {
        if (error instanceof PassNotMergedError) return this.notMerged(input, build.buildId, error);
        if (attempt >= attempts || this.stopping() || error instanceof ChangeSourceRefusal) {
          this.failed(input, build.buildId, error);
          throw new Error(`approving ${build.buildId} (${result}) failed: ${errorText(error)}`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }

  private approved(input: ReportInput, buildId: string): void {
    const { project, branch } = input.origin;
    const { result, message, taskId } = input;
    this.journal.log.info(
      { taskId, project, branch, buildId, result },
      `${this.journal.name}: build ${buildId} approved: ${result}`,
    );
    input.record.report = 'approved';
    this.journal.record('approved', taskId ?? `${project}/${branch}`, {
      project,
      branch,
      buildId,
      result,
      message,
    });
  }

  /** A pass that did not merge: an outcome to show, not an error to retry. */
  private notMerged(input: ReportInput, buildId: string, error: PassNotMergedError): void {
    const { project, branch } = input.origin;
    input.record.report = 'not-merged';
    input.record.error = error.message;
    this.journal.log.warn(
      { taskId: input.taskId, project, branch, buildId },
      `${this.journal.name}: ${error.message}`,
    );
    this.journal.record('not-merged', input.taskId ?? `${project}/${branch}`, {
      project,
      branch,
      buildId,
      changes: error.changes.map((c) => c.number),
      error: error.message,
    });
  }

  private failed(input: ReportInput, buildId: string, error: unknown): void {
    const { project, branch } = input.origin;
    input.record.report = 'approve-failed';
    input.record.error = errorText(error);
    this.journal.record('approve-failed', input.taskId ?? `${project}/${branch}`, {
      project,
      branch,
      buildId,
      result: input.result,
      error: errorText(error),
    });
  }
}
