import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ArtifactStore } from '../../../runner/node/store/artifact-store';
import { collectGarbage } from '../../../runner/node/store/garbage-collector';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

/** Bytes of every file under dir. */
function usedBytes(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => fs.statSync(path.join(dir, name)))
    .filter((stat) => stat.isFile())
    .reduce((sum, stat) => sum + stat.size, 0);
}

describe('collectGarbage', () => {
  let temp: TempDir;
  let store: SqliteStore;
  let artifacts: ArtifactStore;
  /** A pretend disk of 1000 bytes holding only the artifact directory. */
  const freeBytes = () => 1000 - usedBytes(artifacts.root);

  const setUp = async () => {
    temp = await makeTempDir('gc-');
    let time = Date.parse('2024-05-01T00:00:00.000Z');
    store = SqliteStore.open(path.join(temp.path, 'coin'), { now: () => new Date((time += 1000)) });
    artifacts = ArtifactStore.open(path.join(temp.path, 'coin'), store);
  };
  const put = async (key: string, size: number) => {
    const file = path.join(temp.path, `${key}.tar.gz`);
    fs.writeFileSync(file, Buffer.alloc(size, key));
    await artifacts.put(key, file, 'qt/qtbase');
    fs.rmSync(file);
  };

  afterEach(async () => {
    store?.close();
    await temp?.remove();
  });

  test('evicts least recently used artifacts until enough is free, keeping pinned ones', async () => {
    await setUp();
    for (const key of ['a', 'b', 'c', 'd']) await put(key, 200);
    await artifacts.get('a'); // a is now the most recently used; b is the oldest
    store.createTask({ id: 'queued', type: 'Integration', project: 'qt/qtsvg', branch: 'dev' });
    store.createWorkItems('queued', [{ id: 'w', kind: 'build', configurationId: 'linux', buildKey: 'b' }]);
    expect(freeBytes()).toBe(200);

    const report = await collectGarbage({
      store,
      artifacts,
      minFreeBytes: 500,
      pinnedKeys: store.activeBuildKeys(),
      freeBytes,
    });
    expect(report.removed.map((r) => [r.key, r.reason])).toEqual([
      ['c', 'lru'],
      ['d', 'lru'],
    ]);
    expect(report).toMatchObject({
      freedBytes: 400,
      freeBytesBefore: 200,
      freeBytesAfter: 600,
      satisfied: true,
      pinnedKept: 1,
    });
    expect(store.listArtifacts().map((a) => a.key)).toEqual(['b', 'a']);
    expect(await artifacts.get('b')).toBeDefined();
    expect(await artifacts.get('c')).toBeUndefined();
    const removed = store.eventsSince(0, 10_000).filter((e) => e.kind === 'artifact.removed');
    expect(removed.map((e) => [e.subject, e.payload.reason])).toEqual([
      ['c', 'garbage collection (least recently used)'],
      ['d', 'garbage collection (least recently used)'],
    ]);
  });

  test('a dry run reports the same plan and removes nothing', async () => {
    await setUp();
    for (const key of ['a', 'b', 'c']) await put(key, 300);
    const options = { store, artifacts, minFreeBytes: 600, pinnedKeys: new Set<string>(), freeBytes };
    const dry = await collectGarbage({ ...options, dryRun: true });
    expect(dry.removed.map((r) => r.key)).toEqual(['a', 'b']);
    expect(dry).toMatchObject({ dryRun: true, freedBytes: 600, freeBytesAfter: 700, satisfied: true });
    expect(store.listArtifacts()).toHaveLength(3);
    expect(freeBytes()).toBe(100);
    const real = await collectGarbage(options);
    expect(real.removed).toEqual(dry.removed);
    expect(real.freeBytesAfter).toBe(700);
  });

  test('removes artifacts of old epochs first, even with enough free space', async () => {
    await setUp();
    await put('old-1', 100);
    await put('old-2', 100);
    store.bumpArtifactEpoch('coin invalidate-artifacts');
    await put('new', 100);
    const report = await collectGarbage({
      store,
      artifacts,
      minFreeBytes: 0,
      pinnedKeys: new Set(['old-2']),
      freeBytes,
    });
    expect(report.removed.map((r) => [r.key, r.reason])).toEqual([['old-1', 'old-epoch']]);
    expect(store.listArtifacts().map((a) => a.key)).toEqual(['old-2', 'new']);
  });

  test('reports unsatisfied when pinned artifacts alone exceed the space, and sweeps orphan blobs', async () => {
    await setUp();
    await put('pinned', 600);
    await put('loose', 100);
    const orphan = artifacts.blobPath('f'.repeat(64));
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, Buffer.alloc(50));
    const report = await collectGarbage({
      store,
      artifacts,
      minFreeBytes: 900,
      pinnedKeys: new Set(['pinned']),
      freeBytes,
    });
    expect(report.removed.map((r) => r.key)).toEqual(['loose']);
    expect(report.sweep.orphanBlobs).toEqual([{ path: orphan, size: 50 }]);
    expect(report).toMatchObject({ satisfied: false, freeBytesAfter: 400 });
  });
});
