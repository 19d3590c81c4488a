/**
 * RunQtUnitTest and ScheduleUploadTestResults: running tests with repetitions, and collecting the
 * reports the tests write (see test-results.ts).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { TestResult } from '../../core/test-report';
import type { ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';
import { recordTestResult } from '../test-results';
import { describeOutcome, runLogged, stepArgv } from './command';
import { resolvePath, stringField, type Step } from './handler-kit';

function repetitionAllowance(step: Step): number {
  const raw = step.instruction.fields.testRepetitionAllowance;
  if (raw === undefined || raw === null) return 0;
  const text = typeof raw === 'string' ? step.render(raw).trim() : String(raw);
  const count = Number(text === '' ? 0 : text);
  if (!Number.isInteger(count) || count < 0) {
    throw new InstructionFailure(
      `RunQtUnitTest: testRepetitionAllowance ${JSON.stringify(raw)} is not a whole number >= 0`,
    );
  }
  return count;
}

/**
 * The name a RunQtUnitTest result goes by: its test program (`tst_qstring`) when the command
 * names one, else the test's directory; never the command line, whose paths are the agent's
 * temporary work area.
 */
export function unitTestName(argv: readonly string[], dir: string): string {
  const programs = argv.filter((a) => !a.startsWith('-')).map((a) => path.basename(a));
  const test = programs.find((p) => /^tst_\w+/.test(p));
  return test ? test.replace(/\.(exe|sh|py|bat)$/i, '') : path.basename(dir);
}

/**
 * RunQtUnitTest: run the test command in `directory`; when it fails, run it again, up to
 * `testRepetitionAllowance` more times. A test that fails and then passes is recorded as flaky
 * and does not fail the work item; one that fails every time does (a test failure). The limits
 * apply to each run. A cancelled work item or a command that cannot start is not repeated.
 */
export async function runQtUnitTest(step: Step, ctx: ActiveContext): Promise<void> {
  const argv = stepArgv(step, 'runTestCommand');
  const dir = resolvePath(ctx.cwd, stringField(step, 'directory'));
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new InstructionFailure(`RunQtUnitTest: ${dir} is not a directory`);
  }
  const runs = repetitionAllowance(step) + 1;
  const name = unitTestName(argv, dir);
  const started = Date.now();
  const problems: string[] = [];
  let lastProblem = '';
  const result = (outcome: TestResult['outcome']): TestResult => {
    const base: TestResult = {
      name,
      outcome,
      attempts: problems.length + (outcome === 'failed' ? 0 : 1),
      durationMs: Date.now() - started,
    };
    return problems.length > 0 ? { ...base, message: problems[0]! } : base;
  };
  for (let attempt = 1; attempt <= runs; attempt++) {
    const outcome = await runLogged(ctx, argv, dir, step.limits);
    const problem = describeOutcome(outcome, argv);
    if (!problem) return recordTestResult(ctx, result(problems.length === 0 ? 'passed' : 'flaky'));
    // the result's message without the command line (the log and the failure have it)
    problems.push(describeOutcome(outcome, [])!.replace(/:\s*$/, ''));
    lastProblem = problem;
    if (outcome.kind === 'aborted' || outcome.kind === 'spawn-failed') {
      recordTestResult(ctx, result('failed'));
      throw new InstructionFailure(problem, 'system');
    }
    if (attempt < runs) ctx.log(`test failed (run ${attempt} of at most ${runs}), running it again`);
  }
  recordTestResult(ctx, result('failed'));
  throw new InstructionFailure(`test ${name} failed ${runs} time(s): ${lastProblem}`, 'test');
}

/** ScheduleUploadTestResults: when the list ends, collect and upload the test reports. */
export async function scheduleUploadTestResults(_step: Step, ctx: ActiveContext): Promise<void> {
  ctx.run.testResultsScheduled = true;
  ctx.log(
    `test results in ${path.join(ctx.dirs.agentWorkingDir, 'testresults')} will be collected and uploaded at the end`,
  );
}
