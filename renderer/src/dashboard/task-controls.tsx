/**
 * Cancel, Re-run and Retry failed on a task's page, each after a confirmation. Writes need the
 * instance's admin token (DIR/admin-token): the dialog asks for it once and keeps it for this tab
 * (session storage), never in the URL. The request says it comes from the dashboard, which the
 * instance's audit trail records. Only where the runner serves the page (same-origin POST), or
 * inside the desktop app, whose own process holds the token (the context's `control`): there the
 * dialog only confirms.
 */
import { useState } from 'react';
import {
  actorHeader,
  adminTokenHeader,
  controlAnswerSchema,
  instancePaths,
  originHeader,
  type TaskControlAction,
} from '../../../runner/core/instance-api';
import { ConfirmDialog } from '../components/dialog';
import type { TaskDetail } from './api-types';
import { routeHash } from './route';
import { useDashboard } from './use-dashboard';

const tokenKey = 'coin-admin-token';

type Asking = Extract<TaskControlAction, 'cancel' | 'rerun' | 'retry'>;

const wording: Record<Asking, { button: string; title: string; confirm: string; text: string }> = {
  cancel: {
    button: 'Cancel',
    title: 'Cancel this integration?',
    confirm: 'Cancel integration',
    text: 'Its running commands are stopped (SIGTERM, then SIGKILL) and nothing they built is kept.',
  },
  rerun: {
    button: 'Re-run',
    title: 'Run this integration again?',
    confirm: 'Re-run',
    text: 'A new task at the same revisions; builds done before are reused.',
  },
  retry: {
    button: 'Retry failed',
    title: 'Retry the failed work items?',
    confirm: 'Retry failed',
    text: 'A new task that runs only the failed and cancelled work items and what depends on them.',
  },
};

/** The actions a task in this state offers. */
function offered(detail: TaskDetail): Asking[] {
  const { state } = detail.task;
  if (state === 'Initializing' || state === 'Running') return ['cancel'];
  const failed = detail.workItems.some((w) => w.state === 'Failed' || w.state === 'Cancelled');
  return failed && (state === 'Failed' || state === 'Cancelled') ? ['rerun', 'retry'] : ['rerun'];
}

async function post(base: string, taskId: string, action: Asking, token: string, reason: string) {
  const response = await fetch(new URL(instancePaths.taskControl(taskId, action), base), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [adminTokenHeader]: token,
      [actorHeader]: 'dashboard user',
      [originHeader]: 'dashboard',
    },
    body: JSON.stringify(action === 'cancel' && reason ? { reason } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (response.status === 403) throw new Error('the admin token is not right: copy it from DIR/admin-token');
  if (!response.ok) throw new Error(body.error ?? `the instance answered ${response.status}`);
  return controlAnswerSchema.parse(body);
}

/** The buttons, the confirmation and what came of it. */
export function TaskControls({ detail, base }: { detail: TaskDetail; base: string }) {
  const { control } = useDashboard();
  const [asking, setAsking] = useState<Asking | null>(null);
  const [token, setToken] = useState(() => sessionStorage.getItem(tokenKey) ?? '');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ error?: string; text?: string }>({});
  const confirm = async (action: Asking) => {
    setAsking(null);
    setOutcome({ text: action === 'cancel' ? 'Cancelling…' : 'Queueing…' });
    try {
      const answer = control
        ? await control(detail.task.id, action, reason.trim())
        : await post(base, detail.task.id, action, token.trim(), reason.trim());
      if (!control) sessionStorage.setItem(tokenKey, token.trim());
      if (answer.newTaskId) window.location.hash = routeHash({ page: 'task', taskId: answer.newTaskId });
      setOutcome({
        text: answer.newTaskId ? `Queued task ${answer.newTaskId}` : `The task is ${answer.state}`,
      });
    } catch (error) {
      setOutcome({ error: (error as Error).message });
    }
  };
  return (
    <div className="task-controls" data-testid="task-controls">
      {offered(detail).map((action) => (
        <button key={action} type="button" onClick={() => setAsking(action)}>
          {wording[action].button}
        </button>
      ))}
      {outcome.text && <span className="muted">{outcome.text}</span>}
      {outcome.error && (
        <span className="error" role="alert">
          {outcome.error}
        </span>
      )}
      {asking && (
        <ConfirmDialog
          title={wording[asking].title}
          confirmLabel={wording[asking].confirm}
          onCancel={() => setAsking(null)}
          onConfirm={() => void confirm(asking)}
        >
          <p>{wording[asking].text}</p>
          {control && (
            <p className="muted">The app sends it with the instance's admin token, in your name.</p>
          )}
          {!control && (
            <label>
              Admin token (DIR/admin-token){' '}
              <input type="password" value={token} onChange={(e) => setToken(e.target.value)} />
            </label>
          )}
          {asking === 'cancel' && (
            <label>
              Reason <input value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
