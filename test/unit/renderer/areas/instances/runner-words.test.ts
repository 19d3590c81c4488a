// What the Local runner card and the profile panel say about the instance holding a directory.
import { expect, test } from 'vitest';
import type { ConnectionProfile, DirectoryInstance } from '../../../../../electron/common/instance-schemas';
import type { LocalRunnerState } from '../../../../../electron/common/local-runner-contract';
import {
  heldElsewhere,
  profileOfDirectory,
  runsWithoutService,
} from '../../../../../renderer/src/areas/instances/instance-holder';
import { otherText, phaseText } from '../../../../../renderer/src/areas/instances/runner-state';

const laptop = {
  id: 'laptop',
  name: 'This laptop',
  kind: 'local',
  coinDir: '',
  workingDir: '/w/',
  instanceKind: 'local',
  serviceManager: 'coin-service',
  instancePort: 0,
} satisfies ConnectionProfile;

const instance = (over: Partial<DirectoryInstance>): DirectoryInstance => ({
  workingDir: '/w',
  state: 'running',
  pid: 812,
  port: 41234,
  startedAt: null,
  owner: 'app-runner',
  detail: '',
  ...over,
});

const runner = (over: Partial<LocalRunnerState>): LocalRunnerState => ({
  workingDir: '/w',
  phase: 'stopped',
  pid: null,
  port: null,
  url: null,
  since: null,
  exit: null,
  problem: null,
  startTimeoutMs: 60_000,
  other: null,
  ...over,
});

test('the card names a service by the profile of its directory', () => {
  const other = { pid: 812, port: 41234, owner: 'service' as const };
  expect(profileOfDirectory([laptop], '/w')).toBe(laptop);
  expect(profileOfDirectory([laptop], '/elsewhere')).toBeUndefined();
  expect(otherText(other, laptop)).toBe(
    'A Coin instance runs in this directory (pid 812, port 41234), started by its service: the profile “This laptop” controls it.',
  );
  expect(otherText({ ...other, owner: 'other', port: null })).toBe(
    'A Coin instance runs in this directory (pid 812, not listening yet), started outside this app: stop it where it was started.',
  );
});

test("a profile's service buttons do not apply while another owner holds the directory", () => {
  expect(heldElsewhere({ instance: instance({}) })).toMatch(
    /^The working directory is held by the app's local runner/,
  );
  expect(heldElsewhere({ instance: instance({ owner: 'other' }) })).toMatch(/started outside this app/);
  expect(heldElsewhere({ instance: instance({ owner: 'service' }) })).toBeNull();
  expect(heldElsewhere({ instance: instance({ state: 'none', owner: null }) })).toBeNull();
  expect(heldElsewhere(undefined)).toBeNull();
  const inactive = {
    manager: 'coin-service',
    state: 'inactive',
    subState: 'stopped',
    since: null,
    pid: null,
    port: null,
    detail: '',
  } as const;
  expect(runsWithoutService(instance({}), inactive)).toBe(true);
  expect(runsWithoutService(instance({ owner: 'service' }), inactive)).toBe(false);
});

test('a start says how long it has waited and when the app gives up; a timed-out one says so', () => {
  const since = '2026-01-01T10:00:00.000Z';
  const now = Date.parse(since) + 12_000;
  expect(phaseText(runner({ phase: 'starting', pid: 9, since }), now)).toBe(
    'starting (pid 9) for 12 s: waiting for its URL; the app stops it after 60 s',
  );
  const exit = { code: null, signal: 'SIGTERM', requested: false, timedOut: true, at: since, lastLines: [] };
  expect(phaseText(runner({ phase: 'exited', since, exit }), now)).toMatch(
    /^exited \(did not start in time\) since/,
  );
});
