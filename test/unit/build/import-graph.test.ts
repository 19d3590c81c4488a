// The parts of runner/node (store, sources, hypervisors, instance, server, daemon, gerrit, ...)
// import each other in one direction only: read every import of the tree and fail on a pair of
// parts that import each other, naming the files on both sides.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const nodeDir = path.join(root, 'runner', 'node');
const importPattern =
  /(?:import|export)[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** `store`, `server`, ... for a file under runner/node; `(files)` for the files at its top. */
function partOf(file: string): string | undefined {
  const relative = path.relative(nodeDir, file);
  if (relative.startsWith('..')) return undefined;
  const parts = relative.split(path.sep);
  return parts.length > 1 ? parts[0] : '(files)';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** part -> part -> the imports (file -> target) that make the arrow. */
function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(nodeDir)) {
    const from = partOf(file)!;
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const target = path.resolve(path.dirname(file), match[1] ?? match[2]!);
      const to = partOf(target);
      if (!to || to === from) continue;
      const arrows = graph.get(from) ?? new Map<string, string[]>();
      arrows.set(to, [
        ...(arrows.get(to) ?? []),
        `${path.relative(root, file)} -> ${path.relative(root, target)}`,
      ]);
      graph.set(from, arrows);
    }
  }
  return graph;
}

/** Each pair of parts that import each other, with the imports on both sides. */
function twoWayArrows(graph: Map<string, Map<string, string[]>>): string[] {
  const found: string[] = [];
  for (const [from, arrows] of graph) {
    for (const [to, imports] of arrows) {
      const back = graph.get(to)?.get(from);
      if (back && from < to) found.push(`${from} <-> ${to}: ${[...imports, ...back].join(', ')}`);
    }
  }
  return found;
}

test('no two parts of runner/node import each other', () => {
  const graph = importGraph();
  expect(graph.get('instance')?.size, 'the instance imports other parts').toBeGreaterThan(0);
  expect(twoWayArrows(graph)).toEqual([]);
});

test('a two-way arrow is reported with the imports on both sides', () => {
  // What the graph looked like before the instance and its server were untangled.
  const graph = new Map([
    ['instance', new Map([['server', ['coin-instance.ts -> coin-server']]])],
    [
      'server',
      new Map([
        ['instance', ['log-routes.ts -> log-store']],
        ['store', ['x -> y']],
      ]),
    ],
    ['store', new Map<string, string[]>()],
  ]);
  expect(twoWayArrows(graph)).toEqual([
    'instance <-> server: coin-instance.ts -> coin-server, log-routes.ts -> log-store',
  ]);
});
