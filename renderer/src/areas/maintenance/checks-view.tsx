/**
 * Daily monitoring: the guide's checklist, run by the app on the instance, with the evidence; a
 * failed check drafts a bug report.
 */
import { useCallback, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { BugReportDraft } from '../../../../runner/core/bug-report';
import { useDeskCall } from '../../use-desk-call';
import { BugReportDialog } from './bug-report-dialog';
import { checkSource, draftFor } from './bug-report-sources';
import { CheckMark } from './check-status';

export function ChecksView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const run = useCallback(() => desk.maintenanceChecks({ profileId }), [desk, profileId]);
  const [report, again] = useDeskCall(run);
  const data = report.data;
  const [draft, setDraft] = useState<BugReportDraft | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);
  return (
    <section className="card checks" aria-label="Daily monitoring" data-testid="checks">
      <div className="card-header">
        <h2>Daily monitoring {data && <CheckMark status={data.overall} />}</h2>
        <button type="button" onClick={again} disabled={report.status === 'loading'}>
          {report.status === 'loading' ? 'Checking…' : 'Run the checks again'}
        </button>
      </div>
      {report.status === 'error' && (
        <p className="error" role="alert">
          {report.message}
        </p>
      )}
      {!data && report.status === 'loading' && <p className="empty">Checking the instance…</p>}
      {data && (
        <>
          <p className="muted">Checked at {new Date(data.checkedAt).toLocaleString()}.</p>
          <ul className="check-list">
            {data.checks.map((check) => (
              <li key={check.id} data-check={check.id} data-status={check.status}>
                <div className="check-line">
                  <CheckMark status={check.status} />
                  <strong>{check.title}</strong>
                  <span>{check.summary}</span>
                  {check.status === 'fail' && (
                    <button
                      type="button"
                      onClick={() =>
                        void draftFor(desk, profileId, checkSource(check, data.checkedAt)).then(
                          setDraft,
                          (e: Error) => setDraftError(e.message),
                        )
                      }
                    >
                      Draft bug report
                    </button>
                  )}
                </div>
                {check.details.length > 0 && (
                  <details>
                    <summary>{check.details.length} detail line(s)</summary>
                    <pre className="check-details">{check.details.join('\n')}</pre>
                  </details>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {draftError && (
        <p className="error" role="alert">
          {draftError}
        </p>
      )}
      {draft && <BugReportDialog draft={draft} onClose={() => setDraft(null)} />}
    </section>
  );
}
