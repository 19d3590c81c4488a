#!/usr/bin/env node
// `npm run bench:runner [overhead] [reuse] [log]`: the runner's part of `npm run bench` alone
// (bench-runner.mjs), without the browser and the sockets; all three when none is named. Not part
// of npm test. Each line is a measurement against its baseline, taken in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { items, log, reuse } from './bench-runner.mjs';

const s = (v) => `${v.toFixed(2)} s`;
const runs = {
  async overhead(root) {
    const r = await items(root, 200);
    return `overhead: ${r.count} work items ${s(r.runner)} (coin integrate --wait ${s(r.cli)}) vs spawning true 200 times ${s(r.baseline)} = ${r.ratio.toFixed(2)}x (aim <= 3x)`;
  },
  async reuse(root) {
    const r = await reuse(root);
    return `reuse: second integration ${s(r.second)} vs the first ${s(r.first)} = ${r.ratio.toFixed(3)} (aim <= 0.1)`;
  },
  async log(root) {
    const r = await log(root, 50);
    return `log: 50 MB through the runner ${s(r.runner)} vs into a file ${s(r.baseline)} = ${r.ratio.toFixed(2)}x (aim <= 2x); viewer got ${r.viewerLines} of ${r.expectedLines} lines`;
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in runs));
if (unknown.length > 0) {
  console.error(`unknown measurement ${unknown.join(', ')}: choose from ${Object.keys(runs).join(', ')}`);
  process.exit(2);
}
const root = mkdtempSync(path.join(os.tmpdir(), 'coin-bench-'));
try {
  for (const [name, run] of Object.entries(runs))
    if (wanted.length === 0 || wanted.includes(name)) console.log(await run(root));
} finally {
  rmSync(root, { recursive: true, force: true });
}
