/**
 * Test results of a work item, and the reports they are read from. The Qt test flow writes two
 * kinds of XML into `{{.AgentWorkingDir}}/testresults` (qtbase `cmake_run_ctest.yaml`):
 * - JUnit XML: CTest's `--output-junit .../test_summary.ctest_junit_xml` (one `<testcase>` per
 *   test executable, `status="run|fail|notrun|disabled"`), and QtTest's `-o file.xml,junitxml`
 *   (one `<testcase>` per test function). `<failure>`/`<error>` fail a case, `<skipped>` skips
 *   it, and a case with only `<flakyFailure>`/`<rerunFailure>` (the Maven surefire extension)
 *   failed and then passed: flaky.
 * - QtTest's own XML (`-o file.xml,xml`, what qt-testrunner writes): `<TestCase>` with
 *   `<TestFunction>`s whose `<Incident type=...>` say pass, fail, xfail, xpass, skip, or the
 *   blacklisted b* variants (which never fail a run).
 * A case is named `<class or test case>::<name>` (QtTest's own spelling), or just its name when
 * the class is the same (CTest).
 */
import { descendants, parseXml, type XmlElement } from './xml-lite';

/** How one test ended. `flaky`: it failed at least once and then passed. */
export type TestOutcome = 'passed' | 'failed' | 'flaky' | 'skipped';

/** One test's result as a work item reports it. */
export interface TestResult {
  name: string;
  outcome: TestOutcome;
  /** How many times it ran (a flaky test: its failures plus the pass). */
  attempts: number;
  durationMs: number;
  /** Why it failed or was skipped, when the tool said. */
  message?: string;
}

/** Thrown when a well-formed document is neither JUnit XML nor QtTest XML. */
export class UnknownReportError extends Error {}

function seconds(value: string | undefined): number {
  const parsed = Number.parseFloat(value ?? '');
  return Number.isFinite(parsed) && parsed > 0 ? Math.round(parsed * 1000) : 0;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined ? undefined : line.slice(0, 500);
}

function caseName(testcase: XmlElement): string {
  const name = testcase.attributes.name ?? '(unnamed)';
  const owner = testcase.attributes.classname;
  return owner && owner !== name ? `${owner}::${name}` : name;
}

function child(element: XmlElement, ...names: string[]): XmlElement | undefined {
  return element.children.find((c) => names.includes(c.name));
}

function junitCase(testcase: XmlElement): TestResult {
  const base = { name: caseName(testcase), attempts: 1, durationMs: seconds(testcase.attributes.time) };
  const failure = child(testcase, 'failure', 'error');
  if (failure) {
    return {
      ...base,
      outcome: 'failed',
      message: failure.attributes.message ?? firstLine(failure.text) ?? 'failed',
    };
  }
  const skipped = child(testcase, 'skipped');
  const status = testcase.attributes.status;
  if (skipped || status === 'notrun' || status === 'disabled') {
    const message = skipped?.attributes.message ?? firstLine(skipped?.text);
    return message ? { ...base, outcome: 'skipped', message } : { ...base, outcome: 'skipped' };
  }
  const reruns = testcase.children.filter((c) => c.name === 'flakyFailure' || c.name === 'rerunFailure');
  if (reruns.length > 0) {
    const message = reruns[0]!.attributes.message ?? firstLine(reruns[0]!.text);
    const flaky: TestResult = { ...base, outcome: 'flaky', attempts: reruns.length + 1 };
    return message ? { ...flaky, message } : flaky;
  }
  return { ...base, outcome: 'passed' };
}

const failingIncidents = new Set(['fail', 'xpass']);

function qtFunction(testCase: string, fn: XmlElement): TestResult {
  const incidents = fn.children.filter((c) => c.name === 'Incident');
  const skips = [...incidents, ...fn.children.filter((c) => c.name === 'Message')].filter(
    (c) => c.attributes.type === 'skip',
  );
  const durationMs = Math.round(Number.parseFloat(child(fn, 'Duration')?.attributes.msecs ?? '0') || 0);
  const base = { name: `${testCase}::${fn.attributes.name ?? '(unnamed)'}`, attempts: 1, durationMs };
  const failed = incidents.find((i) => failingIncidents.has(i.attributes.type ?? ''));
  const describe = (e: XmlElement) => firstLine(child(e, 'Description')?.text);
  if (failed) return { ...base, outcome: 'failed', message: describe(failed) ?? failed.attributes.type! };
  const passed = incidents.some((i) => i.attributes.type !== 'skip');
  if (!passed && skips.length > 0) {
    const message = describe(skips[0]!);
    return message ? { ...base, outcome: 'skipped', message } : { ...base, outcome: 'skipped' };
  }
  return { ...base, outcome: 'passed' };
}

/** The results in one report (JUnit XML or QtTest XML); throws XmlError or UnknownReportError. */
export function parseTestReport(text: string): TestResult[] {
  const root = parseXml(text);
  if (root.name === 'testsuites' || root.name === 'testsuite') {
    return descendants(root, 'testcase').map(junitCase);
  }
  if (root.name === 'TestCase') {
    const name = root.attributes.name ?? '(unnamed)';
    return root.children.filter((c) => c.name === 'TestFunction').map((fn) => qtFunction(name, fn));
  }
  throw new UnknownReportError(`<${root.name}> is neither JUnit XML nor QtTest XML`);
}

/** Counts per outcome, for summaries ("12 passed, 1 flaky"). */
export function countOutcomes(results: readonly TestResult[]): Record<TestOutcome, number> {
  const counts: Record<TestOutcome, number> = { passed: 0, failed: 0, flaky: 0, skipped: 0 };
  for (const result of results) counts[result.outcome]++;
  return counts;
}
