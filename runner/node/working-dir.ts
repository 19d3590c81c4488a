/**
 * The working directory of an instance, made ready or judged before anything else touches it.
 * Node's own `mkdir(dir, { recursive: true })` never returns on some impossible paths (under
 * /proc it retries the ENOENT of the parent forever, at full CPU), so directories are created
 * here one level at a time, and every failure becomes one sentence naming the directory and why.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** The working directory cannot be used; the message says which one and why. */
export class WorkingDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkingDirError';
  }
}

/** What probeWorkingDir found, in the shape the doctor judges (runner/core/doctor.ts). */
export interface WorkingDirFacts {
  path: string;
  exists: boolean;
  writable: boolean;
  problem?: string;
}

const advice = 'choose another --working-dir';

/**
 * Creates `dir` (and missing parents) and, unless the caller's first write will tell
 * (`checkWritable: false`, then workingDirWriteError words it), checks that a file can be written
 * in it. Resolves to the absolute path; throws WorkingDirError.
 */
export async function prepareWorkingDir(dir: string, { checkWritable = true } = {}): Promise<string> {
  const resolved = path.resolve(dir);
  const { missing } = await walkUp(resolved);
  for (const next of missing) await createOne(resolved, next);
  if (checkWritable) await writeProbe(resolved);
  return resolved;
}

/** The WorkingDirError for a failed first write of a file directly in `dir`. */
export function workingDirWriteError(dir: string, error: unknown): WorkingDirError {
  return new WorkingDirError(
    `working directory ${dir} is not writable: ${createReason(error, dir)}; ${advice}`,
  );
}

/**
 * Judges `dir` without leaving anything behind: an existing directory must take a new file, a
 * missing one must be creatable in its nearest existing ancestor (tried there with a temporary
 * directory, removed at once). Unlike access(2), this is not fooled by root's permission bypass on
 * file systems that refuse writes (/proc, /sys, read-only mounts).
 */
export async function probeWorkingDir(dir: string): Promise<WorkingDirFacts> {
  const resolved = path.resolve(dir);
  let exists = false;
  try {
    const { missing } = await walkUp(resolved);
    exists = missing.length === 0;
    if (exists) {
      await writeProbe(resolved);
      return { path: resolved, exists, writable: true };
    }
    const trial = `${missing[0]}.coin-probe-${randomBytes(4).toString('hex')}`;
    await createOne(resolved, trial).then(() => rmdir(trial));
    return { path: resolved, exists: false, writable: true };
  } catch (error) {
    if (!(error instanceof WorkingDirError)) throw error;
    return { path: resolved, exists, writable: false, problem: error.message };
  }
}

/** The directories to create below the nearest existing ancestor (which must be a directory), top first. */
async function walkUp(dir: string): Promise<{ missing: string[] }> {
  const missing: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    const info = await statOrMissing(dir, current);
    if (info) {
      if (!info.isDirectory())
        throw new WorkingDirError(
          `working directory ${dir} cannot be used: ${current} is not a directory; ${advice}`,
        );
      return { missing };
    }
    if (path.dirname(current) === current)
      throw new WorkingDirError(`working directory ${dir} cannot be used: ${current} does not exist`);
    missing.unshift(current);
  }
}

async function statOrMissing(dir: string, target: string): Promise<Stats | undefined> {
  try {
    return await stat(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a component above is a file; the walk up finds and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new WorkingDirError(
      `working directory ${dir} cannot be used: ${reasonOf(error, target)}; ${advice}`,
    );
  }
}

async function createOne(dir: string, target: string): Promise<void> {
  try {
    await mkdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(target)).isDirectory()) return;
    const parent = path.dirname(target);
    throw new WorkingDirError(
      `working directory ${dir} cannot be created: ${createReason(error, parent)}; ${advice}`,
    );
  }
}

/** Creates and removes a file in `dir`. */
async function writeProbe(dir: string): Promise<void> {
  const probe = path.join(dir, `.coin-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx', 0o600)).close();
    await unlink(probe);
  } catch (error) {
    throw workingDirWriteError(dir, error);
  }
}

/** Why an entry could not be created in `parent`, in words. */
function createReason(error: unknown, parent: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      // The parent exists (it was just looked at), so its file system refuses new entries.
      return `${parent} does not allow new files or directories (ENOENT)`;
    case 'EACCES':
    case 'EPERM':
      return `${parent} does not allow this user to create files there (${code})`;
    case 'EROFS':
      return `${parent} is on a read-only file system (EROFS)`;
    case 'ENOSPC':
      return `the disk holding ${parent} is full (ENOSPC)`;
    default:
      return reasonOf(error, parent);
  }
}

function reasonOf(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message.replace(/^\w+: /, '').replace(/, \w+ '[^']*'$/, '');
  return `${target}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
}
