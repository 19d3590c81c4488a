// Failures classified as Coin does (build, test, system, insignificant) and the stored reason
// taken apart into message, cause, command and place, on the reasons the runner really writes.
import { describe, expect, test } from 'vitest';
import {
  classifyFailure,
  failureHeadline,
  failureKindOf,
  maxFailedTests,
  splitFailureReason,
  type FailureInput,
} from '../../../../runner/core/failure-classification';
import type { TestResult } from '../../../../runner/core/test-report';

const at = 'demo/tool@6574a3c5abdc:coin/module_config.yaml:18:7';
const command =
  'sh /tmp/w/agents/local-1/work/wi-2/demo/tool/tests/tst_tool.sh /tmp/w/agents/local-1/work/wi-2/install/bin/tool --fail-fast';
const testReason = `The tests of the tool failed. (command exited with code 1: ${command}) (${at})`;

const failedTest = (name: string, message?: string): TestResult => ({
  name,
  outcome: 'failed',
  attempts: 1,
  durationMs: 3,
  ...(message ? { message } : {}),
});

function input(over: Partial<FailureInput>): FailureInput {
  return { phase: 'build', state: 'Failed', reportedKind: 'build', reason: testReason, ...over };
}

describe('classifyFailure', () => {
  test('a failed build phase is a build failure', () => {
    expect(classifyFailure(input({}))?.kind).toBe('build');
  });

  test('a failed test phase is a test failure, even when the agent reported the instruction as build', () => {
    const tests = [
      { name: 'tst_Tool::initTestCase', outcome: 'passed', attempts: 1, durationMs: 0 } as const,
      failedTest('tst_Tool::prints', 'Compared values are not the same'),
      { name: 'tst_Tool::flaky', outcome: 'flaky', attempts: 2, durationMs: 1 } as const,
    ];
    const failure = classifyFailure(input({ phase: 'test', reportedKind: 'build', tests }))!;
    expect(failure).toEqual({
      kind: 'test',
      failedTests: [{ name: 'tst_Tool::prints', message: 'Compared values are not the same', attempts: 1 }],
      failedTestCount: 1,
      message: 'The tests of the tool failed.',
      cause: 'command exited with code 1',
      command,
      at,
    });
    expect(failureHeadline(failure)).toBe(
      'Test failure: tst_Tool::prints failed: Compared values are not the same',
    );
  });

  test('system problems are system failures in any phase; another phase fails as a build', () => {
    const lost = 'agent local-7 disconnected while running the work item';
    expect(classifyFailure(input({ phase: 'test', reportedKind: 'system', reason: lost }))).toMatchObject({
      kind: 'system',
      message: lost,
      command: null,
    });
    expect(classifyFailure(input({ reportedKind: 'system', reason: 'no agent: quota' }))?.kind).toBe(
      'system',
    );
    expect(classifyFailure(input({ phase: 'licensecheck', reportedKind: 'build' }))?.kind).toBe('build');
    expect(failureKindOf('build', 'system')).toBe('system');
    expect(failureKindOf('test', 'build')).toBe('test');
    expect(failureKindOf('build', null)).toBe('build');
  });

  test('an insignificant work item is an insignificant failure; work that did not fail has none', () => {
    expect(classifyFailure(input({ state: 'Insignificant', phase: 'test' }))?.kind).toBe('insignificant');
    for (const state of ['Done', 'Queued', 'Running', 'Cancelled'] as const)
      expect(classifyFailure(input({ state }))).toBeNull();
  });

  test('failing tests are capped but counted, and the headline says how many more', () => {
    const tests = Array.from({ length: maxFailedTests + 5 }, (_, i) => failedTest(`tst_Many::f${i}`));
    const failure = classifyFailure(input({ phase: 'test', tests }))!;
    expect(failure.failedTests).toHaveLength(maxFailedTests);
    expect(failure.failedTestCount).toBe(maxFailedTests + 5);
    expect(failureHeadline(failure)).toBe(
      `Test failure: tst_Many::f0 failed (and ${maxFailedTests + 4} more failing tests)`,
    );
  });

  test('a test failure without parsed results leads with the module message', () => {
    const failure = classifyFailure(input({ phase: 'test', tests: [] }))!;
    expect(failureHeadline(failure)).toBe('Test failure: The tests of the tool failed');
    expect(classifyFailure(input({ reason: null }))!.message).toBe('');
    expect(failureHeadline(classifyFailure(input({ reason: null }))!)).toBe(
      'Build failure: the work item failed without saying why',
    );
  });
});

describe('splitFailureReason', () => {
  test('message, cause, command and place of ExecuteCommand with a userMessageOnFailure', () => {
    expect(splitFailureReason(testReason)).toEqual({
      message: 'The tests of the tool failed.',
      cause: 'command exited with code 1',
      command,
      at,
    });
  });

  test('a RunQtUnitTest failure keeps the test in the cause and the command apart', () => {
    const reason = `Running tests failed. (test tst_qstring failed 2 time(s): command exited with code 1: ./tst_qstring -o x.xml,xml) (qtbase@1:coin/t.yaml:3:5)`;
    expect(splitFailureReason(reason)).toEqual({
      message: 'Running tests failed.',
      cause: 'test tst_qstring failed 2 time(s): command exited with code 1',
      command: './tst_qstring -o x.xml,xml',
      at: 'qtbase@1:coin/t.yaml:3:5',
    });
  });

  test('without a userMessageOnFailure the outcome is the message', () => {
    expect(splitFailureReason('command was killed by SIGKILL: make -j4 (m/x@2:coin/b.yaml:1:1)')).toEqual({
      message: 'command was killed by SIGKILL',
      cause: null,
      command: 'make -j4',
      at: 'm/x@2:coin/b.yaml:1:1',
    });
    expect(
      splitFailureReason(
        'command exceeded maxTimeInSeconds (60 s) and was killed with its children: sleep 100',
      ),
    ).toMatchObject({ message: 'command exceeded maxTimeInSeconds (60 s) and was killed with its children' });
  });

  test('parentheses inside the command, balanced or not, stay in the command', () => {
    expect(
      splitFailureReason('Build failed. (command exited with code 2: sh -c (make) || (exit 2))'),
    ).toEqual({
      message: 'Build failed.',
      cause: 'command exited with code 2',
      command: 'sh -c (make) || (exit 2)',
      at: null,
    });
    expect(splitFailureReason("Build failed. (command exited with code 2: sh -c 'echo (')")).toEqual({
      message: 'Build failed.',
      cause: 'command exited with code 2',
      command: "sh -c 'echo ('",
      at: null,
    });
  });

  test('a reason that names no command is all message', () => {
    expect(splitFailureReason('an earlier work item failed')).toEqual({
      message: 'an earlier work item failed',
      cause: null,
      command: null,
      at: null,
    });
    expect(splitFailureReason('Uploading failed. (disk full)')).toEqual({
      message: 'Uploading failed.',
      cause: 'disk full',
      command: null,
      at: null,
    });
  });
});
