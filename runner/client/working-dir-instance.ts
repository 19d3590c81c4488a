/**
 * The instance running in a working directory on this machine: its port from the lock file, its
 * admin token from the token file (runner/core/working-dir-layout.ts names both), as `coin
 * integrate` and the desktop app's local runner reach it.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { instanceBasePath, instanceRootUrl, type AuditOrigin } from '../core/instance-api';
import { inWorkingDir, parseLockInfo, type LockInfoRecord } from '../core/working-dir-layout';
import { InstanceClient } from './instance-client';
import { NoInstanceError } from './instance-errors';

/** The file's text, or undefined when it (or its directory) is not there. */
function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** What the working directory's lock says (undefined: no lock, or not a lock). */
export function readWorkingDirLock(workingDir: string): LockInfoRecord | undefined {
  const text = readIfThere(inWorkingDir(path.resolve(workingDir), 'lock'));
  return text === undefined ? undefined : parseLockInfo(text);
}

/** A client of the instance running in `workingDir`; NoInstanceError when none listens there. */
export function connectWorkingDir(
  workingDir: string,
  options: { basePath?: string; timeoutMs?: number; origin?: AuditOrigin } = {},
): InstanceClient {
  const dir = path.resolve(workingDir);
  const lock = readWorkingDirLock(dir);
  if (!lock?.port)
    throw new NoInstanceError(
      `no Coin instance is running in ${dir} (start one with: coin run --working-dir ${dir})`,
    );
  const tokenFile = inWorkingDir(dir, 'adminToken');
  return new InstanceClient({
    root: instanceRootUrl(`http://127.0.0.1:${lock.port}`, options.basePath ?? instanceBasePath),
    // Read-only calls work without it.
    adminToken: readIfThere(tokenFile)?.trim(),
    tokenSource: tokenFile,
    name: `the Coin instance of ${dir} (pid ${lock.pid}, port ${lock.port})`,
    timeoutMs: options.timeoutMs,
    // Who acts, for the instance's audit trail: this machine's user, from the CLI unless told.
    actor: userInfo().username,
    origin: options.origin ?? 'cli',
  });
}
