// The browser host started as a user starts it (`node electron/launch.mjs --browser`), made to
// start what the app starts on this computer (a journal follower for a local profile, a hosted
// runner), then stopped with SIGTERM: nothing it started may outlive it. Orphans are re-parented
// to init, so the host's process tree is listed before the signal and every entry checked after.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalHost } from '../../electron/services/host/local-host';
import { deskTokenHeader } from '../../electron/host/browser-host-policy';
import {
  commandLine,
  descendantsOf,
  isAlive,
  killTree,
  readProcessTable,
  waitUntilGone,
  type ProcessInfo,
} from '../helpers/process-tree';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let root: TempDir;

beforeAll(async () => {
  root = await makeTempDir('host-shutdown-');
});

afterAll(async () => {
  await root.remove();
});

/** The environment of a user whose home and data are all under the temp dir. */
function isolatedEnv(): Record<string, string> {
  const home = path.join(root.path, 'home');
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    COIN_ADMIN_DATA_DIR: path.join(root.path, 'app-data'),
  };
}

/** Starts the host and resolves once it printed its URL (a stale renderer is built first: minutes). */
async function startHost() {
  const child = spawn(process.execPath, ['electron/launch.mjs', '--browser'], {
    cwd: repoRoot,
    env: isolatedEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 240 s:\n${output}`)), 240_000);
    const look = () => {
      const match = /running at (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(new URL(match[1]!));
    };
    child.stdout.on('data', look);
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`host exited (${code}):\n${output}`))));
  });
  const token = url.hash.replace('#token=', '');
  const call = async (method: string, input: unknown) => {
    const response = await fetch(`${url.origin}/desk/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [deskTokenHeader]: token },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.result as Record<string, unknown>;
  };
  return { child, exited, call, output: () => output };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describeAll(processes: readonly ProcessInfo[]): string[] {
  return processes.map((p) => `${p.pid} ${commandLine(p.pid)}`);
}

describe('stopping the browser host', () => {
  test('SIGTERM ends every process it started: journal follower and hosted runner', async () => {
    const host = await startHost();
    try {
      const instanceDir = path.join(root.path, 'profile-instance');
      const profile = await host.call('profilesSave', {
        profile: {
          kind: 'local',
          name: 'Laptop instance',
          workingDir: instanceDir,
          instanceKind: 'local',
          serviceManager: 'coin-service',
          instancePort: 0,
          coinDir: '',
        },
      });
      await host.call('journalRead', { profileId: profile.id });
      const follower = await until(
        () =>
          descendantsOf(host.child.pid!).find((p) => / service logs --working-dir /.test(commandLine(p.pid))),
        'the journal follower',
      );
      const runnerDir = path.join(root.path, 'hosted-runner');
      await host.call('localRunnerStart', { workingDir: runnerDir });
      await until(async () => {
        const state = await host.call('localRunnerStatus', { workingDir: runnerDir });
        return state.phase === 'running' ? state : undefined;
      }, 'the hosted runner to listen');
      const started = descendantsOf(host.child.pid!);
      expect(describeAll(started)).toEqual(
        expect.arrayContaining([
          expect.stringContaining(' service logs --working-dir '),
          expect.stringMatching(/ run --working-dir .*hosted-runner/),
        ]),
      );
      expect(started.map((p) => p.pid)).toContain(follower.pid);

      const signalled = Date.now();
      host.child.kill('SIGTERM');
      expect(await host.exited, host.output()).toBe(0);
      const stopMs = Date.now() - signalled;
      expect(stopMs).toBeLessThan(30_000);
      const survivors = await waitUntilGone(started, 2000);
      expect(describeAll(survivors)).toEqual([]);
      // Nothing started later (an agent, a retried follower) is left either: no process at all
      // names this test's directory any more.
      const strays = [...readProcessTable().values()].filter((p) => commandLine(p.pid).includes(root.path));
      expect(describeAll(strays)).toEqual([]);
    } finally {
      if (host.child.exitCode === null) await killTree(host.child.pid!);
    }
  });

  test('a command still running on this computer ends when its host closes', async () => {
    const local = new LocalHost();
    const running = local.run(['sleep', '60'], { timeoutMs: 120_000 });
    const sleeper = await until(
      () => descendantsOf(process.pid).find((p) => commandLine(p.pid) === 'sleep 60'),
      'the command to start',
    );
    const started = Date.now();
    await local.close();
    expect(await running).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(isAlive(sleeper)).toBe(false);
  });
});
