#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is here, otherwise (as on machines that
// cannot download it) one line saying so and the browser host. `--browser` asks for the host.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Run an npm script when its output is missing or older than its sources. */
function buildIfStale(script, output, sources) {
  const outputTime = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (outputTime > Math.max(...sources.map((s) => newestMtime(path.join(root, s))))) return;
  process.stdout.write(`Building (${script})...\n`);
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm run ${script} failed: fix the error above and run npm start again.\n`);
    process.exit(1);
  }
}

/** Path of the Electron binary, or null with the reason. */
function electronBinary() {
  try {
    const binary = require('electron');
    return existsSync(binary) ? { binary } : { reason: `Electron binary missing at ${binary}` };
  } catch {
    return { reason: 'its binary is not downloaded; docs/packaging.md says how to fetch it' };
  }
}

async function startBrowserHost() {
  const { register } = await import('tsx/esm/api');
  register();
  const { runBrowserHost } = await import('./host/start-browser-host.ts');
  await runBrowserHost();
}

buildIfStale('build:renderer', path.join(root, 'build/out/renderer/index.html'), [
  'renderer',
  'electron/common',
]);
const wantsBrowser = process.argv.includes('--browser');
const electron = wantsBrowser ? { reason: 'browser host requested' } : electronBinary();
if (electron.binary) {
  buildIfStale('build:electron', path.join(root, 'build/out/electron/main.cjs'), ['electron', 'runner']);
  const child = spawn(electron.binary, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!wantsBrowser) {
    process.stdout.write(
      `Electron is not available here (${electron.reason}); starting the browser host instead.\n`,
    );
  }
  startBrowserHost().catch((error) => {
    process.stderr.write(`Coin Admin could not start: ${error.message}\n`);
    process.exit(1);
  });
}
