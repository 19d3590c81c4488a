// Local runners hosted by the app, as real `coin run` child processes (and a stand-in where a
// real runner cannot misbehave on purpose): start, output, port, stop, crash, refusal, exit hook.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { InstanceClient } from '../../../runner/client/instance-client';
import type { DeskError } from '../../../electron/common/desk-api';
import {
  createLocalHostingServices,
  type LocalHostingServices,
} from '../../../electron/services/local-runner/local-hosting-services';
import { LocalRunnerHost } from '../../../electron/services/local-runner/local-runner-host';
import { startCoin } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const fakeRunner = path.join(import.meta.dirname, 'fixtures', 'fake-runner.mjs');
const run = promisify(execFile);

let temp: TempDir;
let work: string;
let hosting: LocalHostingServices;

beforeEach(async () => {
  temp = await makeTempDir('local-runner-');
  work = path.join(temp.path, 'work');
  hosting = createLocalHostingServices({ dataDir: path.join(temp.path, 'data'), defaultWorkingDir: work });
});
afterEach(async () => {
  await hosting.close();
  await temp.remove();
});

/** True while the process exists and is not a zombie (an orphan's reaper may be slow to wait for it). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('a real coin run', () => {
  test('starts for a directory, announces its port, streams its output and stops on request', async () => {
    const started = await hosting.api.localRunnerStart({});
    expect(started).toMatchObject({
      workingDir: work,
      phase: 'running',
      exit: null,
      problem: null,
      other: null,
    });
    const lock = JSON.parse(readFileSync(path.join(work, 'coin.lock'), 'utf8')) as {
      pid: number;
      port: number;
    };
    expect([started.pid, started.port]).toEqual([lock.pid, lock.port]);
    expect(started.url).toBe(`http://127.0.0.1:${lock.port}/coin/`);
    expect(await new InstanceClient({ root: started.url! }).tasks()).toMatchObject({ total: 0 });

    const output = await hosting.api.localRunnerOutput({ after: 0 });
    const messages = output.entries.map((e) => e.message);
    expect(messages[0]).toBe(`coin admin: starting coin run in ${work}`);
    expect(messages.some((m) => m.startsWith(`Coin is running at http://127.0.0.1:${lock.port}/coin`))).toBe(
      true,
    );
    expect(await hosting.api.localRunnerStart({})).toMatchObject({ phase: 'running', pid: lock.pid });

    const stopped = await hosting.api.localRunnerStop({ workingDir: work });
    expect(stopped).toMatchObject({ phase: 'stopped', pid: null, port: null, problem: null });
    expect(stopped.exit).toMatchObject({ code: 0, requested: true });
    expect(isAlive(lock.pid)).toBe(false);
    expect(existsSync(path.join(work, 'coin.lock'))).toBe(false);
    const after = await hosting.api.localRunnerOutput({ after: output.next });
    expect(after.entries.map((e) => e.message)).toContain('stopping signal=SIGTERM');
  });

  test('a crash is reported with its last lines, never thrown; the directory can be started again', async () => {
    const started = await hosting.api.localRunnerStart({});
    process.kill(started.pid!, 'SIGKILL');
    await expect.poll(async () => (await hosting.api.localRunnerStatus({})).phase).toBe('exited');
    const crashed = await hosting.api.localRunnerStatus({});
    expect(crashed.problem).toBe('The runner was killed by SIGKILL.');
    expect(crashed.exit).toMatchObject({ code: null, signal: 'SIGKILL', requested: false });
    expect(crashed.exit!.lastLines.some((l) => l.startsWith('Coin is running at'))).toBe(true);
    // Its lock is stale: the next runner reclaims it.
    expect(crashed.other).toBeNull();
    const again = await hosting.api.localRunnerStart({});
    expect(again).toMatchObject({ phase: 'running', problem: null, exit: null });
    expect(again.pid).not.toBe(started.pid);
  });

  test('another instance in the directory: the start is refused, naming its pid; stop is not ours to do', async () => {
    const other = await startCoin(work);
    try {
      expect((await hosting.api.localRunnerStatus({})).other).toEqual({
        pid: other.pid,
        port: other.port,
        owner: 'other',
      });
      const refused = await hosting.api.localRunnerStart({});
      expect(refused).toMatchObject({ phase: 'exited', other: { pid: other.pid } });
      expect(refused.exit?.code).toBe(1);
      expect(refused.problem).toBe(
        `Another Coin instance (pid ${other.pid}) already runs in ${work}: stop it first, or choose another directory.`,
      );
      const stop = await hosting.api.localRunnerStop({}).catch((e: DeskError) => e);
      expect(stop).toMatchObject({ code: 'bad-input' });
      expect((stop as DeskError).message).toContain(`(pid ${other.pid}) was not started by this app`);
      expect(isAlive(other.pid)).toBe(true);
    } finally {
      await other.stop();
    }
  });
});

describe('a runner that misbehaves (stand-in)', () => {
  test('one that ignores SIGTERM is killed after the grace period, and says so', async () => {
    const host = new LocalRunnerHost({
      defaultWorkingDir: work,
      coinCommand: [process.execPath, fakeRunner],
      env: { PATH: process.env.PATH ?? '', FAKE_RUNNER_MODE: 'ignore-term' },
      stopGraceMs: 300,
    });
    expect(await host.start(work)).toMatchObject({ phase: 'running', port: 1 });
    const stopped = await host.stop(work);
    expect(stopped).toMatchObject({ phase: 'stopped', exit: { signal: 'SIGKILL', requested: true } });
    expect(stopped.problem).toBe('The runner did not stop in time and was killed by SIGKILL.');
    expect(host.output(work, 0, 100).entries.map((e) => e.message)).toContain(
      'fake runner: ignoring SIGTERM',
    );
  });

  test('a command that cannot be spawned ends as an exit with the reason', async () => {
    const host = new LocalRunnerHost({
      defaultWorkingDir: work,
      coinCommand: [path.join(temp.path, 'no-such-node')],
    });
    const state = await host.start(work);
    expect(state.phase).toBe('exited');
    expect(state.problem).toMatch(
      /^The runner exited with code unknown: coin admin: could not start the runner: spawn .*ENOENT/,
    );
  });

  test("the app's exit ends the runner it hosts even without a stop", async () => {
    const marker = path.join(temp.path, 'sigterm');
    const script = path.join(import.meta.dirname, 'fixtures', 'host-then-exit.mjs');
    const { stdout } = await run(process.execPath, [script, work, marker], { timeout: 30_000 });
    const [phase, pid] = stdout.trim().split(' ');
    expect(phase).toBe('running');
    await expect.poll(() => existsSync(marker)).toBe(true);
    await expect.poll(() => isAlive(Number(pid))).toBe(false);
  });
});

test('without a running runner, integrating says how to start one', async () => {
  await expect(hosting.api.localRunnerIntegrate({ repo: temp.path, ref: 'main' })).rejects.toThrow(
    `no Coin instance is running in ${work} (start one with: coin run --working-dir ${work})`,
  );
});

test('a relative working directory is refused with a clear message', async () => {
  await expect(hosting.api.localRunnerStart({ workingDir: 'relative/dir' })).rejects.toThrow(
    "the working directory must be an absolute path, got 'relative/dir'",
  );
});
