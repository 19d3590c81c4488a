/**
 * Content-addressed artifact storage under DIR/artifacts. The runner hands over a finished
 * archive; it is copied to artifacts/<2 hex>/<sha256> (temp file, fsync, rename), made read-only,
 * and recorded in SQLite under its build key in the current epoch. Several keys may share a blob:
 * a small archive whose content is already stored is recorded against that blob without a copy.
 *
 * Verification: a hit normally means hashing the whole blob again, which is expensive for big
 * archives. After a successful hash the store keeps a fingerprint of the file (size, mtime in
 * nanoseconds, inode) and skips the hash while the fingerprint is unchanged. As in git's "racily
 * clean" rule, no fingerprint is kept for a file modified less than racyWindowMs before it was
 * hashed, because a write in the same coarse timestamp tick would not change its mtime. This
 * catches rewrites, replacements and truncation through the file system; it does not catch
 * silent media corruption or a write that restores the old mtime: verifyAll() rehashes everything.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { silentLog, type StoreLog } from './store-log';
import type { ArtifactRecord } from './store-records';
import type { SqliteStore } from './sqlite-store';
import { sha256OfFile } from '../file-hash';

/** How an ArtifactStore checks files; defaults suit production. */
export interface ArtifactStoreOptions {
  readonly log?: StoreLog;
  /** Milliseconds since the epoch, for the racy-fingerprint rule. */
  readonly nowMs?: () => number;
  /** A file changed this recently is rehashed on every hit (default 3 s). */
  readonly racyWindowMs?: number;
}

/** Why a key did not hit. */
export type ArtifactMissReason = 'unknown' | 'old-epoch' | 'missing-file' | 'corrupt';

/** The outcome of a lookup: the verified blob, or why there is none (with a warning for damage). */
export type ArtifactLookup =
  | { hit: true; path: string; record: ArtifactRecord; verification: 'hashed' | 'fingerprint' }
  | { hit: false; reason: ArtifactMissReason; warning?: string };

/** Where restore put the artifact and how: a hard link, or a copy across file systems. */
export interface RestoredArtifact {
  readonly path: string;
  readonly method: 'link' | 'copy';
  readonly record: ArtifactRecord;
}

/** Files in the artifact directory that no record refers to, and leftovers of interrupted puts. */
export interface SweepReport {
  readonly orphanBlobs: readonly { path: string; size: number }[];
  readonly staleTempFiles: readonly string[];
  readonly freedBytes: number;
}

/** The name of the artifact directory inside the working directory. */
export const artifactDirName = 'artifacts';

const tempDirName = 'tmp';
/** Archives up to this size are stored from memory, and stored once however many keys name them. */
const smallArchiveBytes = 1 << 20;
const blobName = /^[0-9a-f]{64}$/;

/** Stores, verifies, restores and removes artifact blobs; the records live in the SqliteStore. */
export class ArtifactStore {
  private readonly log: StoreLog;
  private readonly nowMs: () => number;
  private readonly racyWindowMs: number;

  constructor(
    readonly root: string,
    private readonly store: SqliteStore,
    options: ArtifactStoreOptions = {},
  ) {
    this.log = options.log ?? silentLog;
    this.nowMs = options.nowMs ?? Date.now;
    this.racyWindowMs = options.racyWindowMs ?? 3000;
  }

  /** The artifact store of a working directory (DIR/artifacts). */
  static open(workingDir: string, store: SqliteStore, options: ArtifactStoreOptions = {}): ArtifactStore {
    return new ArtifactStore(path.join(workingDir, artifactDirName), store, options);
  }

  /** Where the blob with this hash lives. */
  blobPath(sha256: string): string {
    if (!blobName.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Stores a finished archive file under key; an existing record of the key is replaced. `mount`
   * says where its contents belong in a work area that receives it (runner/core/artifact-mount.ts).
   */
  async put(key: string, sourceFile: string, project: string, mount = '.'): Promise<ArtifactRecord> {
    const info = await fsp.stat(sourceFile);
    if (!info.isFile())
      throw new Error(`artifact ${key}: ${sourceFile} is not a regular file (archive it first)`);
    if (info.size <= smallArchiveBytes)
      return this.putBytes(key, await fsp.readFile(sourceFile), project, mount);
    const tempDir = path.join(this.root, tempDirName);
    await fsp.mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${randomBytes(8).toString('hex')}.part`);
    try {
      const { sha256, size } = await copyAndHash(sourceFile, temp);
      const blob = this.blobPath(sha256);
      await fsp.mkdir(path.dirname(blob), { recursive: true });
      await fsp.chmod(temp, 0o444);
      return this.commit(key, { project, mount }, temp, blob, { sha256, size });
    } finally {
      await fsp.rm(temp, { force: true });
    }
  }

  /**
   * Stores an archive held in memory (a small one, such as the empty archive of a build that
   * uploaded nothing) in one synchronous step: a few milliseconds with the fsync, rather than a
   * dozen event-loop turns. If its content is already stored it is recorded against that blob.
   */
  putBytes(key: string, content: Buffer, project: string, mount = '.'): ArtifactRecord {
    const owner = { project, mount };
    const hash = { sha256: createHash('sha256').update(content).digest('hex'), size: content.length };
    const shared = this.recordShared(key, owner, hash);
    if (shared) return shared;
    const tempDir = path.join(this.root, tempDirName);
    fs.mkdirSync(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${randomBytes(8).toString('hex')}.part`);
    try {
      const fd = fs.openSync(temp, 'wx', 0o444);
      try {
        fs.writeFileSync(fd, content);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      const blob = this.blobPath(hash.sha256);
      fs.mkdirSync(path.dirname(blob), { recursive: true });
      return this.commit(key, owner, temp, blob, hash);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }

  /** The verified blob of key (and marks it used), or why there is none. Damaged blobs are dropped. */
  async lookup(key: string): Promise<ArtifactLookup> {
    const record = this.store.findArtifact(key);
    if (!record) return { hit: false, reason: 'unknown' };
    if (record.epoch !== this.store.artifactEpoch()) return { hit: false, reason: 'old-epoch' };
    const file = this.blobPath(record.sha256);
    const stat = await fsp.stat(file, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stat) return this.drop(record, 'missing-file', `artifact ${key}: blob ${file} is missing`);
    const fingerprint = `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
    let verification: 'hashed' | 'fingerprint' = 'fingerprint';
    if (this.store.artifactVerifiedStat(key) !== fingerprint) {
      const actual = Number(stat.size) === record.size ? await sha256OfFile(file) : 'size differs';
      if (actual !== record.sha256) {
        return this.drop(record, 'corrupt', `artifact ${key}: blob ${file} is damaged (${actual}), removed`);
      }
      const racy = this.nowMs() - Number(stat.mtimeNs / 1_000_000n) < this.racyWindowMs;
      this.store.setArtifactVerifiedStat(record.sha256, racy ? null : fingerprint);
      verification = 'hashed';
    }
    this.store.touchArtifact(key);
    return { hit: true, path: file, record, verification };
  }

  /** The path of key's verified blob, or undefined on any miss. */
  async get(key: string): Promise<string | undefined> {
    const result = await this.lookup(key);
    return result.hit ? result.path : undefined;
  }

  /**
   * Puts key's artifact at destination (which must not exist) by hard link, or by copy when the
   * destination is on another file system. A linked file shares the read-only blob: read it,
   * extract it, delete it, but never write to it. Undefined on a miss.
   */
  async restore(key: string, destination: string): Promise<RestoredArtifact | undefined> {
    const result = await this.lookup(key);
    if (!result.hit) return undefined;
    await fsp.mkdir(path.dirname(destination), { recursive: true });
    try {
      await fsp.link(result.path, destination);
      return { path: destination, method: 'link', record: result.record };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Removed since the lookup (garbage collection of an unpinned key): a miss, not an error.
      if (code === 'ENOENT' && !fs.existsSync(result.path)) return undefined;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    }
    await fsp.copyFile(result.path, destination, fs.constants.COPYFILE_EXCL);
    return { path: destination, method: 'copy', record: result.record };
  }

  /** Marks key as used now; false when unknown. */
  touch(key: string): boolean {
    return this.store.touchArtifact(key);
  }

  /** Removes key's record, and its blob when no other key refers to it. Returns the bytes freed. */
  remove(key: string, reason: string): { record: ArtifactRecord; freedBytes: number } | undefined {
    const record = this.store.removeArtifact(key, reason);
    if (!record) return undefined;
    if (this.store.artifactReferenced(record.sha256)) return { record, freedBytes: 0 };
    return { record, freedBytes: unlinkQuietly(this.blobPath(record.sha256)) ? record.size : 0 };
  }

  /** Rehashes every blob of the current records, dropping damaged ones; returns the damaged keys. */
  async verifyAll(): Promise<{ checked: number; damaged: string[] }> {
    const damaged: string[] = [];
    const seen = new Set<string>();
    for (const record of this.store.listArtifacts()) {
      if (seen.has(record.sha256)) continue;
      seen.add(record.sha256);
      const file = this.blobPath(record.sha256);
      const actual = await sha256OfFile(file).catch(() => 'unreadable');
      if (actual === record.sha256) continue;
      damaged.push(...this.store.artifactKeysOf(record.sha256));
      this.drop(record, 'corrupt', `artifact blob ${file} is damaged (${actual}), removed`);
    }
    return { checked: seen.size, damaged };
  }

  /** Finds (and unless dryRun deletes) unreferenced blobs and temp files older than tempMaxAgeMs. */
  async sweep(options: { dryRun?: boolean; tempMaxAgeMs?: number } = {}): Promise<SweepReport> {
    const orphanBlobs: { path: string; size: number }[] = [];
    for (const dir of await listDir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const name of await listDir(path.join(this.root, dir))) {
        const file = path.join(this.root, dir, name);
        const size = (await fsp.stat(file).catch(() => undefined))?.size ?? 0;
        // Check and delete in one synchronous step, so no put can record this blob in between.
        if (blobName.test(name) && this.store.artifactReferenced(name)) continue;
        if (!options.dryRun && !unlinkQuietly(file)) continue;
        orphanBlobs.push({ path: file, size });
      }
    }
    const staleTempFiles = await this.staleTemps(options.tempMaxAgeMs ?? 24 * 3600_000);
    if (!options.dryRun) staleTempFiles.forEach((file) => unlinkQuietly(file));
    return { orphanBlobs, staleTempFiles, freedBytes: orphanBlobs.reduce((sum, blob) => sum + blob.size, 0) };
  }

  // Rename and record in one synchronous step: a concurrent remove() or sweep() of this process
  // cannot run between them, and a crash in between leaves an orphan blob, never a dangling record.
  private commit(
    key: string,
    owner: { project: string; mount: string },
    temp: string,
    blob: string,
    hash: { sha256: string; size: number },
  ) {
    fs.renameSync(temp, blob);
    fsyncDir(path.dirname(blob));
    return this.recordKey(key, owner, blob, hash);
  }

  // Records key against a blob that other keys already use, if it is on disk with the right
  // size; checked and recorded in one synchronous step, so no sweep or remove runs in between.
  // A blob damaged without changing size is caught by the next lookup, as for any key.
  private recordShared(
    key: string,
    owner: { project: string; mount: string },
    hash: { sha256: string; size: number },
  ): ArtifactRecord | undefined {
    if (!this.store.artifactReferenced(hash.sha256)) return undefined;
    const blob = this.blobPath(hash.sha256);
    const size = fs.statSync(blob, { throwIfNoEntry: false })?.size;
    if (size !== hash.size) return undefined;
    return this.recordKey(key, owner, blob, hash);
  }

  // The record of key on blob; a blob the old record of key leaves unused is deleted.
  private recordKey(
    key: string,
    owner: { project: string; mount: string },
    blob: string,
    hash: { sha256: string; size: number },
  ): ArtifactRecord {
    const relative = path.relative(this.root, blob);
    const { record, replaced } = this.store.recordArtifact({ key, ...owner, path: relative, ...hash });
    if (replaced && replaced.sha256 !== hash.sha256 && !this.store.artifactReferenced(replaced.sha256)) {
      unlinkQuietly(this.blobPath(replaced.sha256));
    }
    return record;
  }

  // A damaged or missing blob: every key that shares it is dropped together with the file.
  private drop(record: ArtifactRecord, reason: ArtifactMissReason, warning: string): ArtifactLookup {
    this.log.warn(warning);
    for (const key of this.store.artifactKeysOf(record.sha256)) this.store.removeArtifact(key, reason);
    unlinkQuietly(this.blobPath(record.sha256));
    return { hit: false, reason, warning };
  }

  private async staleTemps(maxAgeMs: number): Promise<string[]> {
    const dir = path.join(this.root, tempDirName);
    const stale: string[] = [];
    for (const name of await listDir(dir)) {
      const info = await fsp.stat(path.join(dir, name)).catch(() => undefined);
      if (info && this.nowMs() - info.mtimeMs > maxAgeMs) stale.push(path.join(dir, name));
    }
    return stale;
  }
}

/** Copies source to a new file at target while hashing it; the copy is fsynced before returning. */
async function copyAndHash(source: string, target: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const input = await fsp.open(source, 'r');
  try {
    const output = await fsp.open(target, 'wx', 0o600);
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      let size = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        let written = 0;
        while (written < bytesRead)
          written += (await output.write(buffer, written, bytesRead - written)).bytesWritten;
        size += bytesRead;
      }
      await output.sync();
      return { sha256: hash.digest('hex'), size };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

// Makes a rename durable: the directory entry itself must reach the disk.
function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function unlinkQuietly(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function listDir(dir: string): Promise<string[]> {
  return fsp.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}
