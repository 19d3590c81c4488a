import { describe, expect, test } from 'vitest';
import { configurationVerdicts } from '../../../../runner/core/configuration-verdicts';
import { blockedByInsignificant } from '../../../../runner/core/work-scheduling';

describe('configurationVerdicts', () => {
  test('a plain configuration builds, tests, and every failure counts', () => {
    expect(configurationVerdicts(['Sccache'], [])).toEqual({
      testsBuildOf: null,
      runsTests: true,
      buildInsignificant: false,
      testInsignificant: false,
    });
  });
  test('TestOnly with a platform dependency tests on that build; without one it builds itself', () => {
    expect(configurationVerdicts(['TestOnly'], ['ubuntu-22.04']).testsBuildOf).toBe('ubuntu-22.04');
    expect(configurationVerdicts(['TestOnly'], []).testsBuildOf).toBeNull();
    expect(configurationVerdicts([], ['ubuntu-22.04']).testsBuildOf).toBeNull();
  });
  test.each(['DoNotRunTests', 'DisableTests'])('%s: no test item', (f) => {
    expect(configurationVerdicts([f], []).runsTests).toBe(false);
  });
  test('DoNotRunTestsButCreateTestWorkItem keeps the test item (its instructions decide what runs)', () => {
    expect(configurationVerdicts(['DoNotRunTestsButCreateTestWorkItem', 'TestOnly'], []).runsTests).toBe(
      true,
    );
  });
  test('Insignificant covers build and test; InsignificantTests only the test', () => {
    expect(configurationVerdicts(['Insignificant'], [])).toMatchObject({
      buildInsignificant: true,
      testInsignificant: true,
    });
    expect(configurationVerdicts(['InsignificantTests'], [])).toMatchObject({
      buildInsignificant: false,
      testInsignificant: true,
    });
  });
});

describe('blockedByInsignificant', () => {
  const item = (
    id: string,
    state: 'Queued' | 'Done' | 'Insignificant' | 'Failed',
    dependsOn: string[] = [],
  ) => ({
    id,
    state,
    dependsOn,
  });
  test('what waits on an insignificant failure, directly or through another item, is blocked', () => {
    const items = [
      item('dep', 'Insignificant'),
      item('build', 'Queued', ['dep']),
      item('test', 'Queued', ['build']),
      item('other', 'Queued', ['ok']),
      item('ok', 'Done'),
    ];
    expect(blockedByInsignificant(items).map((i) => i.id)).toEqual(['build', 'test']);
  });
  test('a significant failure blocks nothing here (the task fails instead)', () => {
    expect(blockedByInsignificant([item('b', 'Failed'), item('t', 'Queued', ['b'])])).toEqual([]);
  });
});
