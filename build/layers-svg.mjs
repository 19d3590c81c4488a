#!/usr/bin/env node
// Draws docs/layers.svg from the lint layer table (build/lint/layers.js), so the picture of the
// layers cannot drift from the rules lint enforces: `node build/layers-svg.mjs` writes it, a unit
// test (test/unit/build/layers-svg.test.ts) fails when the committed picture is not what this draws.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layers } from './lint/layers.js';

const boxWidth = 210;
const boxHeight = 34;
const columnGap = 24;
const rowGap = 56;
const margin = 20;

/** The layers that are directories, and which of them each may import (its own excluded). */
function layerGraph() {
  const dirs = layers.map((l) => l.dir).filter((d) => !d.endsWith('.ts'));
  const covers = (allowed, dir) => dir === allowed || dir.startsWith(`${allowed}/`);
  const edges = new Map(
    dirs.map((dir) => {
      const layer = layers.find((l) => l.dir === dir);
      const targets = dirs.filter((d) => d !== dir && layer.mayImportDirs.some((a) => covers(a, d)));
      return [dir, targets];
    }),
  );
  return { dirs, edges };
}

/** Row of each layer: 0 for those that import no other layer, else one more than the highest it imports. */
function rows(dirs, edges) {
  const row = new Map();
  const visit = (dir, path = []) => {
    if (row.has(dir)) return row.get(dir);
    if (path.includes(dir)) return 0; // a cycle would be drawn flat rather than loop forever
    const below = edges.get(dir).map((d) => visit(d, [...path, dir]));
    const value = below.length === 0 ? 0 : Math.max(...below) + 1;
    row.set(dir, value);
    return value;
  };
  dirs.forEach((d) => visit(d));
  return row;
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** `runner (rest)` for a layer whose sub-folders are layers of their own. */
function label(dir, dirs) {
  return dirs.some((d) => d.startsWith(`${dir}/`)) ? `${dir} (rest)` : dir;
}

/** The SVG text of the layer picture. */
export function layersSvg() {
  const { dirs, edges } = layerGraph();
  const row = rows(dirs, edges);
  const top = Math.max(...row.values());
  const byRow = Array.from({ length: top + 1 }, (_, r) => dirs.filter((d) => row.get(d) === r).sort());
  const widest = Math.max(...byRow.map((r) => r.length));
  const width = margin * 2 + widest * boxWidth + (widest - 1) * columnGap;
  const height = margin * 2 + (top + 1) * boxHeight + top * rowGap;
  const at = new Map();
  byRow.forEach((names, r) => {
    const rowWidth = names.length * boxWidth + (names.length - 1) * columnGap;
    const x0 = (width - rowWidth) / 2;
    const y = margin + (top - r) * (boxHeight + rowGap);
    names.forEach((name, i) => at.set(name, { x: x0 + i * (boxWidth + columnGap), y }));
  });
  const arrows = [...edges].flatMap(([from, targets]) =>
    targets.map((to) => {
      const a = at.get(from);
      const b = at.get(to);
      const x1 = a.x + boxWidth / 2;
      const x2 = b.x + boxWidth / 2;
      return `  <line x1="${x1}" y1="${a.y + boxHeight}" x2="${x2}" y2="${b.y}" class="may-import"/>`;
    }),
  );
  const boxes = [...at].map(
    ([name, { x, y }]) =>
      `  <g><rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="6"/>` +
      `<text x="${x + boxWidth / 2}" y="${y + boxHeight / 2 + 5}">${escape(label(name, dirs))}</text></g>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '  <title>Coin Admin layers: a line goes down from a part to a part it may import (build/lint/layers.js)</title>',
    '  <style>rect{fill:#eef2f7;stroke:#57606a}text{font:13px sans-serif;text-anchor:middle;fill:#1f2328}' +
      '.may-import{stroke:#8c959f;stroke-width:1}</style>',
    '  <defs/>',
    ...arrows,
    ...boxes,
    '</svg>',
    '',
  ].join('\n');
}

export const layersSvgFile = path.resolve(import.meta.dirname, '..', 'docs', 'layers.svg');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(layersSvgFile, layersSvg());
  process.stdout.write(`wrote ${path.relative(process.cwd(), layersSvgFile)}\n`);
}
