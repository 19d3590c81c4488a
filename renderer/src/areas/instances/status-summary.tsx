import type { InstanceStatus } from '../../../../electron/common/instance-schemas';
import { formatBytes } from '../../../../runner/core/format-bytes';
import { ago, stateTone } from './format';
import { instanceTone, runsWithoutService } from './instance-holder';

function ConnectionLine({ status }: { status: InstanceStatus }) {
  const c = status.connection;
  const text =
    c.state === 'reconnecting'
      ? `reconnecting (attempt ${c.attempt})${c.error ? `: ${c.error}` : ''}`
      : c.state === 'failed'
        ? `failed: ${c.error ?? 'unknown error'}`
        : c.state;
  return (
    <div data-testid="connection-state" className={c.state === 'connected' ? '' : 'warn-text'}>
      {text}
    </div>
  );
}

/** What holds the working directory: the same fact the Local runner card and every other view show. */
function InstanceLine({ instance }: { instance: InstanceStatus['instance'] }) {
  if (!instance) return <>—</>;
  return (
    <>
      <span className={`badge badge-${instanceTone(instance)}`} data-testid="instance-state">
        {instance.state === 'none' ? 'not running' : instance.state}
      </span>{' '}
      <span data-testid="instance-detail">{instance.detail}</span>
      {instance.startedAt && instance.state !== 'none' && (
        <span className="muted"> · since {new Date(instance.startedAt).toLocaleString()}</span>
      )}
    </>
  );
}

/** Status at a glance: connection, the directory's instance, service, version, disk, agents and tasks. */
export function StatusSummary({ status }: { status: InstanceStatus }) {
  const { service, disk, activity } = status;
  return (
    <dl className="status-grid" data-testid="instance-status">
      <dt>Connection</dt>
      <dd>
        <ConnectionLine status={status} />
      </dd>
      <dt>Instance</dt>
      <dd>
        <InstanceLine instance={status.instance} />
      </dd>
      <dt>Service</dt>
      <dd data-testid="service-state">
        {service ? (
          <>
            <span className={`badge badge-${stateTone(service.state)}`}>{service.state}</span> (
            {service.subState})
            {service.since && ` since ${new Date(service.since).toLocaleString()} (${ago(service.since)})`}
            {service.pid !== null && ` · pid ${service.pid}`}
            <div className="muted small">
              {service.manager === 'systemd' ? 'systemd user service' : 'coin service'}: {service.detail}
            </div>
            {runsWithoutService(status.instance, service) && (
              <div className="small" data-testid="service-not-it">
                The instance above runs all the same: the service did not start it.
              </div>
            )}
          </>
        ) : (
          '—'
        )}
      </dd>
      <dt>Version</dt>
      <dd data-testid="coin-version">{status.version ?? '—'}</dd>
      <dt>Disk free</dt>
      <dd>{disk ? `${formatBytes(disk.freeBytes)} of ${formatBytes(disk.totalBytes)}` : '—'}</dd>
      <dt>Agents</dt>
      <dd data-testid="agent-counts">
        {activity ? `${activity.agents.waiting ?? 0} waiting · ${activity.agents.running ?? 0} running` : '—'}
      </dd>
      <dt>Latest tasks</dt>
      <dd>
        {activity && activity.tasks.length > 0 ? (
          <ul className="plain">
            {activity.tasks.map((t) => (
              <li key={t.id}>
                {t.project} {t.branch}: {t.state} ({ago(t.created)})
              </li>
            ))}
          </ul>
        ) : (
          '—'
        )}
      </dd>
      {status.problems.length > 0 && (
        <>
          <dt>Problems</dt>
          <dd className="error">
            <ul className="plain">
              {status.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}
