/**
 * Where the runner's own files are, the one place that knows. The runner runs in one of two
 * layouts:
 *
 * - a **checkout**: TypeScript under runner/ loaded through tsx (`runner/cli/coin.mjs`), the web
 *   assets that `npm run build` wrote to build/out/;
 * - a **bundle**: the esbuild output of `npm run build` (build/bundle-runner.mjs), as a packaged app
 *   ships it: build/out/runner/{coin,agent,maintenance}.cjs next to build/out/renderer and
 *   build/out/docs. The Electron main bundle (build/out/electron/main.cjs) inlines the runner and
 *   sees the same layout. Inside a packaged app these files are unpacked from app.asar
 *   (resources/app.asar.unpacked/), because other processes run them and read them by path.
 *
 * The bundler defines COIN_BUNDLED; without it (tsx, vitest) this is a checkout.
 */
import path from 'node:path';

declare const COIN_BUNDLED: boolean | undefined;

export type LayoutKind = 'checkout' | 'bundle';

/** Files the runner starts or serves, as absolute paths. */
export interface RunnerLayout {
  kind: LayoutKind;
  /** The `coin` CLI: a script for process.execPath. */
  coinScript: string;
  /** The agent program the local hypervisor starts. */
  agentScript: string;
  /** The maintenance page server a stopping instance leaves behind. */
  maintenanceScript: string;
  /** The Vite build of the UI, served under /coin as the dashboard. */
  rendererDir: string;
  /** The rendered documentation, served under /coin/doc. */
  docsDir: string;
  /** The git checkout (for the revision); null in a bundle, whose revision is fixed when it is built. */
  checkoutRoot: string | null;
}

/** File names of the runner bundles in build/out/runner (build/bundle-runner.mjs writes them). */
export const runnerBundleFiles = {
  coin: 'coin.cjs',
  agent: 'agent.cjs',
  maintenance: 'maintenance.cjs',
  /** The standalone bootstrap a VM template's START_SCRIPT carries inline. */
  agentBootstrap: 'agent-bootstrap.cjs',
};

/**
 * The same path outside app.asar: `.../resources/app.asar/x` becomes `.../app.asar.unpacked/x`, where
 * electron-builder puts the files its asarUnpack patterns name. Other paths are returned unchanged.
 */
export function asarUnpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

/**
 * The layout of `kind`, seen from `here`: the directory of runner/node/runner-layout.ts in a
 * checkout, the directory of the bundle file (build/out/runner or build/out/electron) in a bundle.
 */
export function layoutFor(kind: LayoutKind, here: string): RunnerLayout {
  if (kind === 'checkout') {
    const root = path.resolve(here, '..', '..');
    return {
      kind,
      coinScript: path.join(root, 'runner', 'cli', 'coin.mjs'),
      agentScript: path.join(root, 'runner', 'agent', 'agent.mjs'),
      maintenanceScript: path.join(root, 'runner', 'node', 'maintenance', 'maintenance.mjs'),
      rendererDir: path.join(root, 'build', 'out', 'renderer'),
      docsDir: path.join(root, 'build', 'out', 'docs'),
      checkoutRoot: root,
    };
  }
  const out = asarUnpackedPath(path.resolve(here, '..'));
  return {
    kind,
    coinScript: path.join(out, 'runner', runnerBundleFiles.coin),
    agentScript: path.join(out, 'runner', runnerBundleFiles.agent),
    maintenanceScript: path.join(out, 'runner', runnerBundleFiles.maintenance),
    rendererDir: path.join(out, 'renderer'),
    docsDir: path.join(out, 'docs'),
    checkoutRoot: null,
  };
}

/** The layout this code runs in. */
export const runnerLayout: RunnerLayout = layoutFor(
  typeof COIN_BUNDLED !== 'undefined' && COIN_BUNDLED ? 'bundle' : 'checkout',
  import.meta.dirname,
);
