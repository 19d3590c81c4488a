/**
 * An integration's test results, exported for tools outside the instance (flakiness dashboards,
 * CI report viewers), in two documented formats (docs/runner.md):
 *
 * - JSON lines (`application/x-ndjson`): one object per test result, in work item order:
 *   `{task, project, branch, sha, workItem, kind, configuration, name, outcome, attempts,
 *   durationMs, message?}`; `outcome` is passed, failed, flaky (failed, then passed when run
 *   again) or skipped.
 * - JUnit XML: one `<testsuites>` document, one `<testsuite>` per work item that reported
 *   results (its id in `id`, the task, work item and configuration as `<properties>`), one
 *   `<testcase>` per result: `classname`/`name` split at the first `::` of the name; a failure is
 *   `<failure>`, a skip `<skipped>`, a flaky test passed with one `<flakyFailure>` per failed run
 *   (the Maven surefire extension); `coin.attempts` as a property of the test case. Reading it back
 *   with test-report.ts gives the same results.
 */
import type { TestResult } from './test-report';

/** One work item's results, with what names it. */
export interface WorkItemResults {
  readonly id: string;
  readonly kind: string;
  readonly configuration: string;
  readonly results: readonly TestResult[];
}

/** What an export is made of: the task and its work items' results, in work item order. */
export interface TestResultsExport {
  readonly task: {
    readonly id: string;
    readonly project: string;
    readonly branch: string;
    readonly sha: string | null;
  };
  readonly items: readonly WorkItemResults[];
}

/** The formats of an export, by the name the API and the CLI take. */
export const testResultFormats = {
  jsonl: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl' },
  junit: { contentType: 'application/xml; charset=utf-8', extension: 'xml' },
} as const;

export type TestResultFormat = keyof typeof testResultFormats;

/** The export as JSON lines (each line ends with a newline; none for no results). */
export function testResultsJsonLines(data: TestResultsExport): string {
  const { task } = data;
  const lines = data.items.flatMap((item) =>
    item.results.map((result) =>
      JSON.stringify({
        task: task.id,
        project: task.project,
        branch: task.branch,
        sha: task.sha,
        workItem: item.id,
        kind: item.kind,
        configuration: item.configuration,
        name: result.name,
        outcome: result.outcome,
        attempts: result.attempts,
        durationMs: result.durationMs,
        ...(result.message !== undefined ? { message: result.message } : {}),
      }),
    ),
  );
  return lines.map((line) => `${line}\n`).join('');
}

/** Whether XML 1.0 allows the character (tab, newline and carriage return are the only controls). */
function xmlChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Text for an XML attribute or element: markup escaped, characters XML cannot hold dropped. */
export function escapeXml(text: string): string {
  return [...text]
    .filter(xmlChar)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function counts(results: readonly TestResult[]) {
  const failures = results.filter((r) => r.outcome === 'failed').length;
  const skipped = results.filter((r) => r.outcome === 'skipped').length;
  const time = results.reduce((sum, r) => sum + r.durationMs, 0);
  return { tests: results.length, failures, skipped, time: seconds(time) };
}

function testCase(result: TestResult): string[] {
  const cut = result.name.indexOf('::');
  const names =
    cut > 0
      ? { classname: result.name.slice(0, cut), name: result.name.slice(cut + 2) }
      : { classname: result.name, name: result.name };
  const message = result.message ?? result.outcome;
  const inner: string[] = [
    `      <properties><property name="coin.attempts" value="${result.attempts}"/></properties>`,
  ];
  if (result.outcome === 'failed') inner.push(`      <failure${attributes({ message })}/>`);
  if (result.outcome === 'skipped') inner.push(`      <skipped${attributes({ message })}/>`);
  if (result.outcome === 'flaky') {
    for (let run = 1; run < result.attempts; run++)
      inner.push(`      <flakyFailure${attributes({ message })}/>`);
  }
  return [
    `    <testcase${attributes({ ...names, time: seconds(result.durationMs) })}>`,
    ...inner,
    '    </testcase>',
  ];
}

function testSuite(data: TestResultsExport, item: WorkItemResults): string[] {
  const properties = {
    'coin.task': data.task.id,
    'coin.workItem': item.id,
    'coin.configuration': item.configuration,
  };
  return [
    `  <testsuite${attributes({ name: `${data.task.project} ${item.kind} on ${item.configuration}`, id: item.id, ...counts(item.results) })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attributes({ name, value })}/>`),
    '    </properties>',
    ...item.results.flatMap(testCase),
    '  </testsuite>',
  ];
}

/** The export as one JUnit XML document. */
export function testResultsJunit(data: TestResultsExport): string {
  const items = data.items.filter((item) => item.results.length > 0);
  const all = items.flatMap((item) => item.results);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: data.task.id, ...counts(all) })}>`,
    ...items.flatMap((item) => testSuite(data, item)),
    '</testsuites>',
    '',
  ].join('\n');
}

/** The export in `format`. */
export function formatTestResults(data: TestResultsExport, format: TestResultFormat): string {
  return format === 'junit' ? testResultsJunit(data) : testResultsJsonLines(data);
}
