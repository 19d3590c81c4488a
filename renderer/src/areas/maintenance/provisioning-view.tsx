/**
 * Provisioning: which VM templates the instance's agents start from (the clones of the last `coin
 * provision`, or the base templates), each with its age, the earlier sets rollback goes back to,
 * and `coin provision` / `coin provision --rollback` run on the instance's host after a
 * confirmation, their output shown while they run.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type {
  ProvisioningRun,
  ProvisioningStatus,
  TemplateSetView,
} from '../../../../electron/common/provisioning-contract';
import { ConfirmDialog } from '../../components/dialog';
import './provisioning.css';

function CurrentSet({ set }: { set: TemplateSetView }) {
  return (
    <table className="provisioning-templates" data-testid="provisioning-current">
      <caption>
        In use: the clones of {set.date} (recorded {new Date(set.recordedAt).toLocaleString()})
      </caption>
      <thead>
        <tr>
          <th>Base template</th>
          <th>Clone agents start from</th>
          <th>Id</th>
          <th>Age</th>
        </tr>
      </thead>
      <tbody>
        {set.templates.map((t) => (
          <tr key={t.clone}>
            <td className="mono">{t.base}</td>
            <td className="mono">{t.clone}</td>
            <td>{t.id}</td>
            <td title={t.registeredAt}>{t.age}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PreviousSets({ sets }: { sets: TemplateSetView[] }) {
  if (sets.length === 0) return <p className="muted">No earlier template sets.</p>;
  return (
    <>
      <h3>Earlier sets</h3>
      <ul className="provisioning-previous" data-testid="provisioning-previous">
        {sets.map((set) => (
          <li key={set.recordedAt}>
            <strong>{set.date}</strong>:{' '}
            {set.templates.map((t) => (
              <span key={t.clone} className="mono" title={t.registeredAt}>
                {t.clone} (id {t.id}, {t.age}){' '}
              </span>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}

function RunOutput({ run }: { run: ProvisioningRun }) {
  const what = run.action === 'rollback' ? 'Rollback' : 'Provisioning';
  const how = run.state === 'running' ? 'running…' : run.state === 'done' ? 'finished' : 'failed';
  return (
    <div className="provisioning-run" data-testid="provisioning-run" data-state={run.state}>
      <h3>
        {what} {how}
      </h3>
      <p className="provisioning-command">
        <code>{run.command}</code>
      </p>
      {run.detail && (
        <p
          className={run.state === 'failed' ? 'error' : 'muted'}
          role={run.state === 'failed' ? 'alert' : undefined}
        >
          {run.detail}
        </p>
      )}
      <pre className="check-details provisioning-output" aria-label="Provisioning output">
        {run.output.join('\n')}
      </pre>
    </div>
  );
}

/** The status, the latest run (polled every second while it runs), and the calls that start runs. */
function useProvisioning(desk: DeskApi, profileId: string) {
  const [status, setStatus] = useState<ProvisioningStatus | null>(null);
  const [run, setRun] = useState<ProvisioningRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  const read = useCallback(async () => {
    setError(null);
    try {
      setStatus(await desk.provisioningStatus({ profileId }));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [desk, profileId]);

  useEffect(() => {
    void read();
    void desk.provisioningProgress({ profileId }).then(setRun, () => undefined);
  }, [desk, profileId, read]);

  const running = run?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void desk.provisioningProgress({ profileId }).then(
        (next) => {
          setRun(next);
          // the run ended: the sets it changed
          if (next.state !== 'running') void read();
        },
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [desk, profileId, running, read]);

  const start = async (call: () => Promise<ProvisioningRun>) => {
    setError(null);
    try {
      setRun(await call());
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return { status, run, error, running, read, start };
}

export function ProvisioningView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const { status, run, error, running, read, start } = useProvisioning(desk, profileId);
  const [form, setForm] = useState({ templatesDir: '', oneXmlrpc: '', oneAuthFile: '' });
  const [asking, setAsking] = useState<'provision' | 'rollback' | null>(null);
  const source = status?.lastSource ?? null;
  // the last provisioning's source fills the fields nobody has typed in yet
  useEffect(() => {
    if (!source) return;
    setForm((f) => ({
      templatesDir: f.templatesDir || source.templatesDir,
      oneXmlrpc: f.oneXmlrpc || (source.oneXmlrpc ?? ''),
      oneAuthFile: f.oneAuthFile || (source.oneAuthFile ?? ''),
    }));
  }, [source]);

  const provision = () => {
    setAsking(null);
    const optional = (value: string) => (value.trim() ? value.trim() : undefined);
    void start(() =>
      desk.provisioningStart({
        profileId,
        templatesDir: form.templatesDir.trim(),
        oneXmlrpc: optional(form.oneXmlrpc),
        oneAuthFile: optional(form.oneAuthFile),
        confirmed: true,
      }),
    );
  };
  const rollback = () => {
    setAsking(null);
    void start(() => desk.provisioningRollback({ profileId, confirmed: true }));
  };
  const field = (key: keyof typeof form, label: string, placeholder: string) => (
    <label>
      {label}
      <input
        value={form[key]}
        placeholder={placeholder}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );

  return (
    <section className="card provisioning" aria-label="Provisioning">
      <div className="card-header">
        <h2>VM templates</h2>
        <button type="button" onClick={() => void read()}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="provisioning-error">
          {error}
        </p>
      )}
      {status ? (
        <div data-testid="provisioning-status">
          <p>
            <strong>{status.summary}</strong> <span className="muted">({status.workingDir})</span>
          </p>
          {status.current && <CurrentSet set={status.current} />}
          <PreviousSets sets={status.previous} />
          <button
            type="button"
            disabled={running || status.rollbackTarget === null}
            onClick={() => setAsking('rollback')}
          >
            Roll back{status.rollbackTarget ? ` to ${status.rollbackTarget}` : ''}…
          </button>
        </div>
      ) : (
        !error && <p className="empty">Reading the template sets…</p>
      )}
      <h3>Provision</h3>
      <p className="muted">
        <code>coin provision</code> on the instance&apos;s host clones every base template named by a
        directory of the templates directory as <code>&lt;name&gt;-provisioned-&lt;date&gt;</code>; agents
        started afterwards use the clones.
      </p>
      <div className="provisioning-form">
        {field('templatesDir', 'Templates directory', '/srv/coin/provisioning')}
        {field('oneXmlrpc', 'XML-RPC endpoint', 'default: $ONE_XMLRPC on the host')}
        {field('oneAuthFile', 'Auth file', 'default: $ONE_AUTH, else ~/.one/one_auth')}
      </div>
      <button
        type="button"
        className="danger"
        disabled={running || !form.templatesDir.trim()}
        onClick={() => setAsking('provision')}
      >
        Provision…
      </button>
      {run && run.state !== 'idle' && <RunOutput run={run} />}
      {asking === 'provision' && (
        <ConfirmDialog
          title="Provision new templates?"
          confirmLabel="Run coin provision"
          onCancel={() => setAsking(null)}
          onConfirm={provision}
        >
          <p>
            New clones of the base templates in <code>{form.templatesDir}</code> are made in OpenNebula, and
            every agent started afterwards boots from them. The current set stays available to roll back to.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'rollback' && status?.rollbackTarget && (
        <ConfirmDialog
          title="Roll back the templates?"
          confirmLabel="Run coin provision --rollback"
          onCancel={() => setAsking(null)}
          onConfirm={rollback}
        >
          <p>
            Agents started afterwards boot from {status.rollbackTarget} instead of the clones of{' '}
            {status.current?.date}. The clones stay in OpenNebula.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
