// Vite builds the renderer into build/out/renderer, with relative asset URLs so the same files
// load from file:// in Electron and from the browser host.
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
  },
});
