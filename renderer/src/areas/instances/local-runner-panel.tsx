import { useCallback, useId, useState, type FormEvent } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { LocalRunnerState } from '../../../../electron/common/local-runner-contract';
import { assertNever } from '../../../../runner/core/model';
import { ago } from './format';
import { IntegrationForm } from './integration-form';
import { PinControls } from './pin-controls';
import { RunnerOutputView } from './runner-output-view';
import { usePolling } from './use-polling';
import { useRunnerOutput } from './use-runner-output';
import { rememberDashboardTarget } from '../dashboard/instance-dashboard-area';

/** The runner's phase in a few words: "running on port 4000 (pid 12) since …". */
export function phaseText(state: LocalRunnerState): string {
  const since = state.since
    ? ` since ${new Date(state.since).toLocaleTimeString()} (${ago(state.since)})`
    : '';
  switch (state.phase) {
    case 'running':
      return `running on port ${state.port} (pid ${state.pid})${since}`;
    case 'starting':
      return `starting (pid ${state.pid ?? '…'})`;
    case 'stopping':
      return `stopping (pid ${state.pid ?? '…'})`;
    case 'stopped':
      return state.exit ? `stopped${since}` : 'stopped';
    case 'exited': {
      const how = state.exit?.signal ?? `code ${state.exit?.code ?? 'unknown'}`;
      return `exited (${how})${since}`;
    }
    default:
      return assertNever(state.phase, 'runner phase');
  }
}

function OtherInstance({ state }: { state: LocalRunnerState }) {
  if (!state.other || state.phase === 'running' || state.phase === 'starting') return null;
  const port = state.other.port ? `, port ${state.other.port}` : '';
  return (
    <p className="warn-text" data-testid="local-runner-other">
      Another Coin instance (pid {state.other.pid}
      {port}) runs in this directory; this app did not start it.
    </p>
  );
}

function RunnerState({ state }: { state: LocalRunnerState | undefined }) {
  return (
    <>
      <p>
        <span className="muted">{state?.workingDir}</span>{' '}
        <span data-testid="local-runner-state">{state ? phaseText(state) : 'reading…'}</span>
      </p>
      {state?.problem && (
        <p className="error" role="alert" data-testid="local-runner-problem">
          {state.problem}
        </p>
      )}
      {state && <OtherInstance state={state} />}
    </>
  );
}

interface RunnerButtonsProps {
  desk: DeskApi;
  state: LocalRunnerState | undefined;
  busy: boolean;
  act: (verb: 'start' | 'stop') => void;
}

function RunnerButtons({ desk, state, busy, act }: RunnerButtonsProps) {
  const alive = state !== undefined && isAlive(state);
  return (
    <div className="button-row">
      <button type="button" disabled={busy || alive} onClick={() => act('start')}>
        Start runner
      </button>
      <button type="button" disabled={busy || !alive} onClick={() => act('stop')}>
        Stop runner
      </button>
      {state?.url && (
        <a
          className="button"
          href="#/integrations"
          onClick={() => rememberDashboardTarget({ kind: 'local-runner', workingDir: state.workingDir })}
        >
          Integrations
        </a>
      )}
      {state?.url && (
        <a className="button" href={state.url} target="_blank" rel="noreferrer">
          Dashboard
        </a>
      )}
      {state && <PinControls desk={desk} target={{ kind: 'local-runner', workingDir: state.workingDir }} />}
    </div>
  );
}

function isAlive(state: LocalRunnerState): boolean {
  return state.phase === 'running' || state.phase === 'starting' || state.phase === 'stopping';
}

/**
 * The local runner: `coin run` for a chosen working directory as a child process of the app,
 * started and stopped here, its output live, and integrations of a git repository on it.
 */
export function LocalRunnerPanel({ desk }: { desk: DeskApi }) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [workingDir, setWorkingDir] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [status, refresh] = usePolling(
    useCallback(() => desk.localRunnerStatus({ workingDir }), [desk, workingDir]),
    1000,
  );
  const output = useRunnerOutput(desk, workingDir);
  const state = status.data;
  const act = (verb: 'start' | 'stop') => {
    const dir = verb === 'start' ? draft.trim() || undefined : workingDir;
    if (verb === 'start') setWorkingDir(dir);
    setBusy(true);
    setFailure(undefined);
    const call = verb === 'start' ? desk.localRunnerStart : desk.localRunnerStop;
    call({ workingDir: dir })
      .catch((e: Error) => setFailure(e.message))
      .finally(() => {
        setBusy(false);
        refresh();
      });
  };
  const choose = (event: FormEvent) => {
    event.preventDefault();
    setWorkingDir(draft.trim() || undefined);
  };
  return (
    <section className="card local-runner" aria-label="Local runner">
      <div className="card-header">
        <h2>Local runner</h2>
        <RunnerButtons desk={desk} state={state} busy={busy} act={act} />
      </div>
      <form className="inline-form" onSubmit={choose}>
        <label htmlFor={`${id}-dir`}>Runner directory</label>
        <input
          id={`${id}-dir`}
          value={draft}
          placeholder={state?.workingDir ?? 'default directory'}
          disabled={state !== undefined && isAlive(state)}
          onChange={(e) => setDraft(e.target.value)}
        />
      </form>
      <RunnerState state={state} />
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {status.error && <p className="error">The runner's state could not be read: {status.error}</p>}
      <RunnerOutputView output={output} />
      <IntegrationForm desk={desk} workingDir={workingDir} running={state?.phase === 'running'} />
    </section>
  );
}
