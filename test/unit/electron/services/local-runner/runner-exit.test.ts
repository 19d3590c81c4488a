import { describe, expect, test } from 'vitest';
import type { RunnerExit } from '../../../../../electron/common/local-runner-contract';
import {
  exitProblem,
  lockHolderOf,
  portFromLogLine,
} from '../../../../../electron/services/local-runner/runner-exit';

const exit = (over: Partial<RunnerExit>): RunnerExit => ({
  code: 0,
  signal: null,
  requested: false,
  timedOut: false,
  at: '2026-01-01T00:00:00.000Z',
  lastLines: [],
  ...over,
});

test('the port comes from the "Coin is running" JSON line and from no other', () => {
  const running =
    '{"level":30,"time":1,"pid":9,"port":42983,"workingDir":"/w","msg":"Coin is running at http://127.0.0.1:42983/coin"}';
  expect(portFromLogLine(running)).toBe(42983);
  expect(portFromLogLine('{"level":30,"port":1,"msg":"agent connected"}')).toBeNull();
  expect(portFromLogLine('Coin is running at http://127.0.0.1:1/coin')).toBeNull();
  expect(portFromLogLine('{"msg":"Coin is running at", "port": "8080"')).toBeNull();
});

describe('why a runner ended, for people', () => {
  const refusal =
    'coin: another Coin instance (pid 4242, started 2026-01-01T00:00:00.000Z) is running in /srv/w; stop it first, or if it is certainly gone remove /srv/w/coin.lock';

  test('a refusal because another instance holds the directory names that pid', () => {
    expect(lockHolderOf(['starting', refusal])).toBe(4242);
    expect(
      exitProblem(exit({ code: 1, lastLines: ['coin admin: starting', refusal] }), '/srv/w', 60_000),
    ).toBe(
      'Another Coin instance (pid 4242) already runs in /srv/w: stop it first, or choose another directory.',
    );
  });

  test('a requested stop that ended cleanly is no problem; one that needed SIGKILL is', () => {
    expect(exitProblem(exit({ requested: true, code: 0 }), '/w', 60_000)).toBeNull();
    expect(exitProblem(exit({ requested: true, code: null, signal: 'SIGTERM' }), '/w', 60_000)).toBeNull();
    expect(exitProblem(exit({ requested: true, code: null, signal: 'SIGKILL' }), '/w', 60_000)).toBe(
      'The runner did not stop in time and was killed by SIGKILL.',
    );
  });

  test("a crash of Node names the error, not the stack or Node's version under it", () => {
    const lines = [
      '/work/runner/node/server/log-line-index.ts:9',
      "import { readLogTimes } from '../instance/log-time-index';",
      '         ^',
      '',
      "SyntaxError: The requested module '../instance/log-time-index' does not provide an export named 'readLogTimes'",
      '    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)',
      '',
      'Node.js v20.20.2',
    ];
    expect(exitProblem(exit({ code: 1, lastLines: lines }), '/w', 60_000)).toBe(
      "The runner exited with code 1: SyntaxError: The requested module '../instance/log-time-index' does not provide an export named 'readLogTimes'",
    );
    expect(
      exitProblem(
        exit({ code: 2, lastLines: ["coin: --port must be an integer >= 0, got 'x'"] }),
        '/w',
        60_000,
      ),
    ).toBe("The runner exited with code 2: coin: --port must be an integer >= 0, got 'x'");
  });

  test('a crash says how it ended and its last words', () => {
    const lines = ['{"msg":"x"}', 'Error: database disk image is malformed', '   '];
    expect(exitProblem(exit({ code: 1, lastLines: lines }), '/w', 60_000)).toBe(
      'The runner exited with code 1: Error: database disk image is malformed',
    );
    expect(exitProblem(exit({ code: null, signal: 'SIGKILL' }), '/w', 60_000)).toBe(
      'The runner was killed by SIGKILL.',
    );
  });

  test('a start the app gave up on says so, whatever the runner printed last', () => {
    const lines = [
      'coin admin: the runner did not print its URL within 5 s: stopping it',
      'stopping signal=SIGTERM',
    ];
    expect(exitProblem(exit({ code: 0, timedOut: true, lastLines: lines }), '/w', 5000)).toBe(
      'The runner did not start within 5 s (it never printed its URL), so the app stopped it: see its output below, fix the cause, then start it again.',
    );
  });
});
