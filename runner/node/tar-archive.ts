/** tar.gz archives of directories, streamed through the system's `tar` (no temp copies). */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { childEnv } from './child-env';

function tarError(args: readonly string[], code: number | null, stderr: string): Error {
  return new Error(
    `tar ${args.join(' ')} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`,
  );
}

function runTar(
  args: string[],
  connect: (stdin: Writable, stdout: Readable) => Promise<void>,
): Promise<void> {
  const child = spawn('tar', args, { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(tarError(args, code, stderr))));
  });
  return Promise.all([connect(child.stdin, child.stdout), exited]).then(() => undefined);
}

/** Write `directory` as a tar.gz stream into `sink`, leaving out `exclude` (paths relative to it). */
export function packDirectory(
  directory: string,
  sink: Writable,
  exclude: readonly string[] = [],
): Promise<void> {
  const excludes = exclude.map((p) => `--exclude=./${p.replace(/^\.\//, '')}`);
  return runTar(['-czf', '-', ...excludes, '-C', directory, '.'], async (stdin, stdout) => {
    stdin.end();
    await pipeline(stdout, sink);
  });
}

/** Unpack a tar.gz stream into `directory` (created when missing). */
export async function unpackInto(source: Readable, directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await runTar(['-xzf', '-', '-C', directory], async (stdin, stdout) => {
    stdout.resume();
    await pipeline(source, stdin);
  });
}
