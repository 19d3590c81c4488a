/** Where the bundled main process finds its preload, the renderer and its data. */
import path from 'node:path';

export interface MainPaths {
  /** The sandboxed preload bundle (one CommonJS file). */
  preload: string;
  /** The Vite output that `app://coin-admin/` serves. */
  rendererDir: string;
}

/** Paths relative to the directory of the main bundle (build/out/electron, inside app.asar when packaged). */
export function mainPaths(bundleDir: string): MainPaths {
  return {
    preload: path.join(bundleDir, 'preload.cjs'),
    rendererDir: path.join(bundleDir, '..', 'renderer'),
  };
}
