/** Run the `coin` CLI of this checkout (or another build of it) as a real process. */
import { execFile } from 'node:child_process';
import path from 'node:path';

const coinBin = path.resolve(import.meta.dirname, '..', '..', 'runner', 'cli', 'coin.mjs');

/** How a test starts `coin`: argv before the CLI's arguments, the complete environment, the cwd. */
export interface CoinLaunch {
  command: readonly string[];
  env: Record<string, string>;
  cwd?: string;
}

/** This checkout's coin.mjs under this Node, with only PATH and HOME. */
export function checkoutCoin(): CoinLaunch {
  return {
    command: [process.execPath, coinBin],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  };
}

export interface CoinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `coin ...args`, resolved when it exits (never rejects on a non-zero exit). */
export function runCoin(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; launch?: CoinLaunch } = {},
): Promise<CoinResult> {
  const { command, env, cwd } = options.launch ?? checkoutCoin();
  return new Promise((resolve) => {
    execFile(
      command[0]!,
      [...command.slice(1), ...args],
      {
        cwd: options.cwd ?? cwd,
        timeout: options.timeoutMs ?? 30_000,
        // `coin plan --details` on every configuration of a real module prints megabytes
        maxBuffer: 64 * 1024 * 1024,
        env,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * `coin integrate REPO --ref REF --working-dir WORK --wait --json` (plus `extra`): how it exited
 * and the task it printed (a task that failed is printed too, with exit code 1).
 */
export async function integrateWait<Task = { id: string; state: string }>(
  repo: string,
  work: string,
  options: { ref?: string; extra?: readonly string[]; timeoutMs?: number } = {},
): Promise<CoinResult & { task: Task }> {
  const result = await runCoin(
    [
      'integrate',
      repo,
      '--ref',
      options.ref ?? 'main',
      '--working-dir',
      work,
      '--wait',
      '--json',
      ...(options.extra ?? []),
    ],
    { timeoutMs: options.timeoutMs ?? 90_000 },
  );
  if (!result.stdout.trim())
    throw new Error(`coin integrate printed no task (exit ${result.code}): ${result.stderr}`);
  return { ...result, task: JSON.parse(result.stdout) as Task };
}
