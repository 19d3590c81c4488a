import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { locateFixtures, openNebulaKind, qtCoinKind, type FixtureKind } from '../../helpers/qt-fixtures';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

/** Writes every required file of `kind` under dir, or all but the last one. */
function fill(dir: string, kind: FixtureKind, complete = true): string {
  const wanted = complete ? kind.required : kind.required.slice(0, -1);
  for (const f of wanted) {
    // Names without an extension are directories (coin/instructions); the rest are files.
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    if (path.extname(f)) fs.writeFileSync(path.join(dir, f), '');
    else fs.mkdirSync(path.join(dir, f), { recursive: true });
  }
  return dir;
}

describe('where the tests find the fixtures', () => {
  let tmp: TempDir;
  let base: string;
  let project: string;
  let envDir: string;
  let fetched: string;
  let shared: string;
  beforeEach(async () => {
    tmp = await makeTempDir('qt-fixtures-');
    base = fs.realpathSync(tmp.path); // the helper answers real paths
    project = path.join(base, 'project');
    envDir = path.join(base, 'elsewhere');
    fetched = path.join(project, '.fixtures', 'qt-coin');
    shared = path.join(base, 'shared', 'fixtures', 'qt-coin');
  });
  afterEach(async () => {
    await tmp.remove();
  });

  test('COIN_QT_FIXTURES first, then the fetched folder, then ../shared', () => {
    fill(envDir, qtCoinKind);
    fill(fetched, qtCoinKind);
    fill(shared, qtCoinKind);
    const env = { COIN_QT_FIXTURES: envDir };
    expect(locateFixtures(qtCoinKind, env, project)).toEqual({ found: true, dir: envDir, from: 'env' });
    expect(locateFixtures(qtCoinKind, {}, project)).toEqual({ found: true, dir: fetched, from: 'fetched' });
    fs.rmSync(fetched, { recursive: true });
    expect(locateFixtures(qtCoinKind, {}, project)).toEqual({ found: true, dir: shared, from: 'shared' });
  });

  test('an incomplete place is passed over, and a COIN_QT_FIXTURES passed over says so', () => {
    fill(fetched, qtCoinKind, false);
    fill(shared, qtCoinKind);
    fs.mkdirSync(envDir);
    expect(locateFixtures(qtCoinKind, { COIN_QT_FIXTURES: envDir }, project)).toEqual({
      found: true,
      dir: shared,
      from: 'shared',
      note: `COIN_QT_FIXTURES=${envDir} does not hold Qt's Coin files; using ${shared}`,
    });
  });

  test('none: not found, where `npm run fixtures` puts them, and a note saying what to run', () => {
    fill(shared, qtCoinKind);
    const location = locateFixtures(qtCoinKind, { COIN_FIXTURES_NO_SHARED: '1' }, project);
    expect(location).toEqual({
      found: false,
      dir: fetched,
      note: `tests that read Qt's Coin files are skipped: none in ${fetched}. Run \`npm run fixtures\` to fetch them.`,
    });
    fs.rmSync(shared, { recursive: true });
    fs.mkdirSync(envDir);
    expect(locateFixtures(qtCoinKind, { COIN_QT_FIXTURES: envDir }, project).note).toBe(
      `COIN_QT_FIXTURES=${envDir} does not hold Qt's Coin files; tests that read Qt's Coin files are skipped: ` +
        `none in ${envDir}, ${fetched}, ${path.join(base, 'shared', 'fixtures', 'qt-coin')}. ` +
        'Run `npm run fixtures` to fetch them.',
    );
  });

  test("OpenNebula's schemas: fetched as share/doc/xsd of its repository, shared as one folder", () => {
    const oneFetched = fill(
      path.join(project, '.fixtures', 'opennebula', 'share', 'doc', 'xsd'),
      openNebulaKind,
    );
    const oneShared = fill(path.join(base, 'shared', 'fixtures', 'opennebula'), openNebulaKind);
    expect(locateFixtures(openNebulaKind, {}, project)).toMatchObject({ dir: oneFetched, from: 'fetched' });
    fs.rmSync(path.join(oneFetched, 'vm.xsd'));
    expect(locateFixtures(openNebulaKind, {}, project)).toMatchObject({ dir: oneShared, from: 'shared' });
    const env = { COIN_OPENNEBULA_FIXTURES: oneShared, COIN_FIXTURES_NO_SHARED: '1' };
    expect(locateFixtures(openNebulaKind, env, project)).toMatchObject({ dir: oneShared, from: 'env' });
  });
});
