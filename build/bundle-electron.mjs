// Bundles the Electron main process and the preload with esbuild (`npm run build:electron`):
//   electron/main/main.ts       -> build/out/electron/main.cjs    (Node, CommonJS, natives external)
//   electron/preload/preload.ts -> build/out/electron/preload.cjs (one CommonJS file: a sandboxed
//                                  preload can require nothing but 'electron')
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');

/** The directory the bundles are written to. */
export const electronOutDir = path.join(root, 'build', 'out', 'electron');

/**
 * Left to require() at run time: electron itself, native modules (their .node files are unpacked
 * from app.asar) and pino, whose transports start worker threads from files of their own package.
 */
export const mainExternals = [
  'electron',
  'better-sqlite3',
  'ssh2',
  'cpu-features',
  'pino',
  'pino-pretty',
  'thread-stream',
];

/** The git revision baked into the bundle (runner/node/app-version.ts reads COIN_REVISION), or null. */
export function bundleRevision() {
  if (process.env.COIN_REVISION) return process.env.COIN_REVISION;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/**
 * What every bundle of Node code (main.cjs, build/out/runner/*.cjs) fixes at bundle time:
 * - The sources are ES modules; in a CommonJS bundle import.meta is empty, so its path fields
 *   become the bundle's own (what `import.meta.dirname` means once everything is one file).
 *   esbuild warns about any other use of import.meta (e.g. import.meta.url): fix it at the source.
 * - COIN_BUNDLED tells runner/node/runner-layout.ts that its files are those of build/out.
 * - The git revision, when known (runner/node/app-version.ts reads COIN_REVISION).
 */
export function bundleDefine(revision) {
  const define = {
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
    COIN_BUNDLED: 'true',
  };
  if (revision) define['process.env.COIN_REVISION'] = JSON.stringify(revision);
  return define;
}

function mainOptions(outDir, revision) {
  const define = bundleDefine(revision);
  return {
    entryPoints: [path.join(root, 'electron/main/main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: mainExternals,
    define,
    // import() of an external becomes require(): native modules load from app.asar.unpacked
    // through Electron's CommonJS loader, the path every native module is tested on.
    supported: { 'dynamic-import': false },
    sourcemap: 'linked',
    logLevel: 'warning',
  };
}

function preloadOptions(outDir) {
  return {
    entryPoints: [path.join(root, 'electron/preload/preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    bundle: true,
    // 'browser' makes any Node built-in an error: the sandboxed preload has none.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    sourcemap: 'inline',
    logLevel: 'warning',
  };
}

/** Write main.cjs and preload.cjs to `outDir`. */
export async function bundleElectron({ outDir = electronOutDir, revision = bundleRevision() } = {}) {
  await Promise.all([build(mainOptions(outDir, revision)), build(preloadOptions(outDir))]);
  return { main: path.join(outDir, 'main.cjs'), preload: path.join(outDir, 'preload.cjs'), revision };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleElectron().then(
    ({ main, preload, revision }) =>
      console.log(
        `bundled ${path.relative(root, main)} and ${path.relative(root, preload)} (revision ${revision ?? 'unknown'})`,
      ),
    (error) => {
      console.error(`build:electron: ${error.message.split('\n')[0]}`);
      process.exitCode = 1;
    },
  );
}
