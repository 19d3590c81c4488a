// `coin config validate`, `history` and `rollback` as real processes, without a running instance.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256Of } from '../../../runner/node/file-hash';
import { activeConfigOf, applyConfigText } from '../../../runner/node/runtime-config/config-versions';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { guideExample, guideFound } from '../../unit/runner/core/runtime-config/guide-example';
import { allVersions } from './config-helpers';

let root: TempDir;

beforeAll(async () => {
  root = await makeTempDir('config-cli-');
});

afterAll(async () => {
  await root.remove();
});

async function fileWith(name: string, text: string): Promise<string> {
  const file = path.join(root.path, name);
  await writeFile(file, text);
  return file;
}

describe('coin config validate', () => {
  test.skipIf(!guideFound)("the guide's example: both mistakes with file:line:column, exit 1", async () => {
    const file = await fileWith('guide.json', guideExample());
    const result = await runCoin(['config', 'validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${file}:3:46: error: '#' comments are not JSON: use // for a comment`,
      `${file}:5:46: error: '#' comments are not JSON: use // for a comment`,
      `${file}:7:30: error: '#' comments are not JSON: use // for a comment`,
      `${file}:9:6: error: missing ',' after the "gerrit_monitor" object (before "opennebula" on line 10)`,
      `${file}: 4 error(s), 0 warning(s)`,
      '',
    ]);
  });

  test('a valid file exits 0; warnings are printed and still exit 0', async () => {
    const valid =
      '{\n  // comments are fine\n  "gerrit_monitor": {"parallel_project_rules": ["qt/qtbase"]}\n}\n';
    const ok = await runCoin(['config', 'validate', await fileWith('ok.json', valid)]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/ok\.json: valid\n$/);
    const risky = await fileWith('risky.json', '{"gerrit_monitor": {"parallel_project_rules": ["(a+)+"]}}');
    const warned = await runCoin(['config', 'validate', risky]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(
      `${risky}:1:48: warning: gerrit_monitor.parallel_project_rules[0]: "(a+)+" repeats`,
    );
  });

  test('--json gives the diagnostics and the configuration with defaults', async () => {
    const file = await fileWith('typo.json', '{"gerrit_monitor": {"parallel_integration_dealy": 5}}');
    const result = await runCoin(['config', 'validate', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      diagnostics: { message: string; line: number }[];
    };
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      'unknown key "parallel_integration_dealy" in gerrit_monitor (did you mean "parallel_integration_delay"?)',
    ]);
  });

  test('a missing file is a usage error; a 10 MB file is refused at once', async () => {
    const missing = await runCoin(['config', 'validate', path.join(root.path, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^coin: .*nope\.json does not exist\n$/);
    const big = await fileWith('big.json', `{"x": "${'y'.repeat(10 * 1024 * 1024)}"}`);
    const result = await runCoin(['config', 'validate', big]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `${big}:1:1: error: the file is 10.0 MiB: a runtime configuration may have at most 1 MiB\n`,
    );
  });
});

describe('coin config history and rollback without an instance', () => {
  test('history lists applied versions; rollback writes the old text back and records who did it', async () => {
    const work = path.join(root.path, 'work');
    const texts = ['{}\n', '{"gerrit_monitor": {"parallel_integration_delay": 60}} // one minute\n'];
    const store = SqliteStore.open(work);
    for (const text of texts) {
      applyConfigText(store, activeConfigOf(store), {
        text,
        sha256: sha256Of(text),
        appliedBy: 'file edit',
        via: 'file edit',
      });
    }
    store.close();
    await writeFile(path.join(work, 'coin_configuration.json'), texts[1]!);

    const history = await runCoin(['config', 'history', '--working-dir', work]);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('gerrit_monitor.parallel_integration_delay: 1800 -> 60');

    const rollback = await runCoin(['config', 'rollback', '1', '--working-dir', work]);
    expect(rollback.stderr).toBe('');
    expect(rollback.stdout).toMatch(/^version 3 applied \((\S+), coin config rollback to 1\)\n/);
    expect(await readFile(path.join(work, 'coin_configuration.json'), 'utf8')).toBe('{}\n');
    expect(allVersions(work).map((v) => [v.version, v.via])).toEqual([
      [1, 'file edit'],
      [2, 'file edit'],
      [3, 'coin config rollback to 1'],
    ]);

    const again = await runCoin(['config', 'rollback', '3', '--working-dir', work]);
    expect(again.stdout).toBe('version 3 is what is in force (as version 3)\n');
    const unknown = await runCoin(['config', 'rollback', '9', '--working-dir', work]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no version 9');
    const json = JSON.parse(
      (await runCoin(['config', 'history', '--working-dir', work, '--json'])).stdout,
    ) as unknown[];
    expect(json).toHaveLength(3);
  });

  test('history of a directory that is not a working directory is a usage error', async () => {
    const result = await runCoin(['config', 'history', '--working-dir', path.join(root.path, 'empty')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a Coin working directory \(no coin\.db\)/);
  });
});
