/**
 * Helpers for tests of `coin service`: the CLI with a chosen environment, and a last-resort stop
 * of a daemon a failed test left running (a daemon is not a child of the test, so the leak check
 * cannot see it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serviceFiles } from '../../../runner/node/service/service-files';
import type { CoinResult } from '../../helpers/run-coin';
import { sleep } from '../../helpers/process-tree';

/** The coin CLI of this checkout. */
export const coinBin = path.resolve(import.meta.dirname, '..', '..', '..', 'runner', 'cli', 'coin.mjs');

/** `coin ...args` with extra environment variables; never rejects on a non-zero exit. */
export function coinWithEnv(args: readonly string[], env: Record<string, string> = {}): Promise<CoinResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [coinBin, ...args],
      { timeout: 120_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `coin service logs -f` as a running process whose output the test reads. */
export function followLogs(workingDir: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [coinBin, 'service', 'logs', '-f', '-n', '2', '--working-dir', workingDir],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

/** Polls `check` until it is true or `timeoutMs` passes. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The pid in the service's pidfile, if any. */
export function daemonPid(workingDir: string): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(serviceFiles(workingDir).pidFile, 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** True while a process with this pid exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Kills the daemon of `workingDir` and its process group if a test left it running. */
export async function killDaemon(workingDir: string): Promise<void> {
  const pid = daemonPid(workingDir);
  if (pid === undefined || !pidAlive(pid)) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await waitUntil(() => !pidAlive(pid), 10_000);
}
