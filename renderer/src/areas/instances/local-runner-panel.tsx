import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { LocalRunnerState } from '../../../../electron/common/local-runner-contract';
import { useDeskCall } from '../../use-desk-call';
import { IntegrationForm } from './integration-form';
import { PinControls } from './pin-controls';
import { RunnerOutputView } from './runner-output-view';
import { profileOfDirectory } from './instance-holder';
import { isAlive, RunnerState } from './runner-state';
import { usePolling } from './use-polling';
import { useRunnerOutput } from './use-runner-output';
import { rememberDashboardTarget } from '../dashboard/instance-dashboard-area';
import { instanceRootUrl } from '../../../../runner/core/instance-api';

type Verb = 'start' | 'stop';

interface RunnerButtonsProps {
  desk: DeskApi;
  state: LocalRunnerState | undefined;
  /** The call in flight, per verb: a Stop is possible while a Start waits. */
  pending: ReadonlySet<Verb>;
  act: (verb: Verb) => void;
}

/** The dashboard of the directory's instance: the app's runner, or the one holding the directory. */
function dashboardUrlOf(state: LocalRunnerState | undefined): string | null {
  if (!state) return null;
  if (state.url) return state.url;
  return state.other?.port && !isAlive(state)
    ? instanceRootUrl(`http://127.0.0.1:${state.other.port}`)
    : null;
}

function RunnerButtons({ desk, state, pending, act }: RunnerButtonsProps) {
  const alive = state !== undefined && isAlive(state);
  const held = state?.other != null && !alive;
  const url = dashboardUrlOf(state);
  return (
    <div className="button-row">
      <button
        type="button"
        disabled={pending.has('start') || alive || held}
        title={held ? 'Another instance holds this directory' : undefined}
        onClick={() => act('start')}
      >
        Start runner
      </button>
      <button
        type="button"
        disabled={pending.has('stop') || !alive || state?.phase === 'stopping'}
        onClick={() => act('stop')}
      >
        Stop runner
      </button>
      {url && state && (
        <a
          className="button"
          href="#/integrations"
          onClick={() => rememberDashboardTarget({ kind: 'local-runner', workingDir: state.workingDir })}
        >
          Integrations
        </a>
      )}
      {url && (
        <a className="button" href={url} target="_blank" rel="noreferrer">
          Dashboard
        </a>
      )}
      {state && <PinControls desk={desk} target={{ kind: 'local-runner', workingDir: state.workingDir }} />}
    </div>
  );
}

/** The calls in flight, and the error of the last one that failed (shown until the next one). */
function useRunnerActions(desk: DeskApi, refresh: () => void) {
  const [pending, setPending] = useState<ReadonlySet<Verb>>(new Set());
  const [failure, setFailure] = useState<string>();
  const act = (verb: Verb, workingDir: string | undefined) => {
    setPending((p) => new Set([...p, verb]));
    setFailure(undefined);
    refresh();
    const call = verb === 'start' ? desk.localRunnerStart : desk.localRunnerStop;
    call({ workingDir })
      .catch((e: Error) => setFailure(e.message))
      .finally(() => {
        setPending((p) => new Set([...p].filter((v) => v !== verb)));
        refresh();
      });
  };
  return { pending, failure, act };
}

/**
 * The local runner: `coin run` for a chosen working directory as a child process of the app,
 * started and stopped here (also while it starts), its output live, and integrations of a git
 * repository on it. The directory's state comes from its lock, so an instance started elsewhere
 * (the profile's `coin service`, a terminal) is named as what it is.
 */
export function LocalRunnerPanel({ desk }: { desk: DeskApi }) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [workingDir, setWorkingDir] = useState<string | undefined>(undefined);
  const [status, refresh] = usePolling(
    useCallback(() => desk.localRunnerStatus({ workingDir }), [desk, workingDir]),
    1000,
  );
  const state = status.data;
  const [profiles, reloadProfiles] = useDeskCall(useCallback(() => desk.profilesList({}), [desk]));
  // Read again when another process takes the directory: its profile may be newer than the last read.
  const holder = state?.other?.pid;
  useEffect(() => {
    if (holder !== undefined) reloadProfiles();
  }, [holder, reloadProfiles]);
  const output = useRunnerOutput(desk, workingDir);
  const { pending, failure, act } = useRunnerActions(desk, refresh);
  const profile = state && profileOfDirectory(profiles.data?.profiles ?? [], state.workingDir);
  const onAct = (verb: Verb) => {
    const dir = verb === 'start' ? draft.trim() || undefined : workingDir;
    if (verb === 'start') setWorkingDir(dir);
    act(verb, dir);
  };
  const choose = (event: FormEvent) => {
    event.preventDefault();
    setWorkingDir(draft.trim() || undefined);
  };
  return (
    <section className="card local-runner" aria-label="Local runner">
      <div className="card-header">
        <h2>Local runner</h2>
        <RunnerButtons desk={desk} state={state} pending={pending} act={onAct} />
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
      <RunnerState state={state} profile={profile} />
      {failure && (
        <p className="error" role="alert" data-testid="local-runner-failure">
          {failure}
        </p>
      )}
      {status.error && <p className="error">The runner's state could not be read: {status.error}</p>}
      <RunnerOutputView output={output} />
      <IntegrationForm desk={desk} workingDir={workingDir} running={state?.phase === 'running'} />
    </section>
  );
}
