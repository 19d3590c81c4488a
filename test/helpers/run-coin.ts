/** Run the `coin` CLI of this checkout as a real process. */
import { execFile } from 'node:child_process';
import path from 'node:path';

const coinBin = path.resolve(import.meta.dirname, '..', '..', 'runner', 'cli', 'coin.mjs');

export interface CoinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `coin ...args`, resolved when it exits (never rejects on a non-zero exit). */
export function runCoin(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CoinResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [coinBin, ...args],
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 30_000,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
