// Vite builds the renderer into build/out/renderer, with relative asset URLs so the same files
// load from file:// in Electron and from the browser host. The dashboard's early paint of a log
// (renderer/src/dashboard/early-paint.ts) is built after the application, alone, into
// early-paint.js, which the instance inlines into the dashboard's page: built with the
// application, a module both use (runner/core/log-link.ts) would become a chunk it imports.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { build, defineConfig, type Plugin } from 'vite';

const outDir = path.resolve(import.meta.dirname, '..', 'build', 'out', 'renderer');
const target = 'es2023';

/** Builds the early paint into one file without imports once the application is built. */
function earlyPaint(): Plugin {
  return {
    name: 'coin-early-paint',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root: import.meta.dirname,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          sourcemap: true,
          target,
          minify: true,
          lib: {
            entry: path.resolve(import.meta.dirname, 'src/dashboard/early-paint-entry.ts'),
            formats: ['es'],
            fileName: () => 'early-paint.js',
          },
        },
      });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), earlyPaint()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    target,
  },
});
