// Vite builds the renderer into build/out/renderer, with relative asset URLs so the same files
// load from file:// in Electron and from the browser host. The dashboard's early paint of a log
// (renderer/src/dashboard/early-paint.ts) is an entry of its own, early-paint.js, which the
// instance inlines into the dashboard's page.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '..', 'build', 'out', 'renderer'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2023',
    rollupOptions: {
      input: {
        index: path.resolve(import.meta.dirname, 'index.html'),
        'early-paint': path.resolve(import.meta.dirname, 'src/dashboard/early-paint-entry.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'early-paint' ? '[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
