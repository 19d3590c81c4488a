/**
 * The post-update watch, live: the verdict (green, watching, red with its reasons), the journal's
 * errors since the restart, the interrupted tasks running again, agents reaching running, the
 * builds that finished with system failures told apart from build and test failures, and a
 * rollback to the previous revision when it goes red (the update view asks for the confirmation).
 */
import { useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { UpdateProgress } from '../../../../electron/common/maintenance-contract';
import type { PostUpdateWatch, WatchedTask } from '../../../../electron/common/post-update-contract';
import { shortSha } from '../../dashboard/format';
import './post-update-watch.css';

const verdictWords: Record<PostUpdateWatch['verdict'], string> = {
  green: 'Green',
  watching: 'Watching',
  red: 'Red',
};

/** The kinds of a task's failures, in the guide's split: system failures are the CI's. */
function failureWords(task: WatchedTask): string {
  if (!task.failureKinds.length) return task.state === 'Passed' ? 'passed' : '';
  return task.failureKinds
    .map((kind) =>
      kind === 'system'
        ? "system failure (the CI's)"
        : kind === 'insignificant'
          ? 'insignificant'
          : `${kind} failure (the change's)`,
    )
    .join(', ');
}

function TaskTable({ tasks, label }: { tasks: readonly WatchedTask[]; label: string }) {
  return (
    <table className="watch-tasks" aria-label={label}>
      <thead>
        <tr>
          <th>Task</th>
          <th>Project</th>
          <th>Branch</th>
          <th>State</th>
          <th>Failures</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.id} data-task={t.id} data-state={t.state}>
            <td className="mono">{t.id.slice(0, 8)}</td>
            <td>{t.project}</td>
            <td>{t.branch}</td>
            <td>{t.state}</td>
            <td className={t.failureKinds.includes('system') ? 'error' : undefined}>
              {failureWords(t)}
              {t.systemFailure && <div className="muted">{t.systemFailure}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function useWatch(desk: DeskApi, profileId: string, progress: UpdateProgress) {
  const [watch, setWatch] = useState<PostUpdateWatch | null>(null);
  const key = `${progress.kind}:${progress.to}:${progress.state}`;
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () =>
      void desk.maintenanceUpdateWatch({ profileId }).then(
        ({ watch: w }) => {
          if (cancelled) return;
          setWatch(w);
          if (!w || w.state === 'polling') timer = setTimeout(read, 2000);
        },
        () => !cancelled && (timer = setTimeout(read, 5000)),
      );
    read();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [desk, profileId, key]);
  return [watch, setWatch] as const;
}

export function PostUpdateWatchView({
  desk,
  profileId,
  progress,
  onRollback,
}: {
  desk: DeskApi;
  profileId: string;
  progress: UpdateProgress;
  onRollback: () => void;
}) {
  const [watch, setWatch] = useWatch(desk, profileId, progress);
  if (!watch) return null;
  const ends = new Date(watch.until).toLocaleTimeString();
  const stop = () => void desk.maintenanceUpdateWatchStop({ profileId }).then((r) => setWatch(r.watch));
  const resumed = watch.interrupted.filter((t) => t.state !== 'Initializing').length;
  const agentStates = Object.entries(watch.agents.byState);
  return (
    <section
      className="watch"
      aria-label="Post-update watch"
      data-testid="post-update-watch"
      data-verdict={watch.verdict}
    >
      <div className="card-header">
        <h3>
          After the {watch.kind === 'rollback' ? 'rollback' : 'update'} to{' '}
          <span className="mono">{shortSha(watch.revision)}</span>:{' '}
          <span className={`verdict verdict-${watch.verdict}`} data-testid="watch-verdict">
            {verdictWords[watch.verdict]}
          </span>
        </h3>
        {watch.state === 'polling' && (
          <button type="button" onClick={stop}>
            Stop watching
          </button>
        )}
      </div>
      <p className="muted">
        {watch.state === 'polling'
          ? `Watching for ${watch.periodMinutes} minutes after the restart at ${new Date(watch.restartedAt).toLocaleTimeString()}, until ${ends}.`
          : watch.state === 'ended'
            ? `The ${watch.periodMinutes}-minute watch ended at ${ends}.`
            : 'The watch was stopped.'}{' '}
        {watch.lastPollAt && `Last look ${new Date(watch.lastPollAt).toLocaleTimeString()}.`}
        {watch.pollError && <span className="error"> The last look failed: {watch.pollError}</span>}
      </p>
      {watch.reasons.length > 0 && (
        <ul className="blockers" role="alert" data-testid="watch-reasons">
          {watch.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {watch.pending.length > 0 && (
        <ul className="watch-pending" data-testid="watch-pending">
          {watch.pending.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {watch.verdict === 'red' && progress.canRollback && progress.from && (
        <button type="button" className="danger" onClick={onRollback}>
          Roll back to {shortSha(progress.from)}…
        </button>
      )}
      <dl className="watch-facts">
        <dt>Journal errors since the restart</dt>
        <dd data-testid="watch-journal">
          {watch.journal.count}{' '}
          {watch.journal.source && <span className="muted">({watch.journal.source})</span>}
          {watch.journal.errors.length > 0 && (
            <pre className="check-details">{watch.journal.errors.join('\n')}</pre>
          )}
        </dd>
        <dt>Interrupted queue</dt>
        <dd data-testid="watch-queue">
          {watch.interrupted.length === 0
            ? 'no task was running when the instance stopped'
            : `${resumed} of ${watch.interrupted.length} interrupted task(s) running again or finished`}
          {watch.interrupted.length > 0 && <TaskTable tasks={watch.interrupted} label="Interrupted tasks" />}
        </dd>
        <dt>Agents</dt>
        <dd data-testid="watch-agents">
          {watch.agents.reachedRunning} reached running since the restart
          {agentStates.length > 0 && `; now ${agentStates.map(([s, n]) => `${n} ${s}`).join(', ')}`}
        </dd>
        <dt>Builds finished since the restart</dt>
        <dd data-testid="watch-builds">
          {watch.finished.length === 0 ? 'none yet' : `${watch.finished.length}`}
          {watch.finished.length > 0 && <TaskTable tasks={watch.finished} label="Finished tasks" />}
        </dd>
      </dl>
    </section>
  );
}
