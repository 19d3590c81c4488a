// Preparing and judging a working directory: created level by level, every refusal in words,
// and never the endless mkdir that Node's recursive mode does under /proc.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { prepareWorkingDir, probeWorkingDir, WorkingDirError } from '../../../../runner/node/working-dir';
import { makeTempDir, type TempDir } from '../../../helpers/temp-dir';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('working-dir-');
});
afterEach(async () => {
  await temp.remove();
});

describe('prepareWorkingDir', () => {
  test('creates missing levels and leaves nothing but the directories', async () => {
    const dir = path.join(temp.path, 'a', 'b', 'c');
    expect(await prepareWorkingDir(dir)).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('accepts a directory that exists, without leaving its write probe', async () => {
    await writeFile(path.join(temp.path, 'keep'), 'x');
    await prepareWorkingDir(temp.path);
    expect(readdirSync(temp.path)).toEqual(['keep']);
  });

  test('refuses at once under /proc, where recursive mkdir never returns', async () => {
    const started = Date.now();
    const error = await prepareWorkingDir('/proc/nope/coin').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(WorkingDirError);
    expect((error as Error).message).toBe(
      'working directory /proc/nope/coin cannot be created: /proc does not allow new files or directories (ENOENT); choose another --working-dir',
    );
  });

  test('names the file that stands where a directory should be', async () => {
    const file = path.join(temp.path, 'file');
    await writeFile(file, 'x');
    await expect(prepareWorkingDir(path.join(file, 'deeper', 'coin'))).rejects.toThrow(
      `working directory ${file}/deeper/coin cannot be used: ${file} is not a directory; choose another --working-dir`,
    );
    await expect(prepareWorkingDir(file)).rejects.toThrow(`${file} is not a directory`);
  });

  test('refuses a directory that takes no new files, even for root', async () => {
    await expect(prepareWorkingDir('/sys')).rejects.toThrow(
      'working directory /sys is not writable: /sys does not allow this user to create files there (EACCES)',
    );
    await expect(prepareWorkingDir('/sys', { checkWritable: false })).resolves.toBe('/sys');
  });
});

describe('probeWorkingDir', () => {
  test('says a missing directory will be creatable, and creates nothing', async () => {
    const dir = path.join(temp.path, 'x', 'y');
    expect(await probeWorkingDir(dir)).toEqual({ path: dir, exists: false, writable: true });
    expect(readdirSync(temp.path)).toEqual([]);
  });

  test('says an existing writable directory is, and leaves it as it was', async () => {
    expect(await probeWorkingDir(temp.path)).toEqual({ path: temp.path, exists: true, writable: true });
    expect(readdirSync(temp.path)).toEqual([]);
  });

  test('gives the reason for /proc, /sys and a file in the way', async () => {
    expect(await probeWorkingDir('/proc/nope/coin')).toMatchObject({
      exists: false,
      writable: false,
      problem: expect.stringContaining('/proc does not allow new files or directories'),
    });
    expect(await probeWorkingDir('/sys')).toMatchObject({
      exists: true,
      writable: false,
      problem: expect.stringContaining('/sys is not writable'),
    });
    const file = path.join(temp.path, 'file');
    await writeFile(file, 'x');
    expect((await probeWorkingDir(path.join(file, 'coin'))).problem).toContain(`${file} is not a directory`);
    expect(existsSync(path.join(file, 'coin'))).toBe(false);
  });
});
