/**
 * How this run of the instance reported its integrations (approved, would approve, failed, under
 * way), the last 200 kept: the overview shows it and judges Gerrit's view with it (a change
 * reported after Gerrit was asked may still show INTEGRATING there).
 */
import type { ChangeName } from '../../core/change-source';
import type { GerritReport } from '../../core/gerrit/gerrit-overview';

/** The report of one integration. */
export interface ReportRecord {
  readonly taskId: string | null;
  readonly changes: readonly ChangeName[];
  /** When the report started (ms). */
  readonly at: number;
  report: GerritReport;
  error: string | null;
}

/** Reports remembered. */
const reportsKept = 200;

export class ReportLog {
  /** Oldest first. */
  private readonly reports: ReportRecord[] = [];

  /** A report starts (`reporting` until it ends). */
  begin(taskId: string | null, changes: readonly ChangeName[]): ReportRecord {
    const entry: ReportRecord = { taskId, changes, at: Date.now(), report: 'reporting', error: null };
    this.reports.push(entry);
    if (this.reports.length > reportsKept) this.reports.splice(0, this.reports.length - reportsKept);
    return entry;
  }

  /** How this run reported a task's integration (undefined: not reported in this run). */
  reportOf(taskId: string): { report: GerritReport; error: string | null } | undefined {
    const found = this.reports.findLast((r) => r.taskId === taskId);
    return found && { report: found.report, error: found.error };
  }

  /** Reports under way, or started at or after `ms`. */
  reportedSince(ms: number): { taskId: string | null; changes: ChangeName[] }[] {
    return this.reports
      .filter((r) => r.at >= ms || r.report === 'reporting')
      .map((r) => ({ taskId: r.taskId, changes: [...r.changes] }));
  }
}
