/** The life of a local runner as a state machine on plain values (illegal moves throw). */
import { assertNever } from '../../../runner/core/model';
import type { LocalRunnerPhase } from '../../common/local-runner-contract';

/**
 * What happens to a runner: the app starts or stops it, it announces its port, its process ends
 * (`exit`), or ends after the app gave up on its start (`fail`: a failure, never a stop).
 */
export type RunnerEvent = 'start' | 'listening' | 'stop' | 'exit' | 'fail';

function illegal(from: LocalRunnerPhase, event: RunnerEvent): never {
  throw new Error(`illegal local runner event '${event}' while ${from}`);
}

/** The phase after `event`; a process that ends while stopping has stopped, otherwise it exited. */
export function nextRunnerPhase(from: LocalRunnerPhase, event: RunnerEvent): LocalRunnerPhase {
  switch (event) {
    case 'start':
      return from === 'stopped' || from === 'exited' ? 'starting' : illegal(from, event);
    case 'listening':
      if (from === 'starting') return 'running';
      return from === 'stopping' ? 'stopping' : illegal(from, event);
    case 'stop':
      return from === 'starting' || from === 'running' || from === 'stopping'
        ? 'stopping'
        : illegal(from, event);
    case 'exit':
      if (from === 'stopping') return 'stopped';
      return from === 'starting' || from === 'running' ? 'exited' : illegal(from, event);
    case 'fail':
      return isRunnerAlive(from) ? 'exited' : illegal(from, event);
    default:
      return assertNever(event, 'runner event');
  }
}

/** True while a process exists (or is being created) for the runner. */
export function isRunnerAlive(phase: LocalRunnerPhase): boolean {
  switch (phase) {
    case 'starting':
    case 'running':
    case 'stopping':
      return true;
    case 'stopped':
    case 'exited':
      return false;
    default:
      return assertNever(phase, 'runner phase');
  }
}
