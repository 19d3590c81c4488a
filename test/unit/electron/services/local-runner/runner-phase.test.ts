import { expect, test } from 'vitest';
import { localRunnerPhases } from '../../../../../electron/common/local-runner-contract';
import {
  isRunnerAlive,
  nextRunnerPhase,
  type RunnerEvent,
} from '../../../../../electron/services/local-runner/runner-phase';

test('a runner starts, listens, is stopped and has stopped', () => {
  let phase = nextRunnerPhase('stopped', 'start');
  expect(phase).toBe('starting');
  phase = nextRunnerPhase(phase, 'listening');
  expect(phase).toBe('running');
  phase = nextRunnerPhase(phase, 'stop');
  expect(phase).toBe('stopping');
  expect(nextRunnerPhase(phase, 'exit')).toBe('stopped');
});

test('an exit nobody asked for is "exited", while starting or running; it can be started again', () => {
  expect(nextRunnerPhase('starting', 'exit')).toBe('exited');
  expect(nextRunnerPhase('running', 'exit')).toBe('exited');
  expect(nextRunnerPhase('exited', 'start')).toBe('starting');
});

test('a port announced while stopping keeps it stopping; a second stop is harmless', () => {
  expect(nextRunnerPhase('stopping', 'listening')).toBe('stopping');
  expect(nextRunnerPhase('stopping', 'stop')).toBe('stopping');
});

test('a runner the app gave up on (its start timed out) has failed, whatever phase it was in', () => {
  expect(nextRunnerPhase('stopping', 'fail')).toBe('exited');
  expect(nextRunnerPhase('starting', 'fail')).toBe('exited');
  expect(nextRunnerPhase('running', 'fail')).toBe('exited');
});

test('every other move is illegal and throws', () => {
  const legal = new Set([
    'stopped:start',
    'exited:start',
    'starting:listening',
    'stopping:listening',
    'starting:stop',
    'running:stop',
    'stopping:stop',
    'starting:exit',
    'running:exit',
    'stopping:exit',
    'starting:fail',
    'running:fail',
    'stopping:fail',
  ]);
  const events: RunnerEvent[] = ['start', 'listening', 'stop', 'exit', 'fail'];
  for (const phase of localRunnerPhases)
    for (const event of events) {
      if (legal.has(`${phase}:${event}`)) expect(() => nextRunnerPhase(phase, event)).not.toThrow();
      else
        expect(() => nextRunnerPhase(phase, event), `${phase}:${event}`).toThrow(
          /illegal local runner event/,
        );
    }
});

test('a process exists while starting, running or stopping', () => {
  expect(localRunnerPhases.filter(isRunnerAlive)).toEqual(['starting', 'running', 'stopping']);
});
