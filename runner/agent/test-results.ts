/**
 * Test results on the agent: recording them, and what ScheduleUploadTestResults schedules. The
 * real instructions (qtbase `cmake_run_ctest.yaml`) schedule first and then point CTest and
 * qt-testrunner at `{{.AgentWorkingDir}}/testresults` (`COIN_CTEST_RESULTSDIR`); when the list
 * ends, passed or failed, the reports found there are read into the work item's test results and
 * the directory is uploaded as an artifact of transfer type `UploadTestResults`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { countOutcomes, parseTestReport, type TestResult } from '../core/test-report';
import type { ActiveContext } from './execution-context';
import { listFiles } from './handlers/file-list';

/** The transfer type the test results directory is uploaded as. */
export const testResultsTransferType = 'UploadTestResults';

/** Names of report files: `*.xml` (QtTest, JUnit), `*.ctest_junit_xml` (CTest), `*.junit`. */
const reportFile = /\.(xml|ctest_junit_xml|junit)$/i;

/** Add one result to the work item's results and say it in the log. */
export function recordTestResult(ctx: ActiveContext, result: TestResult): void {
  ctx.testResults.push(result);
  const detail = result.message ? `: ${result.message}` : '';
  ctx.log(`test ${result.name}: ${result.outcome.toUpperCase()} after ${result.attempts} run(s)${detail}`);
}

/** One line such as "12 passed, 1 flaky, 0 failed, 2 skipped". */
export function summarize(results: readonly TestResult[]): string {
  const counts = countOutcomes(results);
  return `${counts.passed} passed, ${counts.flaky} flaky, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/** Read every report under `dir`; a file that is not a readable report is named in the log and skipped. */
export async function readTestReports(dir: string, log: (line: string) => void): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const file of (await listFiles(dir)).filter((f) => reportFile.test(f))) {
    try {
      const found = parseTestReport(await readFile(path.join(dir, file), 'utf8'));
      log(`test report ${file}: ${summarize(found)}`);
      results.push(...found);
    } catch (error) {
      log(`test report ${file} skipped: ${(error as Error).message}`);
    }
  }
  return results;
}

/** The directories ScheduleUploadTestResults collects: the standard one and COIN_CTEST_RESULTSDIR. */
export function testResultDirs(ctx: ActiveContext): string[] {
  const dirs = [path.join(ctx.dirs.agentWorkingDir, 'testresults')];
  const configured = ctx.env.COIN_CTEST_RESULTSDIR;
  if (configured) dirs.push(path.resolve(ctx.dirs.agentWorkingDir, configured));
  return [...new Set(dirs)];
}

/** What ScheduleUploadTestResults scheduled: read the reports and upload each results directory. */
export async function collectScheduledTestResults(ctx: ActiveContext): Promise<void> {
  for (const dir of testResultDirs(ctx)) {
    if (!(await stat(dir).catch(() => null))?.isDirectory()) {
      ctx.log(`no test results in ${dir} (it does not exist)`);
      continue;
    }
    const found = await readTestReports(dir, (line) => ctx.log(line));
    ctx.testResults.push(...found);
    if ((await listFiles(dir)).length === 0) continue;
    ctx.uploaded.push(await ctx.artifacts.upload(dir, testResultsTransferType, (line) => ctx.log(line)));
  }
}
