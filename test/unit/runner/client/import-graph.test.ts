// The instance client is imported by the CLI, the desktop app and tests: what it pulls in must be
// the contract (runner/core) and itself, never the instance's database, SSH, XML-RPC or web server.
// esbuild walks the real import graph from every file of runner/client, as a bundle would.
import { build, stop } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const forbidden = [
  'fastify',
  '@fastify/',
  'better-sqlite3',
  'ssh2',
  'xmlrpc',
  'simple-git',
  'electron',
  'pino',
];

/** The repository files and the packages reached from `entries`. */
async function importGraph(entries: string[]): Promise<{ files: string[]; packages: string[] }> {
  // The esbuild service is a child process: stopped after each walk (the leak check counts processes).
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: 'unused',
    logLevel: 'silent',
  }).finally(() => stop());
  const inputs = Object.values(result.metafile.inputs);
  const packages = inputs.flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
  return { files: Object.keys(result.metafile.inputs).sort(), packages: [...new Set(packages)].sort() };
}

test('runner/client reaches only runner/core and itself, and none of the instance packages', async () => {
  const dir = path.join(root, 'runner/client');
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `runner/client/${f}`);
  expect(entries).toContain('runner/client/instance-client.ts');
  const { files, packages } = await importGraph(entries);
  expect(files.filter((f) => !/^runner\/(core|client)\//.test(f))).toEqual([]);
  const reached = packages.filter((p) => forbidden.some((f) => p === f || p.startsWith(f)));
  expect(reached).toEqual([]);
  // What it does load: zod for the contract, ws for the event stream, Node's own modules.
  expect(packages.filter((p) => !p.startsWith('node:'))).toEqual(['ws', 'zod']);
  // A budget, so that a heavy import shows up in review: today about 20 files.
  expect(files.length).toBeLessThan(40);
});

test('the check is real: the server and the store reach fastify and better-sqlite3', async () => {
  const { packages } = await importGraph([
    'runner/node/server/coin-server.ts',
    'runner/node/store/sqlite-store.ts',
  ]);
  expect(packages).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3']));
});
