// Temporary directories for tests, all under one root per test process, so the leak check can
// see what a test left behind and a crashed run leaves one directory to find, not hundreds.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const rootPrefix = 'coin-admin-test-';

/** A directory created for one test; remove() deletes it with everything inside. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** The per-process directory that holds every temp dir this test process creates. */
export function tempRoot(): string {
  return path.join(os.tmpdir(), `${rootPrefix}${process.pid}`);
}

/** Creates a fresh directory named `<prefix>XXXXXX` under the per-process temp root. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  await ensureRoot();
  const dir = await fsp.mkdtemp(path.join(tempRoot(), prefix));
  return { path: dir, remove: () => removePath(dir) };
}

/** Names of the entries currently in the temp root (empty when it does not exist yet). */
export function listTempRoot(): string[] {
  try {
    return fs.readdirSync(tempRoot());
  } catch {
    return [];
  }
}

/** Deletes a file or directory tree, tolerating its absence and busy files being closed. */
export async function removePath(target: string): Promise<void> {
  await fsp.rm(target, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/** Removes the temp root if nothing is left in it (called once a test file is done). */
export function removeTempRootIfEmpty(): void {
  try {
    fs.rmdirSync(tempRoot());
  } catch {
    // Not empty (the leak check reports that) or already gone.
  }
}

let firstUse = true;

// Always mkdir: removeTempRootIfEmpty() may have deleted the root between two test files.
async function ensureRoot(): Promise<void> {
  if (firstUse) {
    firstUse = false;
    sweepStaleRoots();
    process.once('exit', () => fs.rmSync(tempRoot(), { recursive: true, force: true }));
  }
  await fsp.mkdir(tempRoot(), { recursive: true, mode: 0o700 });
}

// Roots of test processes that died without cleaning up (killed workers skip 'exit' handlers).
function sweepStaleRoots(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(rootPrefix)) continue;
    const pid = Number(name.slice(rootPrefix.length));
    if (Number.isInteger(pid) && pid > 0 && !fs.existsSync(`/proc/${pid}`)) {
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}
