import { useEffect, useId, useState, type FormEvent } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { RunnerTask } from '../../../../electron/common/local-runner-contract';
import { isFinalTaskState, taskStates, type TaskState } from '../../../../runner/core/model';
import { failureLine } from '../../../../runner/core/task-summary';

function isFinal(state: string): boolean {
  return (taskStates as readonly string[]).includes(state) && isFinalTaskState(state as TaskState);
}

function stateTone(state: string): string {
  if (state === 'Passed' || state === 'Done') return 'ok';
  if (state === 'Failed' || state === 'Cancelled') return 'fail';
  return 'warn';
}

/** Polls the task every second until it reaches a final state. */
function useRunnerTask(desk: DeskApi, workingDir: string | undefined, taskId: string | undefined) {
  const [task, setTask] = useState<RunnerTask>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setTask(undefined);
    setError(undefined);
    if (!taskId) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () =>
      desk.localRunnerTask({ workingDir, taskId }).then(
        (t) => {
          if (!live) return;
          setTask(t);
          setError(undefined);
          if (!isFinal(t.state)) timer = setTimeout(poll, 1000);
        },
        (e: Error) => {
          if (!live) return;
          setError(e.message);
          timer = setTimeout(poll, 3000);
        },
      );
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [desk, workingDir, taskId]);
  return { task, error };
}

/** The task's state, its work items and its page in the runner's dashboard. */
function TaskResult({ task }: { task: RunnerTask }) {
  return (
    <div data-testid="integration-result">
      <p>
        Task {task.id}: {task.project} {task.branch} {task.sha?.slice(0, 12)}{' '}
        <span className={`badge badge-${stateTone(task.state)}`} data-testid="integration-state">
          {task.state}
        </span>{' '}
        <a href={task.url} target="_blank" rel="noreferrer">
          Open in the dashboard
        </a>
      </p>
      {task.reason && <p className="muted">{task.reason}</p>}
      <table className="work-items">
        <thead>
          <tr>
            <th>kind</th>
            <th>configuration</th>
            <th>state</th>
            <th>failure</th>
          </tr>
        </thead>
        <tbody>
          {task.workItems.map((w) => (
            <tr key={w.id} data-work-item={w.kind}>
              <td>{w.kind}</td>
              <td>{w.configuration}</td>
              <td className={`badge-${stateTone(w.state)}`}>
                {w.state}
                {w.reused ? ' (reused)' : ''}
              </td>
              <td>{w.failure ? failureLine(w.failure) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Run an integration of this git repository" on the local runner, and its result. */
export function IntegrationForm({
  desk,
  workingDir,
  running,
}: {
  desk: DeskApi;
  workingDir: string | undefined;
  running: boolean;
}) {
  const id = useId();
  const [repo, setRepo] = useState('');
  const [ref, setRef] = useState('main');
  const [taskId, setTaskId] = useState<string>();
  const [refused, setRefused] = useState<string>();
  const [sending, setSending] = useState(false);
  const { task, error } = useRunnerTask(desk, workingDir, taskId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setRefused(undefined);
    desk
      .localRunnerIntegrate({ workingDir, repo: repo.trim(), ref: ref.trim() })
      .then(
        (r) => setTaskId(r.taskId),
        (e: Error) => setRefused(e.message),
      )
      .finally(() => setSending(false));
  };
  return (
    <form className="integration-form" aria-label="Run an integration" onSubmit={submit}>
      <h3>Run an integration of a git repository</h3>
      <div className="inline-form">
        <label htmlFor={`${id}-repo`}>Git repository</label>
        <input
          id={`${id}-repo`}
          value={repo}
          placeholder="/absolute/path/to/module"
          onChange={(e) => setRepo(e.target.value)}
        />
        <label htmlFor={`${id}-ref`}>Ref</label>
        <input id={`${id}-ref`} className="ref-input" value={ref} onChange={(e) => setRef(e.target.value)} />
        <button type="submit" disabled={!running || sending || !repo.trim() || !ref.trim()}>
          Integrate
        </button>
      </div>
      {!running && <p className="muted small">Start the runner to integrate.</p>}
      {refused && (
        <p className="error" role="alert">
          {refused}
        </p>
      )}
      {error && <p className="error">The task could not be read: {error}</p>}
      {taskId && !task && !error && <p className="muted">Task {taskId} queued…</p>}
      {task && <TaskResult task={task} />}
    </form>
  );
}
