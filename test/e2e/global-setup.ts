// Builds the renderer once before the e2e tests when its output is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..', '..');
const output = path.join(root, 'build/out/renderer/index.html');

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((max, e) => Math.max(max, statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
}

export async function setup(): Promise<void> {
  const sources = Math.max(newest(path.join(root, 'renderer')), newest(path.join(root, 'electron/common')));
  if (existsSync(output) && statSync(output).mtimeMs > sources) return;
  await build({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}
