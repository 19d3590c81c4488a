// The executor's walk on real processes: executeOn, Groups, executeOnTarget/resetError, the
// failure the user sees, limits, runtime conditions and the types that cannot run here.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { group, instruction, makeAgentWorkArea, shell, type AgentWorkArea } from './agent-work-area';

let area: AgentWorkArea | undefined;
afterEach(async () => {
  await area?.root.remove();
  area = undefined;
});

async function workArea(): Promise<AgentWorkArea> {
  area = await makeAgentWorkArea();
  return area;
}

describe('executeInstructions', () => {
  test('after a failure only executeOn always/failure run, and the first failure is the result', async () => {
    const a = await workArea();
    const result = await a.run(
      shell('touch ran-1'),
      shell('exit 4', { userMessageOnFailure: 'Failed to build sources.\n' }),
      shell('touch skipped'),
      shell('touch on-failure', { executeOn: 'failure' }),
      shell('exit 5', { executeOn: 'always' }),
      shell('touch always', { executeOn: 'always' }),
    );
    expect(result.passed).toBe(false);
    expect(result.failure).toEqual({
      kind: 'build',
      message: 'Failed to build sources. (command exited with code 4: sh -c exit 4)',
      at: 'test.yaml:ExecuteCommand',
    });
    const src = a.ctx.dirs.sourceDir;
    expect(['ran-1', 'skipped', 'on-failure', 'always'].map((f) => existsSync(`${src}/${f}`))).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(a.lines.filter((l) => l.startsWith('FAILED'))).toHaveLength(2);
  });

  test('executeOn failure does not run when nothing failed; a Group passes its executeOn to its children', async () => {
    const a = await workArea();
    const result = await a.run(
      shell('touch not-yet', { executeOn: 'failure' }),
      shell('exit 1'),
      group([shell('touch cleanup-1'), shell('touch cleanup-2')], { executeOn: 'always' }),
      group([shell('touch never')]),
    );
    expect(result.passed).toBe(false);
    const src = a.ctx.dirs.sourceDir;
    expect(existsSync(`${src}/not-yet`)).toBe(false);
    expect(existsSync(`${src}/cleanup-1`) && existsSync(`${src}/cleanup-2`)).toBe(true);
    expect(existsSync(`${src}/never`)).toBe(false);
  });

  test('executeOnTarget + resetError: target, as cmake_run_ctest.yaml copies LastTest.log', async () => {
    const a = await workArea();
    const copy = (file: string, extra = {}, fields = {}) => shell(`cp ${file} copied.log`, extra, fields);
    const result = await a.run(
      shell('echo tmp > LastTest.log.tmp'),
      copy(
        'LastTest.log',
        { executeOn: 'always', userMessageOnFailure: 'Failed to copy LastTest.log' },
        { instructionName: 'Copy ctest log' },
      ),
      copy(
        'LastTest.log.tmp',
        { executeOn: 'failure' },
        { executeOnTarget: 'Copy ctest log', resetError: 'target' },
      ),
      shell('touch after'),
    );
    expect(result).toEqual({ passed: true, failure: null, testResults: [] });
    expect(existsSync(`${a.ctx.dirs.sourceDir}/after`)).toBe(true);
    expect(a.lines).toContain('the error of "Copy ctest log" is reset (resetError: target)');
  });

  test('a fallback for another instruction does not run, and a failed fallback keeps the error', async () => {
    const a = await workArea();
    const result = await a.run(
      shell('exit 2', {}, { instructionName: 'first' }),
      shell(
        'touch wrong-target',
        { executeOn: 'failure' },
        { executeOnTarget: 'other', resetError: 'target' },
      ),
      shell('exit 3', { executeOn: 'failure' }, { executeOnTarget: 'first', resetError: 'target' }),
    );
    expect(existsSync(`${a.ctx.dirs.sourceDir}/wrong-target`)).toBe(false);
    expect(result.failure?.message).toBe('command exited with code 2: sh -c exit 2');
  });

  test('ignoreExitCode keeps going after a non-zero exit, but not after a timeout', async () => {
    const a = await workArea();
    const ignored = await a.run(shell('exit 3', {}, { ignoreExitCode: true }), shell('touch next'));
    expect(ignored.passed).toBe(true);
    expect(a.lines).toContain('(exit code 3 ignored: ignoreExitCode)');
    const timedOut = await a.run(shell('sleep 5', { maxTimeInSeconds: 1 }, { ignoreExitCode: true }));
    expect(timedOut.failure?.message).toMatch(/exceeded maxTimeInSeconds \(1 s\)/);
  });

  test('templated limits are rendered; one that is not a number fails naming what it rendered to', async () => {
    const a = await workArea();
    a.ctx.env.CMAKE_BUILD_OUTPUT_TIMEOUT = '1';
    const silent = await a.run(
      shell('sleep 5', {
        maxTimeInSeconds: '{{.Env.CMAKE_BUILD_TIMEOUT}}',
        maxTimeBetweenOutput: '{{.Env.CMAKE_BUILD_OUTPUT_TIMEOUT}}',
      }),
    );
    expect(silent.failure?.message).toMatch(/^command exceeded maxTimeBetweenOutput \(1 s\) and was killed/);
    a.ctx.env.CMAKE_BUILD_TIMEOUT = 'soon';
    const bad = await a.run(shell('true', { maxTimeInSeconds: '{{.Env.CMAKE_BUILD_TIMEOUT}}' }));
    expect(bad.failure?.message).toBe(
      'maxTimeInSeconds "{{.Env.CMAKE_BUILD_TIMEOUT}}" rendered to "soon" is not a positive number of seconds',
    );
  });

  test('runtime conditions read the environment built so far', async () => {
    const a = await workArea();
    const when = (value: string | null) => ({
      runtimeCondition: {
        condition: { condition: 'runtime', env_var: 'COIN_FLAG', equals_value: value },
        negate: false,
        properties: {},
      },
    });
    await a.run(
      instruction('EnvironmentVariable', { variableName: 'COIN_FLAG', variableValue: 'on' }),
      shell('touch flag-on', when('on')),
      shell('touch flag-unset', when(null)),
    );
    expect(existsSync(`${a.ctx.dirs.sourceDir}/flag-on`)).toBe(true);
    expect(existsSync(`${a.ctx.dirs.sourceDir}/flag-unset`)).toBe(false);
  });

  test('types that need systems this instance lacks fail and say what is missing', async () => {
    const a = await workArea();
    const sign = await a.run(instruction('SignPackage', { directory: '{{.InstallRoot}}' }));
    expect(sign.failure).toMatchObject({
      kind: 'system',
      message: expect.stringMatching(/^SignPackage of .*install-root needs a code-signing service/),
    });
    const update = await a.run(instruction('UpdateRepo', { repos: ['kitware/cmake'] }));
    expect(update.failure?.message).toBe(
      "UpdateRepo of kitware/cmake needs Coin's repository mirror service, which this instance does not have",
    );
    const typo = await a.run(instruction('ExcuteCommand', { command: 'true' }));
    expect(typo.failure?.message).toBe('instruction type ExcuteCommand is not supported by this agent');
  });

  test('a cancelled work item stops the walk with one failure', async () => {
    const controller = new AbortController();
    area = await makeAgentWorkArea({}, controller.signal);
    controller.abort();
    const result = await area.run(shell('touch a'), shell('touch b', { executeOn: 'always' }));
    expect(result.failure).toMatchObject({ kind: 'system', message: 'the work item was cancelled' });
    expect(existsSync(`${area.ctx.dirs.sourceDir}/b`)).toBe(false);
  });
});
