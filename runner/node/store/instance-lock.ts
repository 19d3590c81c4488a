/**
 * One Coin instance per working directory ("terrible things will happen if two instances run at
 * the same time"). The lock is DIR/coin.lock, created with O_EXCL and holding who owns it. A lock
 * whose process is gone is reclaimed; the reclaim runs under a second O_EXCL guard file and only
 * removes the exact stale lock it examined, so of two starters racing for it exactly one wins.
 * Refusing never writes anything to DIR.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareWorkingDir, workingDirWriteError } from '../working-dir';
import { silentLog, type StoreLog } from './store-log';

/** What the lock file says about its owner. */
export interface LockInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly hostname: string;
  /** The HTTP port of the running instance, once it listens (for the CLI to find it). */
  readonly port?: number;
}

/** Thrown when another live instance holds the lock. */
export class InstanceLockedError extends Error {
  constructor(
    readonly owner: LockInfo,
    readonly workingDir: string,
  ) {
    const where = owner.hostname === os.hostname() ? '' : ` on host ${owner.hostname}`;
    super(
      `another Coin instance (pid ${owner.pid}${where}, started ${owner.startedAt}) is running in ${workingDir}; ` +
        `stop it first, or if it is certainly gone remove ${path.join(workingDir, lockFileName)}`,
    );
    this.name = 'InstanceLockedError';
  }
}

/** A held lock: update what it advertises, or release it. */
export interface InstanceLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The stale lock this one replaced, if the previous owner had died without releasing. */
  readonly reclaimed: LockInfo | undefined;
  /** Rewrites the lock (atomically) with the port the instance now listens on. */
  updateLockInfo(update: { port?: number }): void;
  /** Removes the lock if it is still ours; true when removed. Safe in an exit handler. */
  release(): boolean;
}

/** How acquireInstanceLock behaves; the defaults suit production. */
export interface InstanceLockOptions {
  readonly log?: StoreLog;
  /** A lock file still empty or unreadable after this long is treated as stale (default 2 s). */
  readonly incompleteGraceMs?: number;
}

/** The lock file's name inside the working directory. */
export const lockFileName = 'coin.lock';

const guardSuffix = '.reclaim';
const guardStaleMs = 10_000;
const maxAttempts = 50;
// Lock files held by this process: a lock naming our own pid that is not in here was left by an
// earlier process that had the same pid (typical for pid 1 in a restarted container).
const heldHere = new Set<string>();

/**
 * Takes the working directory's lock, reclaiming a stale one; throws InstanceLockedError if held,
 * WorkingDirError when the directory cannot be created or written.
 */
export async function acquireInstanceLock(
  workingDir: string,
  options: InstanceLockOptions = {},
): Promise<InstanceLock> {
  const dir = path.resolve(workingDir);
  const lockPath = path.join(dir, lockFileName);
  const log = options.log ?? silentLog;
  // Creating the lock is the first write: a directory that refuses it is named then.
  await prepareWorkingDir(dir, { checkWritable: false });
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), hostname: os.hostname() };
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (createLockFileIn(dir, lockPath, info)) return heldLock(lockPath, info, undefined);
    const owner = await readSettledLock(lockPath, options.incompleteGraceMs ?? 2000);
    if (owner === 'gone') continue;
    if (owner !== 'unreadable' && ownerIsAlive(owner, lockPath)) throw new InstanceLockedError(owner, dir);
    const stale = owner === 'unreadable' ? undefined : owner;
    if (reclaimStale(lockPath, stale, info)) {
      const who = stale ? `pid ${stale.pid}, started ${stale.startedAt}` : 'unreadable';
      log.warn(`reclaimed a stale Coin lock in ${dir} (${who}): that instance is gone`);
      return heldLock(lockPath, info, stale);
    }
    await sleep(20 + Math.random() * 30);
  }
  throw new Error(
    `could not take the Coin lock ${lockPath} after ${maxAttempts} attempts: it keeps changing`,
  );
}

/** Reads a lock file without judging it: its info, undefined when absent or not a lock. */
export function readLockInfo(workingDir: string): LockInfo | undefined {
  const text = readText(path.join(workingDir, lockFileName));
  return text === undefined ? undefined : parseLock(text);
}

function createLockFileIn(dir: string, lockPath: string, info: LockInfo): boolean {
  try {
    return createLockFile(lockPath, info);
  } catch (error) {
    throw workingDirWriteError(dir, error);
  }
}

// O_EXCL create with the full content; false when a lock already exists.
function createLockFile(lockPath: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(info)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * The lock's owner; 'unreadable' when the file stays empty or invalid for graceMs (its creator
 * died between create and write); 'gone' when the file disappeared while we looked.
 */
async function readSettledLock(lockPath: string, graceMs: number): Promise<LockInfo | 'unreadable' | 'gone'> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const text = readText(lockPath);
    if (text === undefined) return 'gone';
    const info = parseLock(text);
    if (info) return info;
    const age = Date.now() - (statQuietly(lockPath)?.mtimeMs ?? Date.now());
    if (Date.now() >= deadline || age > graceMs) return 'unreadable';
    await sleep(25);
  }
}

/**
 * Replaces the stale lock with ours, under the reclaim guard. Only removes the lock file if it
 * still holds exactly the stale content examined; false when someone else got there first.
 */
function reclaimStale(lockPath: string, stale: LockInfo | undefined, ours: LockInfo): boolean {
  const guard = lockPath + guardSuffix;
  if (!createGuard(guard)) return false;
  try {
    const text = readText(lockPath);
    if (text !== undefined) {
      const current = parseLock(text);
      const same = stale ? current !== undefined && sameOwner(current, stale) : current === undefined;
      if (!same) return false;
      fs.unlinkSync(lockPath);
    }
    return createLockFile(lockPath, ours);
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

// The guard is held for milliseconds; one older than guardStaleMs belongs to a crashed reclaimer.
function createGuard(guard: string): boolean {
  try {
    fs.writeFileSync(guard, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (statQuietly(guard)?.mtimeMs ?? Date.now());
    if (age > guardStaleMs) fs.rmSync(guard, { force: true });
    return false;
  }
}

function heldLock(lockPath: string, initial: LockInfo, reclaimed: LockInfo | undefined): InstanceLock {
  let info = initial;
  heldHere.add(lockPath);
  const isOurs = () => {
    const text = readText(lockPath);
    const current = text === undefined ? undefined : parseLock(text);
    return current !== undefined && sameOwner(current, info);
  };
  return {
    path: lockPath,
    get info() {
      return info;
    },
    reclaimed,
    updateLockInfo(update) {
      if (!isOurs()) throw new Error(`the Coin lock ${lockPath} is no longer held by this process`);
      const next = { ...info, ...update };
      const temp = `${lockPath}.${process.pid}.tmp`;
      fs.writeFileSync(temp, `${JSON.stringify(next)}\n`);
      fs.renameSync(temp, lockPath);
      info = next;
    },
    release() {
      const ours = isOurs();
      heldHere.delete(lockPath);
      if (ours) fs.rmSync(lockPath, { force: true });
      return ours;
    },
  };
}

/** Is the lock's owner still running? A different host cannot be checked, so it counts as alive. */
function ownerIsAlive(owner: LockInfo, lockPath: string): boolean {
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !startedAfter(owner);
}

/**
 * Linux: true when the process now holding owner.pid is a zombie or started after the lock was
 * written, i.e. the pid was reused by an unrelated process. False when /proc cannot tell.
 */
function startedAfter(owner: LockInfo): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${owner.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return true;
    const bootTime = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    const startMs = (bootTime + Number(fields[19]) / 100) * 1000; // USER_HZ is 100 on Linux
    return Number.isFinite(startMs) && startMs > Date.parse(owner.startedAt) + 5000;
  } catch {
    return false;
  }
}

function sameOwner(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.startedAt === b.startedAt && a.hostname === b.hostname;
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    const valid =
      Number.isInteger(value.pid) &&
      typeof value.startedAt === 'string' &&
      typeof value.hostname === 'string';
    return valid ? (value as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function statQuietly(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
