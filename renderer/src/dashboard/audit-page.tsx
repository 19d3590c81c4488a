/** The audit trail: every mutating action on the instance, who, when, from where and what; live. */
import { useCallback } from 'react';
import { formatTime } from './format';
import { routeHash } from './route';
import { useDashboard, useLoad, useStreamListener, useThrottled } from './use-dashboard';

/** The subject as a link when it is a task (its page), else as it is. */
function Subject({ subject }: { subject: string }) {
  if (!/^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(subject)) return <span className="mono">{subject}</span>;
  return (
    <a className="mono" href={routeHash({ page: 'task', taskId: subject })}>
      {subject.slice(0, 8)}
    </a>
  );
}

export function AuditPage() {
  const { client } = useDashboard();
  const audit = useLoad(useCallback((signal) => client.audit(signal), [client]));
  const reload = useThrottled(audit.reload, 500);
  useStreamListener({ event: (e) => e.kind === 'audit.recorded' && reload(), resync: reload });
  const entries = audit.data?.entries ?? [];
  return (
    <section className="page" data-testid="page-audit">
      <header className="page-header">
        <h1>Audit</h1>
        <p className="muted">
          Cancel, re-run, retry, dequeue, priority, GC, artifact invalidation, configuration saves, the
          maintenance page on and off.
        </p>
      </header>
      {audit.error && (
        <p className="error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.data && entries.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {entries.length > 0 && (
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Who</th>
              <th>From</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{formatTime(e.time)}</td>
                <td>{e.actor}</td>
                <td>{e.origin}</td>
                <td>{e.action}</td>
                <td>
                  <Subject subject={e.subject} />
                </td>
                <td className="mono">{JSON.stringify(e.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
