/**
 * The update procedure of the guide, run by the app: what an update brings (after a fetch), why it
 * cannot run when it cannot, the announcement to copy, a confirmation that says what stops, then
 * each step with its output, and the post-update watch with its rollback. An update the app
 * stopped during (its state is kept on disk) is shown where it stopped, to continue or roll back.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type {
  UpdatePlan,
  UpdateProgress,
  UpdateStep,
} from '../../../../electron/common/maintenance-contract';
import { defaultWatchMinutes } from '../../../../electron/common/post-update-contract';
import { ConfirmDialog } from '../../components/dialog';
import { shortSha } from '../../dashboard/format';
import { PostUpdateWatchView } from './post-update-watch-view';
import { AnnouncementPanel } from './update-announcement-panel';

const stepMarks: Record<UpdateStep['state'], string> = {
  pending: '○',
  running: '▶',
  done: '✔',
  failed: '✖',
  skipped: '–',
};

function PlanView({
  plan,
  onUpdate,
  busy,
  watchMinutes,
  setWatchMinutes,
}: {
  plan: UpdatePlan;
  onUpdate: () => void;
  busy: boolean;
  watchMinutes: number;
  setWatchMinutes: (minutes: number) => void;
}) {
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
        <div className="gc-controls">
          <label>
            Watch after the restart for{' '}
            <input
              type="number"
              min={1}
              max={1440}
              value={watchMinutes}
              aria-label="Watch period (minutes)"
              onChange={(e) => setWatchMinutes(Math.max(1, Math.min(1440, Number(e.target.value) || 1)))}
            />{' '}
            minutes
          </label>
          <button type="button" className="danger" disabled={busy} onClick={onUpdate}>
            Update to {shortSha(plan.target ?? '')}…
          </button>
        </div>
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

const titles: Record<UpdateProgress['kind'], Record<UpdateProgress['state'], string>> = {
  update: {
    running: 'Updating…',
    done: 'Updated',
    failed: 'The update stopped',
    interrupted: 'The update was interrupted',
    idle: 'No update has run',
  },
  rollback: {
    running: 'Rolling back…',
    done: 'Rolled back',
    failed: 'The rollback stopped',
    interrupted: 'The rollback was interrupted',
    idle: 'No update has run',
  },
};

function ProgressView({
  progress,
  busy,
  onContinue,
  onRollback,
}: {
  progress: UpdateProgress;
  busy: boolean;
  onContinue: () => void;
  onRollback: () => void;
}) {
  const title = titles[progress.kind][progress.state];
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
      {progress.note && (
        <p className="error" role="alert" data-testid="update-note">
          {progress.note}
        </p>
      )}
      {progress.state === 'interrupted' && (
        <div className="gc-controls">
          <button type="button" disabled={busy} onClick={onContinue}>
            Continue the {progress.kind}
          </button>
          {progress.canRollback && progress.from && (
            <button type="button" className="danger" disabled={busy} onClick={onRollback}>
              Roll back to {shortSha(progress.from)}…
            </button>
          )}
        </div>
      )}
      {progress.state === 'failed' && progress.canRollback && progress.from && (
        <button type="button" className="danger" disabled={busy} onClick={onRollback}>
          Roll back to {shortSha(progress.from)}…
        </button>
      )}
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

  const act = async (call: () => Promise<UpdateProgress>) => {
    setBusy(true);
    setError(null);
    try {
      setProgress(await call());
      setPlan(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const start = (target: string, watchMinutes: number) =>
    act(() => desk.maintenanceUpdateStart({ profileId, target, confirmed: true, watchMinutes }));
  const resume = () => act(() => desk.maintenanceUpdateContinue({ profileId, confirmed: true }));
  const rollback = () => act(() => desk.maintenanceUpdateRollback({ profileId, confirmed: true }));
  return { plan, progress, busy, error, running, check, start, resume, rollback };
}

export function UpdateView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const { plan, progress, busy, error, running, check, start, resume, rollback } = useUpdate(desk, profileId);
  const [asking, setAsking] = useState<'update' | 'rollback' | null>(null);
  const [watchMinutes, setWatchMinutes] = useState(defaultWatchMinutes);
  const confirmStart = () => {
    if (!plan?.target) return;
    setAsking(null);
    void start(plan.target, watchMinutes);
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
      {progress && progress.state !== 'idle' && (
        <ProgressView
          progress={progress}
          busy={busy}
          onContinue={() => void resume()}
          onRollback={() => setAsking('rollback')}
        />
      )}
      {progress?.state === 'done' && (
        <PostUpdateWatchView
          desk={desk}
          profileId={profileId}
          progress={progress}
          onRollback={() => setAsking('rollback')}
        />
      )}
      {plan && !running && (
        <PlanView
          plan={plan}
          busy={busy}
          onUpdate={() => setAsking('update')}
          watchMinutes={watchMinutes}
          setWatchMinutes={setWatchMinutes}
        />
      )}
      {plan && !running && plan.blockers.length === 0 && plan.target && (
        <AnnouncementPanel desk={desk} profileId={profileId} plan={plan} />
      )}
      {asking === 'rollback' && progress?.from && progress.to && (
        <ConfirmDialog
          title="Roll back the update?"
          confirmLabel="Stop, roll back and start"
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            void rollback();
          }}
        >
          <p>
            The update&apos;s steps run again towards the previous revision: the instance stops, the
            maintenance page answers, the deployment moves back from{' '}
            <span className="mono">{shortSha(progress.to)}</span> to{' '}
            <span className="mono">{shortSha(progress.from)}</span>, then it starts and is verified.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'update' && plan?.target && (
        <ConfirmDialog
          title="Update the instance now?"
          confirmLabel="Stop, update and start"
          onCancel={() => setAsking(null)}
          onConfirm={confirmStart}
        >
          <p>
            The instance stops (its running work items are discarded and queued again), the maintenance page
            answers meanwhile, the deployment moves from <span className="mono">{shortSha(plan.head)}</span>{' '}
            to <span className="mono">{shortSha(plan.target)}</span> ({plan.incoming.length} commit(s)), then
            it starts again, is verified and watched for {watchMinutes} minute(s).
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
