// The agent's cache of unpacked trees against a real loopback server and the system's tar: a tree
// is downloaded and unpacked once; when the instance names the archive's SHA-256 and the agent
// has a tree of those bytes, it is copied without a request; an unknown or malformed hash
// downloads as before. An agent on the instance's machine reads the archive's file instead of
// downloading it (or copies the instance's unpacked tree of it), and downloads when that file
// cannot be read.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packDirectory } from '../../../runner/node/tar-archive';
import { WorkAreaCache } from '../../../runner/agent/work-area-cache';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let dir: TempDir;
let server: http.Server;
let archive: Buffer;
let requests = 0;
let master: { baseUrl: string; token: string };

beforeAll(async () => {
  dir = await makeTempDir('work-area-cache-');
  const tree = path.join(dir.path, 'tree');
  await mkdir(path.join(tree, 'src'), { recursive: true });
  await writeFile(path.join(tree, 'src', 'main.c'), 'int main(void) { return 0; }\n');
  const file = path.join(dir.path, 'sources.tar.gz');
  await packDirectory(tree, createWriteStream(file));
  archive = await readFile(file);
  server = http.createServer((_request, response) => {
    requests++;
    response.end(archive);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  master = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/coin`, token: 't' };
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dir.remove();
});

test('a known hash of an unpacked tree is copied without a download; others download', async () => {
  const sha256 = createHash('sha256').update(archive).digest('hex');
  const cache = new WorkAreaCache(path.join(dir.path, 'trees'));
  const area = (n: number) => path.join(dir.path, `area-${n}`, 'src-dir');
  const main = (n: number) => readFile(path.join(area(n), 'src', 'main.c'), 'utf8');

  // Nothing cached: the hash is no use yet, the archive is downloaded and unpacked.
  expect(await cache.install(master, '/agent/source/a', area(1), { sha256 })).toBe('unpacked');
  expect(requests).toBe(1);
  // Cached, hash known: a copy, no request.
  expect(await cache.install(master, '/agent/source/a', area(2), { sha256 })).toBe('copied');
  expect(requests).toBe(1);
  // Cached, no hash (an older instance): downloaded to learn its hash, then copied.
  expect(await cache.install(master, '/agent/source/a', area(3))).toBe('copied');
  expect(requests).toBe(2);
  // A hash the agent has no tree for, and one that is no hash at all: downloaded.
  expect(await cache.install(master, '/agent/source/a', area(4), { sha256: 'f'.repeat(64) })).toBe('copied');
  expect(await cache.install(master, '/agent/source/a', area(5), { sha256: '../../etc' })).toBe('copied');
  expect(requests).toBe(4);
  for (const n of [1, 2, 3, 4, 5]) expect(await main(n)).toBe('int main(void) { return 0; }\n');
});

test("an agent on the instance's machine unpacks the archive's file, with no request", async () => {
  const cache = new WorkAreaCache(path.join(dir.path, 'trees-local'));
  const file = path.join(dir.path, 'sources.tar.gz');
  const area = (n: number) => path.join(dir.path, `local-${n}`, 'src-dir');
  const before = requests;
  expect(await cache.install(master, '/agent/source/a', area(1), { file })).toBe('unpacked');
  const sha256 = createHash('sha256').update(archive).digest('hex');
  expect(await cache.install(master, '/agent/source/a', area(2), { sha256, file })).toBe('copied');
  expect(requests).toBe(before);
  // the file is gone (the instance swept its cache): downloaded as any other agent would
  const gone = new WorkAreaCache(path.join(dir.path, 'trees-gone'));
  const missing = path.join(dir.path, 'no-such.tar.gz');
  expect(await gone.install(master, '/agent/source/a', area(3), { file: missing })).toBe('unpacked');
  expect(requests).toBe(before + 1);
  for (const n of [1, 2, 3])
    expect(await readFile(path.join(area(n), 'src', 'main.c'), 'utf8')).toBe(
      'int main(void) { return 0; }\n',
    );
  expect((await readdir(path.join(dir.path, 'trees-local'))).sort()).toEqual([sha256]);
});

test("the instance's own tree of the archive is copied; a tree that is gone falls back to the file", async () => {
  const cache = new WorkAreaCache(path.join(dir.path, 'trees-instance'));
  const file = path.join(dir.path, 'sources.tar.gz');
  const tree = path.join(dir.path, 'tree');
  const area = (n: number) => path.join(dir.path, `instance-${n}`, 'src-dir');
  const before = requests;
  expect(await cache.install(master, '/agent/source/a', area(1), { file, tree })).toBe('copied');
  // nothing unpacked into the agent's own cache
  expect(existsSync(path.join(dir.path, 'trees-instance'))).toBe(false);
  const gone = path.join(dir.path, 'tree-removed-meanwhile');
  expect(await cache.install(master, '/agent/source/a', area(2), { file, tree: gone })).toBe('unpacked');
  expect(requests).toBe(before);
  for (const n of [1, 2])
    expect(await readFile(path.join(area(n), 'src', 'main.c'), 'utf8')).toBe(
      'int main(void) { return 0; }\n',
    );
});
