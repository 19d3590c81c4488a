// RunQtUnitTest repetitions (flaky is not a pass) and ScheduleUploadTestResults collecting the
// reports written into the testresults directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { instruction, makeAgentWorkArea, shell, type AgentWorkArea } from './agent-work-area';

let area: AgentWorkArea | undefined;
afterEach(async () => {
  await area?.root.remove();
  area = undefined;
});

/** A test that fails until it has run `failures` times (counted in a file). */
const flakyScript = (failures: number) =>
  `n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "run $n"; [ $n -gt ${failures} ]`;

const runTest = (failures: number, allowance: number) =>
  instruction(
    'RunQtUnitTest',
    {
      runTestCommand: ['sh', '-c', flakyScript(failures)],
      directory: '{{.SourceDir}}',
      testRepetitionAllowance: allowance,
    },
    { userMessageOnFailure: 'Running tests failed.' },
  );

describe('RunQtUnitTest', () => {
  test('a test that fails and then passes within the allowance is flaky, and the work item passes', async () => {
    area = await makeAgentWorkArea();
    const result = await area.run(runTest(2, 3));
    expect(result.passed).toBe(true);
    expect(result.testResults).toEqual([
      expect.objectContaining({
        outcome: 'flaky',
        attempts: 3,
        name: 'src',
        message: 'command exited with code 1',
      }),
    ]);
    expect(area.lines.filter((l) => l.startsWith('run '))).toEqual(['run 1', 'run 2', 'run 3']);
    expect(area.lines).toContain('test src: FLAKY after 3 run(s): command exited with code 1');
  });

  test('a test that passes at once is passed; one that fails beyond the allowance fails the work item', async () => {
    area = await makeAgentWorkArea();
    expect((await area.run(runTest(0, 2))).testResults.map((r) => [r.outcome, r.attempts])).toEqual([
      ['passed', 1],
    ]);
    await writeFile(area.at('work', 'src', 'count'), '0');
    const failed = await area.run(runTest(5, 1));
    expect(failed.failure).toMatchObject({
      kind: 'test',
      message: expect.stringMatching(
        /^Running tests failed\. \(test src failed 2 time\(s\): command exited with code 1: sh -c /,
      ),
    });
    expect(failed.testResults.at(-1)).toMatchObject({ outcome: 'failed', attempts: 2 });
  });

  test('a result is named after its test program, never after the command line and its paths', async () => {
    area = await makeAgentWorkArea();
    await writeFile(area.at('work', 'src', 'tst_widget.sh'), 'echo "FAIL!  : tst_Widget::paint()"; exit 1\n');
    const result = await area.run(
      instruction('RunQtUnitTest', { runTestCommand: 'sh {{.SourceDir}}/tst_widget.sh -v2', directory: '.' }),
    );
    expect(result.testResults).toEqual([
      expect.objectContaining({
        name: 'tst_widget',
        outcome: 'failed',
        message: 'command exited with code 1',
      }),
    ]);
    expect(result.failure?.message).toMatch(
      /^test tst_widget failed 1 time\(s\): command exited with code 1: sh \//,
    );
  });

  test('each run has the time limit, and a timeout names it', async () => {
    area = await makeAgentWorkArea();
    const result = await area.run(
      instruction(
        'RunQtUnitTest',
        { runTestCommand: 'sleep 5', directory: '.', testRepetitionAllowance: 1 },
        { maxTimeBetweenOutput: 1 },
      ),
    );
    expect(result.failure?.message).toMatch(
      /failed 2 time\(s\): command exceeded maxTimeBetweenOutput \(1 s\)/,
    );
  });
});

describe('ScheduleUploadTestResults', () => {
  test('reports in the testresults directory are read when the list ends, even after a failure, and uploaded', async () => {
    area = await makeAgentWorkArea();
    const junit =
      '<testsuite><testcase name="tst_a" classname="tst_a" time="0.5"/><testcase name="tst_b" classname="tst_b"><failure message="Failed"/></testcase></testsuite>';
    const result = await area.run(
      instruction('ScheduleUploadTestResults'),
      instruction('EnvironmentVariable', {
        variableName: 'COIN_CTEST_RESULTSDIR',
        variableValue: '{{.AgentWorkingDir}}/testresults',
      }),
      instruction('MakeDirectory', { directory: '{{.Env.COIN_CTEST_RESULTSDIR}}' }),
      instruction('WriteFile', {
        filename: '{{.Env.COIN_CTEST_RESULTSDIR}}/test_summary.ctest_junit_xml',
        fileContents: junit,
      }),
      instruction('WriteFile', {
        filename: '{{.Env.COIN_CTEST_RESULTSDIR}}/LastTest.log',
        fileContents: 'log',
      }),
      instruction('WriteFile', {
        filename: '{{.Env.COIN_CTEST_RESULTSDIR}}/broken.xml',
        fileContents: '<testsuite>',
      }),
      shell('exit 8', { userMessageOnFailure: 'Failed to run tests.' }),
    );
    expect(result.failure?.message).toBe('Failed to run tests. (command exited with code 8: sh -c exit 8)');
    expect(result.testResults.map((r) => [r.name, r.outcome])).toEqual([
      ['tst_a', 'passed'],
      ['tst_b', 'failed'],
    ]);
    expect(area.lines.some((l) => l.startsWith('test report broken.xml skipped: line 1'))).toBe(true);
    const [upload] = area.channel.ofType('UploadTestResults');
    expect(await area.channel.contents(upload!.key)).toEqual([
      'LastTest.log',
      'broken.xml',
      'test_summary.ctest_junit_xml',
    ]);
    expect(area.ctx.uploaded).toEqual([upload!.key]);
  });

  test('nothing scheduled, nothing collected; scheduled without results is not a failure', async () => {
    area = await makeAgentWorkArea();
    await mkdir(area.at('work', 'testresults'));
    await writeFile(area.at('work', 'testresults', 'x.xml'), '<testsuite><testcase name="t"/></testsuite>');
    expect((await area.run(shell('true'))).testResults).toEqual([]);
    await area.root.remove();
    area = await makeAgentWorkArea();
    const result = await area.run(instruction('ScheduleUploadTestResults'));
    expect(result.passed).toBe(true);
    expect(area.lines.some((l) => /^no test results in .*testresults \(it does not exist\)$/.test(l))).toBe(
      true,
    );
  });
});
