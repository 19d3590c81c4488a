#!/usr/bin/env node
// `npm test`: every check the project has, in order, then one summary. Lint, formatting and the
// type check count as one test each; the unit, integration and e2e suites count their tests.
// Every step runs even after a failure, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const jsonDir = mkdtempSync(path.join(os.tmpdir(), 'coin-admin-test-report-'));
const jsonFile = path.join(jsonDir, 'vitest.json');

const checks = [
  { name: 'lint', argv: [bin('eslint'), '--config', 'build/eslint.config.js', '--max-warnings', '0', '.'] },
  {
    name: 'format',
    argv: [process.execPath, 'node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.'],
  },
  { name: 'typecheck', argv: [bin('tsc'), '-b'] },
];
const suites = {
  name: 'tests (unit, integration, e2e)',
  argv: [bin('vitest'), 'run', '--config', 'test/vitest.config.ts'],
};

function run(step, env = {}) {
  process.stdout.write(`\n=== ${step.name} ===\n`);
  const started = Date.now();
  const result = spawnSync(step.argv[0], step.argv.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return { name: step.name, ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

function readCounts() {
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests,
    };
  } catch {
    return null;
  }
}

const results = checks.map((step) => run(step));
const suiteResult = run(suites, { COIN_TEST_JSON: jsonFile });
const counts = readCounts();
rmSync(jsonDir, { recursive: true, force: true });

process.stdout.write('\n=== summary ===\n');
for (const r of [...results, suiteResult]) {
  process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(32)} ${r.seconds.toFixed(1)} s\n`);
}
const checksPassed = results.filter((r) => r.ok).length;
const checksFailed = results.length - checksPassed;
// A suite that crashed before writing its report counts as one failure.
const suiteCounts = counts ?? { passed: 0, failed: suiteResult.ok ? 0 : 1, skipped: 0 };
if (!suiteResult.ok && suiteCounts.failed === 0) suiteCounts.failed = 1;
const passed = checksPassed + suiteCounts.passed;
const failed = checksFailed + suiteCounts.failed;
const skipped = suiteCounts.skipped ? `, ${suiteCounts.skipped} skipped` : '';
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped}\n`);
process.exitCode = failed === 0 ? 0 : 1;
