/**
 * Commands that work on a working directory whether its instance runs or not: through the running
 * instance (it owns the store), else on the store itself under the instance lock (so no `coin run`
 * starts meanwhile). A directory that holds no Coin store is refused rather than given a new one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InstanceClient } from '../client/instance-client';
import { NoInstanceError } from '../client/instance-errors';
import { connectWorkingDir } from '../client/working-dir-instance';
import { auditJournalFileName } from '../node/store/audit-journal';
import { acquireInstanceLock } from '../node/store/instance-lock';
import { databaseFileName, SqliteStore } from '../node/store/sqlite-store';
import type { CliIo } from './cli-io';

/** Run `online` on the live instance of `workingDir`, or `offline` on its store when none runs. */
export async function onInstanceOrOffline<T>(
  io: CliIo,
  workingDir: string,
  online: (client: InstanceClient) => Promise<T>,
  offline: (store: SqliteStore) => Promise<T> | T,
): Promise<T> {
  try {
    return await online(connectWorkingDir(workingDir));
  } catch (error) {
    if (!(error instanceof NoInstanceError)) throw error;
  }
  const dir = path.resolve(workingDir);
  if (![databaseFileName, auditJournalFileName].some((name) => existsSync(path.join(dir, name))))
    throw io.usageError(
      `no instance runs in ${dir}, and it holds no Coin store: is it the working directory?`,
    );
  const lock = await acquireInstanceLock(dir);
  const store = SqliteStore.open(dir);
  try {
    return await offline(store);
  } finally {
    store.close();
    lock.release();
  }
}
