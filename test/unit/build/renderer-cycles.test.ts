// Modules of renderer/ import each other without a cycle: read every relative import (type-only
// imports too, since they tie the files together just as much) and fail on each cycle, naming its
// files in order.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const rendererDir = path.join(root, 'renderer');
const importPattern =
  /(?:import|export)[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const sourcePattern = /\.(ts|tsx)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && sourcePattern.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The file an import names, as the bundler finds it; undefined for CSS and other assets. */
function resolveImport(file: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(file), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((c) => sourcePattern.test(c) && existsSync(c));
}

/** file -> the renderer files it imports (paths relative to the checkout). */
function rendererGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(rendererDir)) {
    const targets = [...readFileSync(file, 'utf8').matchAll(importPattern)]
      .map((m) => resolveImport(file, m[1] ?? m[2]!))
      .filter((t): t is string => t !== undefined && t.startsWith(rendererDir + path.sep));
    graph.set(path.relative(root, file), [...new Set(targets.map((t) => path.relative(root, t)))]);
  }
  return graph;
}

/** Each cycle once, as `a -> b -> a`, found by a depth-first walk that remembers its path. */
function importCycles(graph: Map<string, string[]>): string[] {
  const done = new Set<string>();
  const found = new Set<string>();
  const walk = (file: string, trail: string[]): void => {
    const at = trail.indexOf(file);
    if (at >= 0) {
      const cycle = trail.slice(at);
      const start = cycle.indexOf([...cycle].sort()[0]!);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      found.add([...rotated, rotated[0]].join(' -> '));
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...trail, file]);
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) walk(file, []);
  return [...found].sort();
}

test('no module of renderer/ imports itself through others', () => {
  const graph = rendererGraph();
  expect(graph.size, 'renderer sources were read').toBeGreaterThan(50);
  const editor = graph.get('renderer/src/areas/configuration/config-editor.tsx');
  expect(editor, 'imports are resolved').toContain('renderer/src/areas/configuration/editor-toolbar.tsx');
  expect(importCycles(graph)).toEqual([]);
});

test('a cycle is reported once, with its files in order', () => {
  // The configuration editor and its toolbar before their shared type got its own module.
  const graph = new Map([
    ['config-editor.tsx', ['editor-toolbar.tsx', 'config-document.ts']],
    ['editor-toolbar.tsx', ['config-editor.tsx', 'config-document.ts']],
    ['config-document.ts', []],
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
  ]);
  expect(importCycles(graph)).toEqual([
    'a.ts -> b.ts -> c.ts -> a.ts',
    'config-editor.tsx -> editor-toolbar.tsx -> config-editor.tsx',
  ]);
});
