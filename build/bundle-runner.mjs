// Bundles the runner with esbuild (`npm run build:runner`): what a packaged app runs with its own
// executable as Node (ELECTRON_RUN_AS_NODE=1, docs/packaging.md), and what any Node can run
// without the checkout's TypeScript:
//   runner/cli/bundle-entries/coin.ts        -> build/out/runner/coin.cjs         the `coin` CLI
//   runner/cli/bundle-entries/agent.ts       -> build/out/runner/agent.cjs        a local agent
//   runner/cli/bundle-entries/maintenance.ts -> build/out/runner/maintenance.cjs  the maintenance page
//   runner/agent/bootstrap/bootstrap-entry.ts -> build/out/runner/agent-bootstrap.cjs  a VM's bootstrap
// runner/node/runner-layout.ts finds these and the web assets (build/out/renderer, build/out/docs)
// relative to the bundle. The native module stays external and loads from node_modules, which
// electron-builder unpacks from app.asar together with these files (electron-builder.config.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleDefine, bundleRevision } from './bundle-electron.mjs';

const root = path.resolve(import.meta.dirname, '..');

/** The directory the runner bundles are written to. */
export const runnerOutDir = path.join(root, 'build', 'out', 'runner');

/** Bundle name -> entry; the names are those of runnerBundleFiles in runner/node/runner-layout.ts. */
const entries = {
  coin: 'runner/cli/bundle-entries/coin.ts',
  agent: 'runner/cli/bundle-entries/agent.ts',
  maintenance: 'runner/cli/bundle-entries/maintenance.ts',
  // what a VM template's START_SCRIPT carries inline (runner/core/agent-bootstrap-script.ts)
  'agent-bootstrap': 'runner/agent/bootstrap/bootstrap-entry.ts',
};

/**
 * Left to require() at run time: native modules (bindings finds the .node file from its package;
 * ssh2, for the Gerrit client, loads its optional crypto binding and cpu-features the same way).
 */
export const runnerExternals = ['better-sqlite3', 'ssh2'];

/** Dependencies only an install needs (prebuilt binaries), never loaded at run time. */
const installOnly = new Set(['prebuild-install']);

/**
 * The packages the runner bundles require at run time: the externals and what they depend on,
 * read from node_modules. They must be real files next to the bundles in a package (asarUnpack),
 * because a process in Node mode resolves them from the unpacked bundle's directory.
 */
export function runnerRuntimePackages(nodeModules = path.join(root, 'node_modules')) {
  const found = new Set();
  const visit = (name, optional = false) => {
    if (found.has(name) || installOnly.has(name)) return;
    const manifest = path.join(nodeModules, name, 'package.json');
    if (!fs.existsSync(manifest)) {
      if (optional) return;
      throw new Error(`${name} is not installed in ${nodeModules}`);
    }
    found.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
    // Optional ones (ssh2's cpu-features) are loaded when they were installed.
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, true);
  };
  runnerExternals.forEach((name) => visit(name));
  return [...found].sort();
}

function runnerOptions(outDir, revision) {
  return {
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, file]) => [name, path.join(root, file)]),
    ),
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 40 embeds Node 22; the development machines run the bundles with Node 20.
    target: 'node20',
    external: runnerExternals,
    define: bundleDefine(revision),
    // import() of an external becomes require(): one loader for the native module.
    supported: { 'dynamic-import': false },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  };
}

/** Write coin.cjs, agent.cjs and maintenance.cjs to `outDir`; resolves to their paths and sizes. */
export async function bundleRunner({ outDir = runnerOutDir, revision = bundleRevision() } = {}) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await build(runnerOptions(outDir, revision));
  const bundles = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.cjs'))
    .map(([file, output]) => ({ file: path.resolve(root, file), bytes: output.bytes }));
  return { bundles, revision };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleRunner().then(
    ({ bundles, revision }) =>
      console.log(
        `bundled ${bundles
          .map(({ file, bytes }) => `${path.relative(root, file)} (${Math.round(bytes / 1024)} KiB)`)
          .join(', ')} (revision ${revision ?? 'unknown'})`,
      ),
    (error) => {
      console.error(`build:runner: ${error.message.split('\n')[0]}`);
      process.exitCode = 1;
    },
  );
}
