// The diagnosis archive is a tar.gz that the system's tar reads back byte for byte.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { tarGz } from '../../../../../runner/node/diagnose/tar-gz';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

const execFileAsync = promisify(execFile);
let dir: TempDir;
beforeEach(async () => (dir = await makeTempDir('tar-gz-')));
afterEach(async () => dir.remove());

test('tar extracts every entry with its content (empty, text, a block exactly, binary)', async () => {
  const binary = Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 256));
  const entries = [
    { name: 'd/empty.txt', content: '' },
    { name: 'd/text.txt', content: 'grüße\n' },
    { name: 'd/block.txt', content: 'x'.repeat(512) },
    { name: 'd/binary.bin', content: binary },
  ];
  const archive = path.join(dir.path, 'a.tar.gz');
  await fs.writeFile(archive, tarGz(entries));
  const { stdout } = await execFileAsync('tar', ['tzf', archive]);
  expect(stdout.trim().split('\n')).toEqual(entries.map((e) => e.name));
  await execFileAsync('tar', ['xzf', archive, '-C', dir.path]);
  expect(await fs.readFile(path.join(dir.path, 'd/text.txt'), 'utf8')).toBe('grüße\n');
  expect(await fs.readFile(path.join(dir.path, 'd/block.txt'), 'utf8')).toBe('x'.repeat(512));
  expect((await fs.readFile(path.join(dir.path, 'd/binary.bin'))).equals(binary)).toBe(true);
  expect(await fs.readFile(path.join(dir.path, 'd/empty.txt'), 'utf8')).toBe('');
});

test('a name of 100 bytes or more is refused', () => {
  expect(() => tarGz([{ name: 'n'.repeat(100), content: '' }])).toThrow('tar entry name too long');
});
