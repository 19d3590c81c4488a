// Builds the Electron and runner bundles once before the integration tests: the packaging tests
// read them, and building them in each file would race (each build empties its output folder).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

export async function setup(): Promise<void> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const bundle = (script: string) => run(process.execPath, [path.join(root, script)], { cwd: root, env });
  await Promise.all([bundle('build/bundle-electron.mjs'), bundle('build/bundle-runner.mjs')]);
}
