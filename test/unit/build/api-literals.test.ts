// API paths are written in one place: the instance contract (runner/core/instance-api*.ts) and
// the server that serves them (runner/node/server). Anywhere else, a string such as `/api/` or
// `api/tasks` is a second copy of a fact that can drift, so this test fails on one. The allowed
// exceptions are files that deliberately forge requests the contract would never build, each with
// its reason. Only string and template literals are read (comments may name routes).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { instanceRoutes } from '../../../runner/core/instance-api';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const scanned = ['runner', 'electron', 'renderer', 'test', 'build'];
const skippedDirs = new Set(['node_modules', 'out', 'tsc', 'artifacts', 'fixtures', '.fixtures']);
const extensions = /\.(ts|tsx|mts|js|mjs|cjs)$/;

/** Where API paths belong (and the contract's own test, which checks the paths it builds). */
const homes = [
  /^runner\/core\/instance-api[\w-]*\.ts$/,
  /^runner\/node\/server\//,
  /^test\/unit\/runner\/core\/instance-api\.test\.ts$/,
];

/** Files that may spell API paths, and why. */
const allowed: Readonly<Record<string, string>> = {
  'test/unit/build/api-literals.test.ts': 'this test: the patterns it looks for, tried on examples',
  'runner/node/maintenance/maintenance-server.ts':
    "the maintenance page's server answers every API path of the instance it stands in for",
  'test/integration/dashboard/host-header.test.ts':
    'forges requests with foreign Host headers on raw sockets, below any client',
  'test/integration/dashboard/server-hardening.test.ts':
    "checks the server's own route table and sends writes without a token on every path",
  'test/integration/dashboard/dashboard-bridge.test.ts':
    "tries the bridge's path check on paths it must accept and refuse (absolute, other hosts, .., fragments)",
  'test/unit/runner/core/coin-files/argument-split.test.ts':
    "Coin's own artifact download URL as a template variable, not this instance's API",
  'test/unit/runner/core/coin-files/go-template.test.ts':
    "Coin's own artifact download URL as a template variable, not this instance's API",
};

/** The first segments of the read and admin API (`tasks`, `workitems`, ...), from the contract. */
const apiNames = [
  ...new Set(
    Object.values(instanceRoutes)
      .map((route) => /^\/api\/(\w+)/.exec(route.path)?.[1])
      .filter((name): name is string => name !== undefined),
  ),
];
const apiPath = new RegExp(`/api/|(?:^|[^\\w.-])api/(?:${apiNames.join('|')})\\b`);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : sourceFiles(relative);
    return extensions.test(entry.name) ? [relative] : [];
  });
}

/** The text of every string and template literal of a file. */
function literals(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  // Parsing is the slow part: a file that never writes `api/` has no such literal.
  if (!text.includes('api/')) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('the patterns know the API: its first segments come from the contract', () => {
  expect(apiNames).toEqual(expect.arrayContaining(['tasks', 'taskDetail', 'workitems', 'admin', 'gerrit']));
  expect(apiPath.test('api/tasks?max=1')).toBe(true);
  expect(apiPath.test('http://h/coin/api/x')).toBe(true);
  expect(apiPath.test('api/tool')).toBe(false);
});

test('no API path is written outside the contract and the server', () => {
  const offenders = scanned
    .flatMap(sourceFiles)
    .filter((file) => !homes.some((home) => home.test(file)) && !(file in allowed))
    .flatMap((file) =>
      literals(file)
        .filter((text) => apiPath.test(text))
        .map((text) => `${file}: ${text}`),
    );
  expect(offenders, 'take the path from runner/core/instance-api.ts (instancePaths, instanceRoutes)').toEqual(
    [],
  );
});

test('every allowed exception still exists and still needs its exception', () => {
  for (const file of Object.keys(allowed))
    expect(
      literals(file).some((text) => apiPath.test(text)),
      file,
    ).toBe(true);
});
