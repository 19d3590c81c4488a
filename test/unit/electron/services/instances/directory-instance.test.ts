// The instance of a working directory, judged from its lock, its process and its API, on values.
import { expect, test } from 'vitest';
import {
  judgeDirectoryInstance,
  listeningPort,
  type DirectoryFacts,
} from '../../../../../electron/services/instances/directory-instance';

const lock = { pid: 812, startedAt: '2026-01-01T10:00:00.000Z', hostname: 'laptop', port: 41234 };
const facts = (over: Partial<DirectoryFacts>): DirectoryFacts => ({
  workingDir: '/w',
  lock,
  alive: null,
  answered: true,
  owner: 'app-runner',
  ...over,
});

test('no lock: nothing runs there, nobody owns it', () => {
  expect(judgeDirectoryInstance(facts({ lock: null, answered: null }))).toEqual({
    workingDir: '/w',
    state: 'none',
    pid: null,
    port: null,
    startedAt: null,
    owner: null,
    detail: 'no Coin instance runs in /w',
  });
});

test('a lock whose port answers is running, and says who started it', () => {
  const running = judgeDirectoryInstance(facts({}));
  expect(running).toMatchObject({ state: 'running', pid: 812, port: 41234, owner: 'app-runner' });
  expect(running.detail).toBe("running on port 41234 (pid 812), the app's local runner");
  expect(judgeDirectoryInstance(facts({ owner: 'service' })).detail).toBe(
    'running on port 41234 (pid 812), started by its service',
  );
  expect(judgeDirectoryInstance(facts({ owner: 'other' })).detail).toBe(
    'running on port 41234 (pid 812), started outside this app',
  );
  expect(listeningPort(running)).toBe(41234);
});

test('the lock of an ended process is no instance', () => {
  const stale = judgeDirectoryInstance(facts({ answered: false, alive: false }));
  expect(stale).toMatchObject({ state: 'none', pid: null, port: null, owner: null });
  expect(stale.detail).toBe('no Coin instance runs in /w: its lock names pid 812, which has ended');
  expect(listeningPort(stale)).toBeNull();
});

test('a live process without a port is starting; one whose port does not answer is silent', () => {
  const { port: _port, ...unported } = lock;
  const starting = judgeDirectoryInstance(facts({ lock: unported, answered: null, alive: true }));
  expect(starting).toMatchObject({ state: 'starting', pid: 812, port: null });
  expect(starting.detail).toBe("starting (pid 812), the app's local runner: not listening yet");
  expect(listeningPort(starting)).toBeNull();
  const silent = judgeDirectoryInstance(facts({ answered: false, alive: true, owner: 'other' }));
  expect(silent).toMatchObject({ state: 'silent', port: 41234 });
  expect(silent.detail).toBe(
    'pid 812 holds /w and names port 41234, but its API does not answer (started outside this app)',
  );
  expect(listeningPort(silent)).toBe(41234);
});
