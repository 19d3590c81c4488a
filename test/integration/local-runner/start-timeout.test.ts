// A hosted runner that hangs while it starts, as a real child process that never prints its URL:
// the app gives up after the start timeout and stops it (SIGKILL when it ignores SIGTERM), the
// state says why, Stop works while it starts, and Start works again afterwards. And a real
// `coin run` on an impossible working directory ends at once with its own words in the card.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../../electron/services/local-runner/local-hosting-services';
import { LocalRunnerHost } from '../../../electron/services/local-runner/local-runner-host';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const silentRunner = path.join(import.meta.dirname, 'fixtures', 'silent-runner.mjs');

let temp: TempDir;
let work: string;
let hosts: LocalRunnerHost[] = [];
let hosting: LocalHostingServices | undefined;

beforeEach(async () => {
  temp = await makeTempDir('start-timeout-');
  work = path.join(temp.path, 'work');
});
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.stopAll()));
  hosts = [];
  await hosting?.close();
  hosting = undefined;
  await temp.remove();
});

function silentHost(options: { startTimeoutMs: number; mode?: 'ignore-term' }): LocalRunnerHost {
  const host = new LocalRunnerHost({
    defaultWorkingDir: work,
    coinCommand: [process.execPath, silentRunner],
    env: { PATH: process.env.PATH ?? '', SILENT_RUNNER_MODE: options.mode ?? 'normal' },
    startTimeoutMs: options.startTimeoutMs,
    stopGraceMs: 500,
  });
  hosts.push(host);
  return host;
}

function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const gaveUp =
  'The runner did not start within 2 s (it never printed its URL), so the app stopped it: see its output below, fix the cause, then start it again.';

test('a runner that never prints its URL is stopped after the start timeout, says why, and can be started again', async () => {
  const host = silentHost({ startTimeoutMs: 2000 });
  const began = Date.now();
  const first = host.start(work);
  await expect.poll(() => host.status(work).phase).toBe('starting');
  const pid = host.status(work).pid!;
  expect(isAlive(pid)).toBe(true);
  const ended = await first;
  expect(Date.now() - began).toBeLessThan(2000 + 500 + 5000);
  expect(ended).toMatchObject({ phase: 'exited', pid: null, problem: gaveUp, startTimeoutMs: 2000 });
  expect(ended.exit).toMatchObject({ timedOut: true, requested: false, signal: 'SIGTERM' });
  expect(isAlive(pid)).toBe(false);
  const lines = host.output(work, 0, 100).entries.map((e) => e.message);
  expect(lines).toContain(`silent runner: preparing ${work}`);
  expect(lines).toContain('coin admin: the runner did not print its URL within 2 s: stopping it');

  const again = host.start(work);
  await expect.poll(() => host.status(work).phase).toBe('starting');
  expect(host.status(work).pid).not.toBe(pid);
  expect((await again).phase).toBe('exited');
});

test('one that also ignores SIGTERM is killed after the grace period', async () => {
  const host = silentHost({ startTimeoutMs: 2000, mode: 'ignore-term' });
  const ended = await host.start(work);
  expect(ended).toMatchObject({ phase: 'exited', problem: gaveUp });
  expect(ended.exit).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  expect(host.output(work, 0, 100).entries.map((e) => e.message)).toContain(
    'silent runner: ignoring SIGTERM',
  );
});

test('Stop while it starts ends it at once, as a stop and not as a failure', async () => {
  const host = silentHost({ startTimeoutMs: 60_000 });
  const starting = host.start(work);
  await expect.poll(() => host.status(work).phase).toBe('starting');
  const pid = host.status(work).pid!;
  const began = Date.now();
  const stopped = await host.stop(work);
  expect(Date.now() - began).toBeLessThan(5000);
  expect(stopped).toMatchObject({ phase: 'stopped', problem: null, pid: null });
  expect(stopped.exit).toMatchObject({ requested: true, timedOut: false });
  expect((await starting).phase).toBe('stopped');
  expect(isAlive(pid)).toBe(false);
});

test('a real coin run on an impossible working directory ends at once, in its own words', async () => {
  hosting = createLocalHostingServices({ dataDir: path.join(temp.path, 'data'), defaultWorkingDir: work });
  const began = Date.now();
  const state = await hosting.api.localRunnerStart({ workingDir: '/proc/nope/coin' });
  expect(Date.now() - began).toBeLessThan(30_000);
  expect(state).toMatchObject({ phase: 'exited', other: null });
  expect(state.exit?.timedOut).toBe(false);
  expect(state.problem).toMatch(
    /^The runner exited with code 1: coin: working directory \/proc\/nope\/coin cannot be created/,
  );
  expect((await hosting.api.localRunnerStatus({ workingDir: '/proc/nope/coin' })).phase).toBe('exited');
});
