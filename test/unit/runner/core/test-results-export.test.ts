// The two export formats of an integration's test results (runner/core/test-results-export.ts):
// one JSON object per line, and JUnit XML that test-report.ts reads back to the same results.
import { expect, test } from 'vitest';
import { parseTestReport, type TestResult } from '../../../../runner/core/test-report';
import {
  escapeXml,
  testResultsJsonLines,
  testResultsJunit,
  type TestResultsExport,
} from '../../../../runner/core/test-results-export';

const results: TestResult[] = [
  { name: 'tst_A::one', outcome: 'passed', attempts: 1, durationMs: 1500 },
  { name: 'tst_A::two', outcome: 'failed', attempts: 3, durationMs: 7, message: 'x < y & "z"' },
  { name: 'tst_b', outcome: 'flaky', attempts: 3, durationMs: 0, message: 'timed out' },
  { name: 'tst_A::three', outcome: 'skipped', attempts: 1, durationMs: 0, message: 'no GPU' },
];

const data: TestResultsExport = {
  task: { id: 't1', project: 'qt/qtsvg', branch: 'dev', sha: 'abc' },
  items: [
    { id: 't1.build.qt_qtsvg.linux', kind: 'build', configuration: 'linux', results: [] },
    { id: 't1.test.qt_qtsvg.linux', kind: 'test', configuration: 'linux', results },
  ],
};

test('JSON lines: one object per result with what names it; nothing at all without results', () => {
  const lines = testResultsJsonLines(data).split('\n');
  expect(lines).toHaveLength(5);
  expect(lines[4]).toBe('');
  expect(JSON.parse(lines[1]!)).toEqual({
    task: 't1',
    project: 'qt/qtsvg',
    branch: 'dev',
    sha: 'abc',
    workItem: 't1.test.qt_qtsvg.linux',
    kind: 'test',
    configuration: 'linux',
    name: 'tst_A::two',
    outcome: 'failed',
    attempts: 3,
    durationMs: 7,
    message: 'x < y & "z"',
  });
  expect(testResultsJsonLines({ ...data, items: [] })).toBe('');
});

test('JUnit XML: a suite per work item with results, read back to the same names, outcomes and messages', () => {
  const xml = testResultsJunit(data);
  expect(xml).toContain('<testsuites name="t1" tests="4" failures="1" skipped="1" time="1.507">');
  expect(xml).toContain('<testsuite name="qt/qtsvg test on linux" id="t1.test.qt_qtsvg.linux"');
  expect(xml).not.toContain('t1.build.qt_qtsvg.linux');
  expect(xml).toContain('<testcase classname="tst_A" name="two" time="0.007">');
  const back = parseTestReport(xml);
  expect(back).toEqual(
    results.map((r) => (r.outcome === 'failed' ? { ...r, attempts: 1 } : r)), // JUnit keeps a failure's runs as a property only
  );
  expect(xml).toContain('<property name="coin.attempts" value="3"/>');
});

test('XML text loses control characters and escapes markup', () => {
  expect(escapeXml('a<b>&"c"\u0001\u001b\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot;\n');
});
