/**
 * A watched instance as plain values, whatever it is: a profile's instance (from its status at a
 * glance) or a runner the app hosts. The tray and the notification decisions read only this.
 */
import { assertNever } from '../../../runner/core/model';
import type { InstanceStatus } from '../../common/instance-schemas';
import type { LocalRunnerState } from '../../common/local-runner-contract';

/** How a watched instance is doing, in one word. */
export type WatchHealth =
  'running' | 'starting' | 'stopping' | 'stopped' | 'failed' | 'unreachable' | 'unknown';

/** A task of a watched instance. */
export interface WatchedTask {
  id: string;
  project: string;
  branch: string;
  state: string;
}

/** One watched instance at one moment. */
export interface WatchedInstance {
  /** `profile:<id>` or `local-runner:<dir>`: stable across polls. */
  key: string;
  name: string;
  health: WatchHealth;
  /** A few words for people: "active (running)", "exited with code 1". */
  detail: string;
  /** When it entered its state, when known: tells one failure from the next. */
  since: string | null;
  /** Its latest tasks, or null when they could not be read. */
  tasks: WatchedTask[] | null;
  /** It stopped because this app was asked to stop it: no news for anyone. */
  stoppedOnRequest: boolean;
}

function healthOfService(state: NonNullable<InstanceStatus['service']>['state']): WatchHealth {
  switch (state) {
    case 'active':
    case 'reloading':
      return 'running';
    case 'activating':
      return 'starting';
    case 'deactivating':
      return 'stopping';
    case 'inactive':
      return 'stopped';
    case 'failed':
      return 'failed';
    case 'unknown':
      return 'unknown';
    default:
      return assertNever(state, 'service state');
  }
}

/** A profile's instance from its status at a glance. */
export function watchedProfile(profileId: string, name: string, status: InstanceStatus): WatchedInstance {
  const base = { key: `profile:${profileId}`, name, since: null, tasks: null, stoppedOnRequest: false };
  const connection = status.connection;
  if (connection.state !== 'connected' && connection.state !== 'idle') {
    const detail = connection.error ? `${connection.state}: ${connection.error}` : connection.state;
    return { ...base, health: 'unreachable', detail };
  }
  if (!status.service) return { ...base, health: 'unknown', detail: 'state unknown' };
  const { state, subState, since } = status.service;
  const tasks = status.activity?.tasks.map(({ id, project, branch, state }) => ({
    id,
    project,
    branch,
    state,
  }));
  return {
    ...base,
    health: healthOfService(state),
    detail: `${state} (${subState})`,
    since,
    tasks: tasks ?? null,
  };
}

/** A profile whose status could not be read at all. */
export function unreadableProfile(profileId: string, name: string, error: string): WatchedInstance {
  const key = `profile:${profileId}`;
  return { key, name, health: 'unknown', detail: error, since: null, tasks: null, stoppedOnRequest: false };
}

function runnerDetail(runner: LocalRunnerState): string {
  switch (runner.phase) {
    case 'running':
      return `running on port ${runner.port ?? '?'}`;
    case 'exited':
      return runner.problem ?? 'exited';
    case 'starting':
    case 'stopping':
    case 'stopped':
      return runner.other && runner.phase === 'stopped'
        ? `another instance runs (pid ${runner.other.pid})`
        : runner.phase;
    default:
      return assertNever(runner.phase, 'runner phase');
  }
}

/** A local runner of the app, with its latest tasks when they were read. */
export function watchedRunner(runner: LocalRunnerState, tasks: WatchedTask[] | null): WatchedInstance {
  const health: WatchHealth = runner.phase === 'exited' ? 'failed' : runner.phase;
  return {
    key: `local-runner:${runner.workingDir}`,
    name: `Local runner ${runner.workingDir}`,
    health,
    detail: runnerDetail(runner),
    since: runner.since,
    tasks,
    stoppedOnRequest: runner.phase === 'stopped' && runner.exit?.requested === true,
  };
}
