#!/usr/bin/env node
// Renders docs/**/*.md to HTML in build/out/docs (served later by the runner at /coin/doc).
// Links between Markdown pages are rewritten to the rendered pages.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';

const root = path.resolve(import.meta.dirname, '..');
const source = path.join(root, 'docs');
const target = path.join(root, 'build', 'out', 'docs');

const escapeHtml = (text) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Coin Admin docs</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;line-height:1.5}
pre{background:#f3f4f6;padding:.8em;overflow:auto}code{font-family:ui-monospace,monospace}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px}</style></head>
<body>${body}</body></html>
`;
}

function render(file) {
  const markdown = readFileSync(path.join(source, file), 'utf8');
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1] ?? file;
  const html = marked.parse(markdown.replace(/\]\(([^)#]+)\.md(#[^)]*)?\)/g, ']($1.html$2)'));
  const out = path.join(target, file.replace(/\.md$/, '.html'));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, page(title, html));
}

rmSync(target, { recursive: true, force: true });
const files = readdirSync(source, { recursive: true }).filter((f) => String(f).endsWith('.md'));
files.forEach((f) => render(String(f)));
// Pictures the pages show (docs/layers.svg, drawn by build/layers-svg.mjs) go along as they are.
for (const picture of readdirSync(source, { recursive: true }).filter((f) => String(f).endsWith('.svg'))) {
  mkdirSync(path.dirname(path.join(target, String(picture))), { recursive: true });
  writeFileSync(path.join(target, String(picture)), readFileSync(path.join(source, String(picture))));
}
process.stdout.write(`Rendered ${files.length} documentation pages to ${path.relative(root, target)}\n`);
