/** Daily monitoring: the guide's checklist, run by the app on the instance, with the evidence. */
import { useCallback } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { useDeskCall } from '../../use-desk-call';
import { CheckMark } from './check-status';

export function ChecksView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const run = useCallback(() => desk.maintenanceChecks({ profileId }), [desk, profileId]);
  const [report, again] = useDeskCall(run);
  const data = report.data;
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
    </section>
  );
}
