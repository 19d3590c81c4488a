import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, test } from 'vitest';
import {
  acquireInstanceLock,
  InstanceLockedError,
  readLockInfo,
  type InstanceLock,
} from '../../../runner/node/store/instance-lock';
import type { StoreLog } from '../../../runner/node/store/store-log';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const contenderScript = path.join(import.meta.dirname, 'fixtures', 'lock-contender.ts');

/** A contender process: its next output lines, stdin to release it, and its exit. */
interface Contender {
  readonly child: ChildProcess;
  nextLine(): Promise<string>;
  stop(): Promise<void>;
}

function startContender(dir: string): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', contenderScript, dir], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    nextLine: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`contender ${child.pid} ended without output`);
      return next.value;
    },
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** Every entry below dir with its type, size, mode and content hash: equal listings, equal trees. */
function checksumListing(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const full = path.join(dir, name);
      const stat = fs.statSync(full);
      const hash = stat.isFile() ? createHash('sha256').update(fs.readFileSync(full)).digest('hex') : 'dir';
      return `${name} ${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs} ${hash}`;
    });
}

function memoryLog(): StoreLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
}

describe('acquireInstanceLock', () => {
  let temp: TempDir;
  const locks: InstanceLock[] = [];
  const contenders: Contender[] = [];

  const workDir = async () => {
    temp = await makeTempDir('lock-');
    return temp.path;
  };

  afterEach(async () => {
    await Promise.all(contenders.splice(0).map((c) => c.stop()));
    locks.splice(0).forEach((lock) => lock.release());
    await temp?.remove();
  });

  test('writes who holds it, and release removes it', async () => {
    const dir = await workDir();
    const lock = await acquireInstanceLock(dir);
    locks.push(lock);
    expect(readLockInfo(dir)).toEqual({
      pid: process.pid,
      startedAt: lock.info.startedAt,
      hostname: os.hostname(),
    });
    expect(lock.reclaimed).toBeUndefined();
    expect(lock.release()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'coin.lock'))).toBe(false);
    expect(lock.release()).toBe(false);
  });

  test('updateLockInfo advertises the port, atomically and only while the lock is ours', async () => {
    const dir = await workDir();
    const lock = await acquireInstanceLock(dir);
    locks.push(lock);
    lock.updateLockInfo({ port: 8080 });
    expect(readLockInfo(dir)).toMatchObject({ pid: process.pid, port: 8080 });
    expect(fs.readdirSync(dir)).toEqual(['coin.lock']);
    fs.writeFileSync(lock.path, JSON.stringify({ pid: 1, startedAt: 'x', hostname: os.hostname() }));
    expect(() => lock.updateLockInfo({ port: 9090 })).toThrow(/no longer held/);
    expect(lock.release()).toBe(false);
    expect(fs.existsSync(lock.path)).toBe(true);
  });

  test('refuses while another process holds it, naming its pid, and changes nothing in the directory', async () => {
    const dir = await workDir();
    fs.writeFileSync(path.join(dir, 'coin_configuration.json'), '{"parallel": 4}\n');
    const holder = startContender(dir);
    contenders.push(holder);
    expect(await holder.nextLine()).toBe('ready');
    holder.child.stdin!.write('go\n');
    expect(JSON.parse(await holder.nextLine())).toMatchObject({ outcome: 'won' });

    const before = checksumListing(dir);
    const error = await acquireInstanceLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceLockedError);
    expect((error as Error).message).toContain(`another Coin instance (pid ${holder.child.pid}, started `);
    expect((error as Error).message).toContain(`is running in ${dir}`);
    expect((error as InstanceLockedError).owner.pid).toBe(holder.child.pid);
    expect(checksumListing(dir)).toEqual(before);
  });

  test('refuses a second acquire in the same process', async () => {
    const dir = await workDir();
    locks.push(await acquireInstanceLock(dir));
    await expect(acquireInstanceLock(dir)).rejects.toThrow(`pid ${process.pid}`);
  });

  test('refuses a lock written on another host, which it cannot check', async () => {
    const dir = await workDir();
    const foreign = { pid: 4242, startedAt: '2024-01-01T00:00:00.000Z', hostname: 'coin-master.example' };
    fs.writeFileSync(path.join(dir, 'coin.lock'), JSON.stringify(foreign));
    await expect(acquireInstanceLock(dir)).rejects.toThrow(/pid 4242 on host coin-master\.example/);
  });

  test('reclaims the lock of a process that has exited, and logs it', async () => {
    const dir = await workDir();
    const pid = await deadPid();
    const stale = { pid, startedAt: new Date().toISOString(), hostname: os.hostname() };
    fs.writeFileSync(path.join(dir, 'coin.lock'), JSON.stringify(stale));
    const log = memoryLog();
    const lock = await acquireInstanceLock(dir, { log });
    locks.push(lock);
    expect(lock.reclaimed).toEqual(stale);
    expect(readLockInfo(dir)?.pid).toBe(process.pid);
    expect(log.lines).toEqual([
      expect.stringMatching(new RegExp(`^warn reclaimed a stale Coin lock .*pid ${pid}`)),
    ]);
    expect(fs.readdirSync(dir)).toEqual(['coin.lock']);
  });

  test('reclaims a lock whose pid now belongs to a process started after the lock was written', async () => {
    const dir = await workDir();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const reused = { pid: sleeper.pid!, startedAt: '2001-01-01T00:00:00.000Z', hostname: os.hostname() };
      fs.writeFileSync(path.join(dir, 'coin.lock'), JSON.stringify(reused));
      const lock = await acquireInstanceLock(dir);
      locks.push(lock);
      expect(lock.reclaimed?.pid).toBe(sleeper.pid);
    } finally {
      const exited = new Promise((resolve) => sleeper.once('exit', resolve));
      sleeper.kill();
      await exited;
    }
  });

  test('reclaims a lock file left empty by a process that died between create and write', async () => {
    const dir = await workDir();
    const file = path.join(dir, 'coin.lock');
    fs.writeFileSync(file, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const lock = await acquireInstanceLock(dir, { incompleteGraceMs: 200 });
    locks.push(lock);
    expect(lock.reclaimed).toBeUndefined();
    expect(readLockInfo(dir)?.pid).toBe(process.pid);
  });

  for (const start of ['free', 'stale'] as const) {
    test(`two processes racing for a ${start} lock: exactly one wins`, async () => {
      for (let round = 0; round < 3; round++) {
        const dir = await workDir();
        if (start === 'stale') {
          const stale = {
            pid: await deadPid(),
            startedAt: new Date().toISOString(),
            hostname: os.hostname(),
          };
          fs.writeFileSync(path.join(dir, 'coin.lock'), JSON.stringify(stale));
        }
        const pair = [startContender(dir), startContender(dir)];
        contenders.push(...pair);
        for (const c of pair) expect(await c.nextLine()).toBe('ready');
        for (const c of pair) c.child.stdin!.write('go\n');
        const outcomes = await Promise.all(pair.map(async (c) => JSON.parse(await c.nextLine())));
        expect(outcomes.map((o) => o.outcome).sort()).toEqual(['refused', 'won']);
        const winner = outcomes.find((o) => o.outcome === 'won');
        const loser = outcomes.find((o) => o.outcome === 'refused');
        expect(loser.message).toContain(`pid ${winner.pid}`);
        expect(readLockInfo(dir)?.pid).toBe(winner.pid);
        expect(fs.readdirSync(dir)).toEqual(['coin.lock']);
        await Promise.all(contenders.splice(0).map((c) => c.stop()));
        expect(fs.readdirSync(dir)).toEqual([]);
        await temp.remove();
      }
    });
  }
});
