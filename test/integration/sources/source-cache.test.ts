// Source archives made once by `git archive` on a real repository, with the SHA-256 of their bytes:
// the same hash when the archive is made, when it is asked for again, and when a new cache finds
// it on disk from an earlier run; for agents on this machine, each archive also kept unpacked.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SourceCache } from '../../../runner/node/sources/source-cache';
import { commitModule } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let repo: string;
let sha: string;

beforeAll(async () => {
  dir = await makeTempDir('source-cache-');
  sha = await commitModule(dir.path, 'demo/sources', {
    README: 'hello\n',
    'coin/module_config.yaml': 'version: 2\n',
  });
  repo = path.join(dir.path, 'demo/sources');
});

afterAll(async () => {
  await dir.remove();
});

test('an archive is made once and its hash is the hash of its bytes, also when found on disk', async () => {
  const cacheDir = path.join(dir.path, 'cache');
  const cache = new SourceCache(cacheDir);
  const [first, second] = await Promise.all([
    cache.archiveWithHash(repo, sha),
    cache.archiveWithHash(repo, sha),
  ]);
  expect(second).toBe(first);
  const bytes = await readFile(first.file);
  expect(first.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  expect(await cache.archive(repo, sha)).toBe(first.file);
  const later = await new SourceCache(cacheDir).archiveWithHash(repo, sha);
  expect(later).toEqual(first);
});

test('only the newest archives are kept; one removed is made again, the same bytes', async () => {
  const cacheDir = path.join(dir.path, 'cache-kept');
  const cache = new SourceCache(cacheDir, 2);
  const shas = [sha];
  for (const n of [1, 2]) {
    shas.push(await commitModule(dir.path, 'demo/sources', { [`file-${n}.txt`]: `${n}\n` }));
  }
  const made: { file: string; sha256: string }[] = [];
  for (const [i, revision] of shas.entries()) {
    made.push(await cache.archiveWithHash(repo, revision));
    // distinct modification times, oldest first
    const at = new Date(Date.now() - (10 - i) * 60_000);
    await utimes(made[i]!.file, at, at);
  }
  const kept = (await readdir(cacheDir)).sort();
  expect(kept).toEqual([path.basename(made[1]!.file), path.basename(made[2]!.file)].sort());
  const again = await cache.archiveWithHash(repo, shas[0]!);
  expect(again).toEqual(made[0]);
  expect(await readdir(cacheDir)).toContain(path.basename(made[0]!.file));
});

test('a cache for agents on this machine keeps each archive unpacked; the tree goes with its archive', async () => {
  const cacheDir = path.join(dir.path, 'cache-trees');
  const cache = new SourceCache(cacheDir, 1, true);
  const made = await cache.archiveWithHash(repo, sha);
  expect(made.tree).toBe(made.file.replace(/\.tar\.gz$/, '.tree'));
  expect(await readFile(path.join(made.tree!, 'README'), 'utf8')).toBe('hello\n');
  expect(await readFile(path.join(made.tree!, 'coin/module_config.yaml'), 'utf8')).toBe('version: 2\n');
  // a new cache (a restarted instance) finds archive and tree; a tree that is gone is made again
  await rm(made.tree!, { recursive: true });
  expect(await new SourceCache(cacheDir, 1, true).archiveWithHash(repo, sha)).toEqual(made);
  expect(await readFile(path.join(made.tree!, 'README'), 'utf8')).toBe('hello\n');
  // pruned with its archive, and nothing half-made is left behind
  const next = await commitModule(dir.path, 'demo/sources', { 'file-3.txt': '3\n' });
  const old = new Date(Date.now() - 600_000);
  await utimes(made.file, old, old);
  const newer = await cache.archiveWithHash(repo, next);
  expect((await readdir(cacheDir)).sort()).toEqual(
    [path.basename(newer.file), path.basename(newer.tree!)].sort(),
  );
  // a cache without trees (agents elsewhere) makes none
  const plain = await new SourceCache(path.join(dir.path, 'cache-plain')).archiveWithHash(repo, sha);
  expect(plain.tree).toBeUndefined();
});
