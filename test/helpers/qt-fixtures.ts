/**
 * Where the tests find the public files they read but the project does not hold: Qt's Coin files
 * (`<root>/qt/<repo>/...`) and OpenNebula's XML schemas. The one place that knows the order:
 * the environment variable, then what `npm run fixtures` fetched into .fixtures/, then
 * ../shared/fixtures next to this checkout. When none holds the files, the tests that need them
 * are skipped (never failed, never passed) and the file says once why and what to run.
 * See docs/testing.md.
 */
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** One kind of fixture: where each place keeps it and which files must be there. */
export interface FixtureKind {
  readonly what: string;
  /** Environment variable naming a directory laid out like `shared`. */
  readonly env: string;
  /** Relative to the fetch folder (.fixtures) and to ../shared/fixtures. */
  readonly fetched: string;
  readonly shared: string;
  /** Relative paths that must all exist for a directory to count. */
  readonly required: readonly string[];
}

export const qtCoinKind: FixtureKind = {
  what: "Qt's Coin files",
  env: 'COIN_QT_FIXTURES',
  fetched: 'qt-coin',
  shared: 'qt-coin',
  required: [
    'qt/qt5/coin/platform_configs',
    'qt/qt5/coin/instructions',
    'qt/qtbase/coin/instructions',
    ...['qtsvg', 'qtdeclarative', 'qtshadertools'].map((m) => `qt/${m}/dependencies.yaml`),
  ],
};

export const openNebulaKind: FixtureKind = {
  what: "OpenNebula's XML schemas",
  env: 'COIN_OPENNEBULA_FIXTURES',
  fetched: 'opennebula/share/doc/xsd',
  shared: 'opennebula',
  required: ['vm.xsd', 'vm_pool.xsd', 'host.xsd', 'host_pool.xsd', 'vmtemplate.xsd'],
};

/** Where the fixtures are, or why they are not. */
export interface FixtureLocation {
  readonly found: boolean;
  /** The real path of the directory found; when none, where `npm run fixtures` puts them. */
  readonly dir: string;
  /** 'env', 'fetched' or 'shared'; undefined when not found. */
  readonly from?: 'env' | 'fetched' | 'shared';
  /** One line for the test output: why tests are skipped, or that an env var was passed over. */
  readonly note?: string;
}

/** The places to look, in order. COIN_FIXTURES_NO_SHARED=1 leaves ../shared out (to see the
 * skip path on a machine that has it). */
export function candidatesOf(kind: FixtureKind, env: NodeJS.ProcessEnv, root = repoRoot) {
  const places: { from: 'env' | 'fetched' | 'shared'; dir: string }[] = [];
  if (env[kind.env]) places.push({ from: 'env', dir: path.resolve(env[kind.env]!) });
  places.push({ from: 'fetched', dir: path.join(root, '.fixtures', kind.fetched) });
  if (env.COIN_FIXTURES_NO_SHARED !== '1')
    places.push({ from: 'shared', dir: path.resolve(root, '..', 'shared', 'fixtures', kind.shared) });
  return places;
}

/** The first place holding every required file of `kind`. */
export function locateFixtures(kind: FixtureKind, env: NodeJS.ProcessEnv, root = repoRoot): FixtureLocation {
  const places = candidatesOf(kind, env, root);
  const hit = places.find((p) => kind.required.every((f) => fs.existsSync(path.join(p.dir, f))));
  const skippedEnv = env[kind.env] && hit?.from !== 'env';
  const envNote = skippedEnv ? `${kind.env}=${env[kind.env]} does not hold ${kind.what}; ` : '';
  if (hit)
    return {
      found: true,
      dir: fs.realpathSync(hit.dir),
      from: hit.from,
      ...(envNote && { note: `${envNote}using ${hit.dir}` }),
    };
  const looked = places.map((p) => p.dir).join(', ');
  return {
    found: false,
    dir: path.join(root, '.fixtures', kind.fetched),
    note: `${envNote}tests that read ${kind.what} are skipped: none in ${looked}. Run \`npm run fixtures\` to fetch them.`,
  };
}

const located = new Map<FixtureKind, FixtureLocation>();

/** locateFixtures for this process, computed once; its note goes to the test output once. */
function fixturesOnce(kind: FixtureKind): FixtureLocation {
  let location = located.get(kind);
  if (!location) {
    location = locateFixtures(kind, process.env);
    located.set(kind, location);
    if (location.note) console.warn(location.note);
  }
  return location;
}

/** Qt's Coin files: `dir` holds qt/qt5, qt/qtbase, qt/qtsvg, qt/qtdeclarative, qt/qtshadertools. */
export function qtCoinFixtures(): FixtureLocation {
  return fixturesOnce(qtCoinKind);
}

/** OpenNebula's XML schemas: `dir` holds vm.xsd, vm_pool.xsd, host.xsd, host_pool.xsd, vmtemplate.xsd. */
export function openNebulaFixtures(): FixtureLocation {
  return fixturesOnce(openNebulaKind);
}
