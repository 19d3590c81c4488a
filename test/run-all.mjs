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

function readReport() {
  try {
    return JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch {
    return null;
  }
}

function readCounts(report) {
  if (!report) return null;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

// Only the end of a CI log may survive, so the summary names every failure itself: the file,
// the test (or the file's own hooks) and the first lines of the message, colour codes removed.
// A line as long as a Chromium command line would push the test's name out of that end, so lines
// are cut, and the names are listed once more, alone, just before the summary.
const maxMessageLines = 25;
const maxLineLength = 300;
function plain(text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
}
function cut(line) {
  return line.length > maxLineLength ? `${line.slice(0, maxLineLength)} ...` : line;
}
function shortMessage(text) {
  // Stack frames inside node_modules say nothing about the failure.
  const lines = plain(text)
    .split('\n')
    .filter((line) => !/^\s*at .*(node_modules|new Promise)/.test(line));
  const kept = lines.slice(0, maxMessageLines).map((line) => `      ${cut(line)}`);
  if (lines.length > maxMessageLines) kept.push(`      ... (${lines.length - maxMessageLines} more lines)`);
  return kept.join('\n');
}
/** Each failure as its title (file and test) and its shortened message. */
function describeFailures(report) {
  if (!report || !Array.isArray(report.testResults)) return [];
  const out = [];
  for (const file of report.testResults) {
    const name = path.relative(root, file.name ?? '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) {
      const messages = t.failureMessages ?? [];
      const count = messages.length > 1 ? ` (${messages.length} errors)` : '';
      out.push({
        title: `${name} > ${t.fullName ?? t.title}${count}`,
        message: shortMessage(messages.join('\n')),
      });
    }
    if (file.status === 'failed' && (failedTests.length === 0 || file.message)) {
      out.push({
        title: `${name} (the file's own hooks or loading)`,
        message: shortMessage(file.message || 'failed'),
      });
    }
  }
  return out;
}

const results = checks.map((step) => run(step));
const suiteResult = run(suites, { COIN_TEST_JSON: jsonFile });
const report = readReport();
const counts = readCounts(report);
const failures = describeFailures(report);
rmSync(jsonDir, { recursive: true, force: true });

if (failures.length > 0) {
  const detail = failures.map((f) => `  ${f.title}\n${f.message}`).join('\n');
  process.stdout.write(`\n=== failures (${failures.length}) ===\n${detail}\n`);
  process.stdout.write(`\n=== failed ===\n${failures.map((f) => `  ${f.title}`).join('\n')}\n`);
}
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
