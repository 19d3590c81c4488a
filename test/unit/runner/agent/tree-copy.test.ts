// The work area's tree copy on the real file system: contents, file and directory modes,
// modification times, symbolic links as they are, a read-only directory, existing files replaced,
// a tree of more entries than one turn copies, and a clear error for what it cannot copy.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { copyTree } from '../../../../runner/agent/tree-copy';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('tree-copy-');
});
afterEach(async () => {
  // the read-only directories of a test must be writable again to be removed
  execFileSync('chmod', ['-R', 'u+w', dir.path]);
  await dir.remove();
});

test('contents, modes, times and links arrive as they were; existing files are replaced', async () => {
  const tree = path.join(dir.path, 'tree');
  mkdirSync(path.join(tree, 'src/sub'), { recursive: true });
  writeFileSync(path.join(tree, 'src/main.c'), 'int main(void) { return 0; }\n');
  writeFileSync(path.join(tree, 'configure'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(path.join(tree, 'src/sub/data.txt'), 'data\n');
  symlinkSync('../configure', path.join(tree, 'src/configure-link'));
  const old = new Date('2020-01-02T03:04:05Z');
  utimesSync(path.join(tree, 'src/main.c'), old, old);
  chmodSync(path.join(tree, 'src/sub'), 0o555);
  const target = path.join(dir.path, 'area', 'src-dir');
  mkdirSync(path.join(target, 'src'), { recursive: true });
  writeFileSync(path.join(target, 'src/main.c'), 'stale\n');

  await copyTree(tree, target);

  expect(readFileSync(path.join(target, 'src/main.c'), 'utf8')).toBe('int main(void) { return 0; }\n');
  expect(statSync(path.join(target, 'src/main.c')).mtime.toISOString()).toBe(old.toISOString());
  expect(statSync(path.join(target, 'configure')).mode & 0o777).toBe(0o755);
  expect(readFileSync(path.join(target, 'src/sub/data.txt'), 'utf8')).toBe('data\n');
  expect(statSync(path.join(target, 'src/sub')).mode & 0o777).toBe(0o555);
  expect(lstatSync(path.join(target, 'src/configure-link')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(path.join(target, 'src/configure-link'))).toBe('../configure');
  // a second copy over the first (a read-only directory in it) replaces what is there
  writeFileSync(path.join(tree, 'configure'), '#!/bin/sh\necho v2\n');
  await copyTree(tree, target);
  expect(readFileSync(path.join(target, 'configure'), 'utf8')).toBe('#!/bin/sh\necho v2\n');
});

test('a tree larger than one turn is copied whole; a pipe in it is refused by name', async () => {
  const tree = path.join(dir.path, 'many');
  for (let d = 0; d < 4; d++) {
    mkdirSync(path.join(tree, `d${d}`), { recursive: true });
    for (let f = 0; f < 200; f++) writeFileSync(path.join(tree, `d${d}`, `f${f}.txt`), `${d}/${f}\n`);
  }
  const target = path.join(dir.path, 'many-copy');
  await copyTree(tree, target);
  for (let d = 0; d < 4; d++)
    for (const f of [0, 199])
      expect(readFileSync(path.join(target, `d${d}`, `f${f}.txt`), 'utf8')).toBe(`${d}/${f}\n`);

  execFileSync('mkfifo', [path.join(tree, 'd0', 'pipe')]);
  await expect(copyTree(tree, path.join(dir.path, 'with-pipe'))).rejects.toThrow(/d0\/pipe: not a file/);
});
