import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTempRoot, makeTempDir, tempRoot } from '../../helpers/temp-dir';

describe('makeTempDir', () => {
  it('creates directories under one root for this process', async () => {
    expect(tempRoot()).toBe(path.join(os.tmpdir(), `coin-admin-test-${process.pid}`));
    const first = await makeTempDir('alpha-');
    const second = await makeTempDir('alpha-');
    try {
      expect(path.dirname(first.path)).toBe(tempRoot());
      expect(path.basename(first.path)).toMatch(/^alpha-\w{6}$/);
      expect(second.path).not.toBe(first.path);
      expect(listTempRoot()).toEqual(
        expect.arrayContaining([path.basename(first.path), path.basename(second.path)]),
      );
    } finally {
      await first.remove();
      await second.remove();
    }
  });

  it('remove() deletes the whole tree and may be called twice', async () => {
    const dir = await makeTempDir('tree-');
    fs.mkdirSync(path.join(dir.path, 'a/b'), { recursive: true });
    fs.writeFileSync(path.join(dir.path, 'a/b/file.txt'), 'x');
    await dir.remove();
    await dir.remove();
    expect(fs.existsSync(dir.path)).toBe(false);
  });
});
