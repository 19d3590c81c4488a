/**
 * The Local runner card's words about its working directory: the app's own runner while it lives,
 * otherwise whatever instance holds the directory by its lock (a `coin service` daemon, `coin run`
 * in a terminal), named the way the profile panel names it.
 */
import type { ConnectionProfile, InstanceOwner } from '../../../../electron/common/instance-schemas';
import type { LocalRunnerState } from '../../../../electron/common/local-runner-contract';
import { assertNever } from '../../../../runner/core/model';
import { ago } from './format';

/** True while the app's own runner process lives. */
export function isAlive(state: LocalRunnerState): boolean {
  return state.phase === 'running' || state.phase === 'starting' || state.phase === 'stopping';
}

function startingText(state: LocalRunnerState, now: number): string {
  const elapsed = state.since ? Math.max(0, Math.round((now - Date.parse(state.since)) / 1000)) : 0;
  const limit = Math.round(state.startTimeoutMs / 1000);
  return `starting (pid ${state.pid ?? '…'}) for ${elapsed} s: waiting for its URL; the app stops it after ${limit} s`;
}

/** The runner's phase in a few words: "running on port 4000 (pid 12) since …". */
export function phaseText(state: LocalRunnerState, now = Date.now()): string {
  const since = state.since
    ? ` since ${new Date(state.since).toLocaleTimeString()} (${ago(state.since, now)})`
    : '';
  switch (state.phase) {
    case 'running':
      return `running on port ${state.port} (pid ${state.pid})${since}`;
    case 'starting':
      return startingText(state, now);
    case 'stopping':
      return `stopping (pid ${state.pid ?? '…'})`;
    case 'stopped':
      return state.exit ? `stopped${since}` : 'stopped';
    case 'exited': {
      const how = state.exit?.timedOut
        ? 'did not start in time'
        : (state.exit?.signal ?? `code ${state.exit?.code ?? 'unknown'}`);
      return `exited (${how})${since}`;
    }
    default:
      return assertNever(state.phase, 'runner phase');
  }
}

/** Who started the instance holding the directory, finishing "... (pid N, port P), ...". */
function ownerText(owner: InstanceOwner, profile: ConnectionProfile | undefined): string {
  switch (owner) {
    case 'service':
      return profile
        ? `started by its service: the profile “${profile.name}” controls it`
        : 'started by its service (coin service): control it from a profile for this directory';
    case 'app-runner':
      return 'a runner of this app, started from another window';
    case 'other':
      return 'started outside this app: stop it where it was started';
    default:
      return assertNever(owner, 'instance owner');
  }
}

/** The instance holding the directory that is not the app's runner here, in one sentence. */
export function otherText(
  other: NonNullable<LocalRunnerState['other']>,
  profile?: ConnectionProfile,
): string {
  const port = other.port ? `port ${other.port}` : 'not listening yet';
  return `A Coin instance runs in this directory (pid ${other.pid}, ${port}), ${ownerText(other.owner, profile)}.`;
}

/** The state line, the problem and the instance holding the directory. */
export function RunnerState({
  state,
  profile,
}: {
  state: LocalRunnerState | undefined;
  profile: ConnectionProfile | undefined;
}) {
  const other = state && !isAlive(state) ? state.other : null;
  return (
    <>
      <p>
        <span className="muted">{state?.workingDir}</span>{' '}
        <span data-testid="local-runner-state">
          {!state ? 'reading…' : other ? 'held by another instance (below)' : phaseText(state)}
        </span>
      </p>
      {state?.problem && (
        <p className="error" role="alert" data-testid="local-runner-problem">
          {state.problem}
        </p>
      )}
      {other && (
        <p className="warn-text" data-testid="local-runner-other">
          {otherText(other, profile)}
        </p>
      )}
    </>
  );
}
