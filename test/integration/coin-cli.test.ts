// The `coin` CLI as a user runs it: a real process, a real machine check.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

let work: TempDir;
beforeEach(async () => {
  work = await makeTempDir('cli-');
});
afterEach(async () => {
  await work.remove();
});

describe('coin CLI', () => {
  test('--version prints the package version', async () => {
    const result = await runCoin(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^coin ${pkg.version.replaceAll('.', '\\.')}( \\([0-9a-f]+\\))?\\n$`),
    );
  });

  test('doctor prints a table and exits 0 on a machine that can run Coin', async () => {
    const result = await runCoin(['doctor', '--working-dir', work.path, '--min-free-gb', '0']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/status\s+check\s+required\s+detail/);
    expect(result.stdout).toMatch(/ok\s+git\s+yes\s+git version \d+\.\d+/);
    expect(result.stdout).toContain('This machine can run a Coin instance.');
  });

  test('doctor exits 1 and marks the row when the working directory cannot be used', async () => {
    const file = path.join(work.path, 'plain-file');
    await writeFile(file, 'x');
    const result = await runCoin(['doctor', '--working-dir', path.join(file, 'work'), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: { id: string }) => c.id === 'working-dir')).toMatchObject({
      status: 'fail',
    });
  });

  test('doctor exits 1 when the disk has less free space than required', async () => {
    const result = await runCoin(['doctor', '--working-dir', work.path, '--min-free-gb', '100000000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+free disk/);
    expect(result.stdout).toContain('Something required is missing');
  });

  test('usage errors are one line on stderr and exit 2', async () => {
    const bad = await runCoin(['doctor', '--min-free-gb', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("coin: --min-free-gb must be a number >= 0, got 'lots'");
    const unknown = await runCoin(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});
