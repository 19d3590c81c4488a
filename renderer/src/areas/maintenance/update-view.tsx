/**
 * The update procedure of the guide, run by the app: what an update brings (after a fetch), why it
 * cannot run when it cannot, a confirmation that says what stops, then each step with its output.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type {
  UpdatePlan,
  UpdateProgress,
  UpdateStep,
} from '../../../../electron/common/maintenance-contract';
import { ConfirmDialog } from '../../components/dialog';
import { shortSha } from '../../dashboard/format';

const stepMarks: Record<UpdateStep['state'], string> = {
  pending: '○',
  running: '▶',
  done: '✔',
  failed: '✖',
  skipped: '–',
};

function PlanView({ plan, onUpdate, busy }: { plan: UpdatePlan; onUpdate: () => void; busy: boolean }) {
  return (
    <div data-testid="update-plan">
      <p>
        <code>{plan.coinDir}</code> on branch <strong>{plan.branch ?? '(detached)'}</strong> at{' '}
        <span className="mono">{shortSha(plan.head)}</span>
        {plan.upstream && (
          <>
            , upstream <strong>{plan.upstream}</strong> at{' '}
            <span className="mono">{shortSha(plan.target ?? '')}</span>
          </>
        )}
        .
      </p>
      {plan.incoming.length > 0 ? (
        <>
          <h3>{plan.incoming.length} incoming commit(s)</h3>
          <ul className="commit-list" data-testid="incoming">
            {plan.incoming.map((c) => (
              <li key={c.sha}>
                <span className="mono">{shortSha(c.sha)}</span> {c.subject}{' '}
                <span className="muted">
                  {c.author}, {new Date(c.date).toLocaleString()}
                </span>
              </li>
            ))}
          </ul>
          {plan.dependenciesChange && (
            <p>
              package-lock.json changes: the update runs <code>npm ci</code>.
            </p>
          )}
        </>
      ) : (
        <p className="muted">No incoming commits.</p>
      )}
      {plan.dirty.length > 0 && (
        <details open>
          <summary>Uncommitted changes in the deployment</summary>
          <pre className="check-details">{plan.dirty.join('\n')}</pre>
        </details>
      )}
      {plan.blockers.length > 0 ? (
        <ul className="blockers" role="alert" data-testid="update-blockers">
          {plan.blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : (
        <button type="button" className="danger" disabled={busy} onClick={onUpdate}>
          Update to {shortSha(plan.target ?? '')}…
        </button>
      )}
      {plan.fetchOutput.trim() && (
        <details>
          <summary>git fetch</summary>
          <pre className="check-details">{plan.fetchOutput}</pre>
        </details>
      )}
    </div>
  );
}

function ProgressView({ progress }: { progress: UpdateProgress }) {
  const title =
    progress.state === 'running'
      ? 'Updating…'
      : progress.state === 'done'
        ? 'Updated'
        : progress.state === 'failed'
          ? 'The update stopped'
          : 'No update has run';
  return (
    <div data-testid="update-progress" data-state={progress.state}>
      <h3>
        {title}
        {progress.from && progress.to && (
          <span className="muted mono">
            {' '}
            {shortSha(progress.from)} → {shortSha(progress.to)}
          </span>
        )}
      </h3>
      <ol className="update-steps">
        {progress.steps.map((step) => (
          <li key={step.id} data-step={step.id} data-state={step.state}>
            <span className={`step-mark step-${step.state}`} aria-hidden="true">
              {stepMarks[step.state]}
            </span>{' '}
            <strong>{step.title}</strong> <span className="step-state">({step.state})</span>
            {step.detail && <div className="step-detail">{step.detail}</div>}
            {step.output.length > 0 && (
              <details open={step.state === 'failed'}>
                <summary>Output ({step.output.length} line(s))</summary>
                <pre className="check-details">{step.output.join('\n')}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {progress.state === 'done' && (
        <p>
          Keep an eye on the instance for a while, as the guide says: the <a href="#/instances">journal</a>,
          agents reaching running, the first results (the Daily monitoring tab checks all of it).
        </p>
      )}
    </div>
  );
}

/**
 * The update's state: the plan (what would come in), the progress of a run, and the calls that
 * fetch the plan and start the run; a running update is polled every second.
 */
function useUpdate(desk: DeskApi, profileId: string) {
  const [plan, setPlan] = useState<UpdatePlan | null>(null);
  const [progress, setProgress] = useState<UpdateProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const check = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      setPlan(await desk.maintenanceUpdatePlan({ profileId }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, [desk, profileId]);

  // What ran last (a run survives leaving the area); with nothing running, look for updates.
  useEffect(() => {
    let cancelled = false;
    void desk.maintenanceUpdateProgress({ profileId }).then(
      (p) => {
        if (cancelled) return;
        setProgress(p);
        if (p.state !== 'running') void check();
      },
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [desk, profileId, check]);

  const running = progress?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void desk.maintenanceUpdateProgress({ profileId }).then(setProgress, () => undefined);
    }, 1000);
    return () => clearInterval(timer);
  }, [desk, profileId, running]);

  const start = async (target: string) => {
    setBusy(true);
    setError(null);
    try {
      setProgress(await desk.maintenanceUpdateStart({ profileId, target, confirmed: true }));
      setPlan(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { plan, progress, busy, error, running, check, start };
}

export function UpdateView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const { plan, progress, busy, error, running, check, start } = useUpdate(desk, profileId);
  const [asking, setAsking] = useState(false);
  const confirmStart = () => {
    if (!plan?.target) return;
    setAsking(false);
    void start(plan.target);
  };

  return (
    <section className="card update" aria-label="Update">
      <div className="card-header">
        <h2>Update the deployment</h2>
        <button type="button" disabled={busy || running} onClick={() => void check()}>
          {busy && !running ? 'Fetching…' : 'Check for updates'}
        </button>
      </div>
      <p className="muted">
        Stop, maintenance page, <code>git pull --ff-only</code>, dependencies when the lockfile changed,
        start, verify. Every running work item is interrupted and re-queued; tell the #qtci channel first.
      </p>
      {error && (
        <p className="error" role="alert" data-testid="update-error">
          {error}
        </p>
      )}
      {progress && progress.state !== 'idle' && <ProgressView progress={progress} />}
      {plan && !running && <PlanView plan={plan} busy={busy} onUpdate={() => setAsking(true)} />}
      {asking && plan?.target && (
        <ConfirmDialog
          title="Update the instance now?"
          confirmLabel="Stop, update and start"
          onCancel={() => setAsking(false)}
          onConfirm={confirmStart}
        >
          <p>
            The instance stops (its running work items are discarded and queued again), the maintenance page
            answers meanwhile, the deployment moves from <span className="mono">{shortSha(plan.head)}</span>{' '}
            to <span className="mono">{shortSha(plan.target)}</span> ({plan.incoming.length} commit(s)), then
            it starts again and is verified.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
