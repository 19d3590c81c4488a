import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ArtifactStore } from '../../../runner/node/store/artifact-store';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import type { StoreLog } from '../../../runner/node/store/store-log';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Overwrites one byte in place (the blob is read-only, as a careless root process would). */
function flipByte(file: string, offset: number): void {
  fs.chmodSync(file, 0o644);
  const fd = fs.openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0xff;
    fs.writeSync(fd, byte, 0, 1, offset);
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves a file's mtime an hour back, out of the racy window. */
function age(file: string): void {
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(file, old, old);
}

describe('ArtifactStore', () => {
  let temp: TempDir;
  let store: SqliteStore;
  let artifacts: ArtifactStore;
  let warnings: string[];

  const setUp = async () => {
    temp = await makeTempDir('artifacts-');
    warnings = [];
    const log: StoreLog = { info: () => undefined, warn: (m) => warnings.push(m) };
    store = SqliteStore.open(path.join(temp.path, 'coin'));
    artifacts = ArtifactStore.open(path.join(temp.path, 'coin'), store, { log });
  };
  const archive = (name: string, content: Buffer) => {
    const file = path.join(temp.path, name);
    fs.writeFileSync(file, content);
    return file;
  };

  afterEach(async () => {
    store?.close();
    await temp?.remove();
  });

  test('put stores the archive read-only under its sha256 and records the key in the current epoch', async () => {
    await setUp();
    const content = randomBytes(300_000);
    const record = await artifacts.put('key-1', archive('qtbase.tar.gz', content), 'qt/qtbase');
    const hash = sha256(content);
    expect(record).toMatchObject({
      key: 'key-1',
      project: 'qt/qtbase',
      sha256: hash,
      size: 300_000,
      epoch: 1,
    });
    expect(record.path).toBe(`${hash.slice(0, 2)}/${hash}`);
    const blob = path.join(temp.path, 'coin', 'artifacts', record.path);
    expect(fs.readFileSync(blob).equals(content)).toBe(true);
    expect(fs.statSync(blob).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.join(artifacts.root, 'tmp'))).toEqual([]);
    expect(await artifacts.get('key-1')).toBe(blob);
    expect(await artifacts.get('unknown')).toBeUndefined();
    await expect(artifacts.put('dir', temp.path, 'qt/qtbase')).rejects.toThrow(/not a regular file/);
  });

  test('restore hard-links the blob (same inode) and refuses to overwrite', async () => {
    await setUp();
    const content = Buffer.from('archive bytes');
    await artifacts.put('key', archive('a.tar.gz', content), 'qt/qtbase');
    const destination = path.join(temp.path, 'work', 'deep', 'qtbase.tar.gz');
    const restored = await artifacts.restore('key', destination);
    expect(restored).toMatchObject({ path: destination, method: 'link' });
    const blob = artifacts.blobPath(sha256(content));
    expect(fs.statSync(destination).ino).toBe(fs.statSync(blob).ino);
    expect(fs.statSync(blob).nlink).toBe(2);
    expect(fs.readFileSync(destination, 'utf8')).toBe('archive bytes');
    await expect(artifacts.restore('key', destination)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await artifacts.restore('missing', path.join(temp.path, 'x'))).toBeUndefined();
  });

  test('a flipped byte is a miss: the record and blob are removed and a warning given', async () => {
    await setUp();
    const content = randomBytes(10_000);
    await artifacts.put('key', archive('a.tar.gz', content), 'qt/qtbase');
    const blob = artifacts.blobPath(sha256(content));
    flipByte(blob, 5000);
    const result = await artifacts.lookup('key');
    expect(result).toMatchObject({ hit: false, reason: 'corrupt' });
    expect(result.hit ? '' : result.warning).toMatch(/artifact key: blob .* is damaged/);
    expect(warnings).toHaveLength(1);
    expect(store.findArtifact('key')).toBeUndefined();
    expect(fs.existsSync(blob)).toBe(false);
    expect(await artifacts.restore('key', path.join(temp.path, 'out'))).toBeUndefined();
  });

  test('hashes once per file version: a fingerprint skips the hash until the file changes', async () => {
    await setUp();
    const content = randomBytes(50_000);
    await artifacts.put('key', archive('a.tar.gz', content), 'qt/qtbase');
    const blob = artifacts.blobPath(sha256(content));
    // Just written: inside the racy window, so every hit hashes.
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'hashed' });
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'hashed' });
    age(blob);
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'hashed' });
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'fingerprint' });
    // A restore by hard link changes the link count, not the fingerprint.
    await artifacts.restore('key', path.join(temp.path, 'restored'));
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'fingerprint' });
    flipByte(blob, 0);
    expect(await artifacts.lookup('key')).toMatchObject({ hit: false, reason: 'corrupt' });
  });

  test('documented limit: a write that restores the old mtime passes the fingerprint; verifyAll finds it', async () => {
    await setUp();
    const content = randomBytes(20_000);
    await artifacts.put('key', archive('a.tar.gz', content), 'qt/qtbase');
    const blob = artifacts.blobPath(sha256(content));
    age(blob);
    await artifacts.lookup('key');
    const { mtime, atime } = fs.statSync(blob);
    flipByte(blob, 100);
    fs.utimesSync(blob, atime, mtime);
    expect(await artifacts.lookup('key')).toMatchObject({ hit: true, verification: 'fingerprint' });
    expect(await artifacts.verifyAll()).toEqual({ checked: 1, damaged: ['key'] });
    expect(await artifacts.get('key')).toBeUndefined();
  });

  test('bumping the epoch makes every key miss', async () => {
    await setUp();
    await artifacts.put('a', archive('a', Buffer.from('a')), 'qt/qtbase');
    await artifacts.put('b', archive('b', Buffer.from('b')), 'qt/qtsvg');
    expect(await artifacts.get('a')).toBeDefined();
    store.bumpArtifactEpoch('coin invalidate-artifacts');
    expect(await artifacts.lookup('a')).toEqual({ hit: false, reason: 'old-epoch' });
    expect(await artifacts.lookup('b')).toEqual({ hit: false, reason: 'old-epoch' });
    expect(await artifacts.put('a', archive('a2', Buffer.from('a')), 'qt/qtbase')).toMatchObject({
      epoch: 2,
    });
    expect(await artifacts.get('a')).toBeDefined();
  });

  test('keys with the same content share one blob, deleted with the last key', async () => {
    await setUp();
    const content = Buffer.from('same bytes');
    await artifacts.put('k1', archive('one', content), 'qt/qtbase');
    await artifacts.put('k2', archive('two', content), 'qt/qtbase');
    const blob = artifacts.blobPath(sha256(content));
    expect(artifacts.remove('k1', 'test')).toMatchObject({ freedBytes: 0 });
    expect(fs.existsSync(blob)).toBe(true);
    expect(await artifacts.get('k2')).toBe(blob);
    expect(artifacts.remove('k2', 'test')).toMatchObject({ freedBytes: content.length });
    expect(fs.existsSync(blob)).toBe(false);
    expect(artifacts.remove('k2', 'test')).toBeUndefined();
  });

  test('a small archive already stored is recorded against its blob, not copied; a gone blob is written again', async () => {
    await setUp();
    const empty = Buffer.alloc(1024); // as the empty archive of a build that uploaded nothing
    const first = artifacts.putBytes('build-1', empty, 'qt/qtbase');
    const blob = artifacts.blobPath(first.sha256);
    const before = fs.statSync(blob);
    const second = artifacts.putBytes('build-2', empty, 'qt/qtsvg', 'qtsvg');
    expect(second).toMatchObject({
      key: 'build-2',
      project: 'qt/qtsvg',
      mount: 'qtsvg',
      sha256: first.sha256,
    });
    const after = fs.statSync(blob);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(fs.readdirSync(path.dirname(blob))).toEqual([path.basename(blob)]);
    // the blob went missing behind the store's back: the next put writes it afresh
    fs.rmSync(blob);
    artifacts.putBytes('build-3', empty, 'qt/qtbase');
    expect(fs.readFileSync(blob).equals(empty)).toBe(true);
    expect(await artifacts.get('build-2')).toBe(blob);
  });

  test('an archive above a megabyte is copied in pieces, hashed on the way', async () => {
    await setUp();
    const content = randomBytes(3 << 20);
    const record = await artifacts.put('big', archive('big.tar.gz', content), 'qt/qtbase');
    expect(record).toMatchObject({ sha256: sha256(content), size: 3 << 20 });
    const blob = (await artifacts.get('big'))!;
    expect(sha256(fs.readFileSync(blob))).toBe(sha256(content));
    expect(fs.statSync(blob).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.join(artifacts.root, 'tmp'))).toEqual([]);
  });

  test('re-putting a key with new content replaces its record and drops the old blob', async () => {
    await setUp();
    await artifacts.put('key', archive('v1', Buffer.from('version 1')), 'qt/qtbase');
    await artifacts.put('key', archive('v2', Buffer.from('version 2')), 'qt/qtbase');
    expect(fs.existsSync(artifacts.blobPath(sha256(Buffer.from('version 1'))))).toBe(false);
    expect(fs.readFileSync((await artifacts.get('key'))!, 'utf8')).toBe('version 2');
  });

  test('a missing blob is a miss that removes the record', async () => {
    await setUp();
    const record = await artifacts.put('key', archive('a', Buffer.from('x')), 'qt/qtbase');
    fs.rmSync(artifacts.blobPath(record.sha256));
    expect(await artifacts.lookup('key')).toMatchObject({ hit: false, reason: 'missing-file' });
    expect(store.findArtifact('key')).toBeUndefined();
  });

  test('sweep removes blobs no record refers to and stale temp files; a dry run only reports', async () => {
    await setUp();
    const kept = await artifacts.put('key', archive('a', Buffer.from('kept')), 'qt/qtbase');
    const orphanHash = sha256(Buffer.from('orphan'));
    const orphan = artifacts.blobPath(orphanHash);
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'orphan');
    const staleTemp = path.join(artifacts.root, 'tmp', 'dead.part');
    fs.writeFileSync(staleTemp, 'partial');
    age(staleTemp);
    const freshTemp = path.join(artifacts.root, 'tmp', 'live.part');
    fs.writeFileSync(freshTemp, 'in progress');

    const dry = await artifacts.sweep({ dryRun: true, tempMaxAgeMs: 60_000 });
    expect(dry).toEqual({
      orphanBlobs: [{ path: orphan, size: 6 }],
      staleTempFiles: [staleTemp],
      freedBytes: 6,
    });
    expect(fs.existsSync(orphan)).toBe(true);
    expect(await artifacts.sweep({ tempMaxAgeMs: 60_000 })).toEqual(dry);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(staleTemp)).toBe(false);
    expect(fs.existsSync(freshTemp)).toBe(true);
    expect(fs.existsSync(artifacts.blobPath(kept.sha256))).toBe(true);
  });
});
