// Packages Coin Admin with electron-builder (`npm run dist`, `npm run dist:dir`). Run after
// `npm run build`. docs/packaging.md describes release builds.
//
//   node build/dist.mjs [--dir] [--linux|--mac|--win] [--electron-dist DIR] [--output DIR] [--release]
//
//   --dir                 an unpacked app only (no installer)
//   --electron-dist DIR   a local Electron distribution (unpacked directory or the release zip);
//                         default: $ELECTRON_DIST, else node_modules/electron/dist once downloaded
//   --output DIR          where to write (default: dist/)
//   --release             also rebuild native modules for Electron's ABI and set the Electron
//                         fuses (same as COIN_RELEASE_BUILD=1); needs Node >= 22.12
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

const usage =
  'pass --electron-dist DIR or set ELECTRON_DIST=DIR, or download Electron once with ' +
  '`node node_modules/electron/install.js` (docs/packaging.md)';

/** A failure that dist.mjs reports as one line. */
export class DistError extends Error {}

const distFlags = {
  dir: { type: 'boolean', default: false },
  release: { type: 'boolean', default: false },
  linux: { type: 'boolean', default: false },
  mac: { type: 'boolean', default: false },
  win: { type: 'boolean', default: false },
  'electron-dist': { type: 'string' },
  output: { type: 'string' },
};

/** Files of `npm run build` a package cannot work without, and the script that writes each. */
export const requiredBuildOutput = [
  ['build/out/electron/main.cjs', 'build:electron'],
  ['build/out/runner/coin.cjs', 'build:runner'],
];

/** The command line as options. */
export function parseDistArgs(argv, env = process.env) {
  const values = parseDistFlags(argv);
  return {
    dir: values.dir,
    release: values.release || env.COIN_RELEASE_BUILD === '1',
    platforms: ['linux', 'mac', 'win'].filter((name) => values[name]),
    electronDist: values['electron-dist'] ?? (env.ELECTRON_DIST || null),
    output: values.output ? path.resolve(values.output) : null,
  };
}

function parseDistFlags(argv) {
  try {
    return parseArgs({ args: argv, options: distFlags, strict: true }).values;
  } catch (error) {
    throw new DistError(
      `${error.message} (usage: node build/dist.mjs [--dir] [--linux|--mac|--win] [--electron-dist DIR] [--output DIR] [--release])`,
    );
  }
}

/** node_modules/electron/dist when `node node_modules/electron/install.js` has downloaded it. */
export function installedElectronDist() {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const dist = path.join(pkgDir, 'dist');
  return fs.existsSync(path.join(pkgDir, 'path.txt')) && fs.existsSync(dist) ? dist : null;
}

/** The Electron distribution to package with: the given one (checked), else the downloaded one. */
export function resolveElectronDist(given, installed = installedElectronDist()) {
  if (given) {
    const resolved = path.resolve(given);
    if (!fs.existsSync(resolved))
      throw new DistError(`Electron distribution ${resolved} does not exist: ${usage}`);
    return resolved;
  }
  if (installed) return installed;
  throw new DistError(`no Electron distribution: ${usage}`);
}

/**
 * Fuses for release builds. runAsNode stays on: the app runs its local runners, their agents and
 * maintenance servers as ELECTRON_RUN_AS_NODE children of its own executable.
 */
export const releaseFuses = {
  runAsNode: true,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** The electron-builder configuration for these options. */
export function builderConfig(base, options, electronDist) {
  const config = { ...base, electronDist, directories: { ...base.directories } };
  if (options.output) config.directories.output = options.output;
  if (options.release) {
    config.npmRebuild = true;
    config.electronFuses = releaseFuses;
  }
  return config;
}

/** electron-builder's build() options: which platforms, which targets, never publish. */
export function builderOptions(options, config) {
  const result = { projectDir: root, config, publish: 'never', dir: options.dir };
  for (const platform of options.platforms) result[platform] = options.dir ? ['dir'] : [];
  return result;
}

function checkReleaseNode(options) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (options.release && (major < 22 || (major === 22 && minor < 12))) {
    throw new DistError(
      `--release rebuilds native modules with @electron/rebuild, which needs Node >= 22.12 (this is ${process.versions.node})`,
    );
  }
}

/** Package the app; returns the paths electron-builder wrote. */
export async function dist(argv = process.argv.slice(2), env = process.env) {
  const options = parseDistArgs(argv, env);
  checkReleaseNode(options);
  const electronDist = resolveElectronDist(options.electronDist);
  for (const [file, script] of requiredBuildOutput) {
    if (!fs.existsSync(path.join(root, file)))
      throw new DistError(`${file} is missing: run \`npm run build\` (or \`npm run ${script}\`) first`);
  }
  const { default: base } = await import('./electron-builder.config.mjs');
  const config = builderConfig(base, options, electronDist);
  // Loaded only now: electron-builder takes a second to load, and a bad invocation should not wait.
  const { default: electronBuilder } = await import('electron-builder');
  const { build } = electronBuilder;
  return build(builderOptions(options, config));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  dist().then(
    (files) =>
      console.log(
        `dist: done${files.length ? `: ${files.map((f) => path.relative(root, f)).join(', ')}` : ''}`,
      ),
    (error) => {
      const message =
        error instanceof DistError
          ? error.message
          : `electron-builder failed: ${String(error?.message ?? error).split('\n')[0]}`;
      console.error(`dist: ${message}`);
      process.exitCode = 1;
    },
  );
}
