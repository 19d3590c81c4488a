import { expect, test } from 'vitest';
import { workItemId } from '../../../../runner/core/phase-instructions';
import { takenFromFirstRun, type RetryUnit } from '../../../../runner/core/retry-plan';

const unit = (task: string, kind: string, config: string, dependsOn: string[] = []): RetryUnit => ({
  id: workItemId(task, kind, 'qt/qtsvg', config),
  kind,
  project: 'qt/qtsvg',
  configuration: config,
  dependsOn,
});

test('a retry takes what passed and runs the failed item and what depends on it', () => {
  const buildA = unit('new', 'build', 'a');
  const testA = unit('new', 'test', 'a', [buildA.id]);
  const buildB = unit('new', 'build', 'b');
  const testB = unit('new', 'test', 'b', [buildB.id]);
  const first = [
    { id: workItemId('old', 'build', 'qt/qtsvg', 'a'), state: 'Done' as const },
    { id: workItemId('old', 'test', 'qt/qtsvg', 'a'), state: 'Failed' as const },
    { id: workItemId('old', 'build', 'qt/qtsvg', 'b'), state: 'Cancelled' as const },
    { id: workItemId('old', 'test', 'qt/qtsvg', 'b'), state: 'Done' as const },
  ];
  const taken = takenFromFirstRun([buildA, testA, buildB, testB], 'old', first);
  // testB passed, but the build it depends on runs again: it runs again too.
  expect([...taken.keys()]).toEqual([buildA.id]);
  expect(taken.get(buildA.id)).toEqual(first[0]);
});

test('a unit with no counterpart in the first run runs', () => {
  expect(takenFromFirstRun([unit('new', 'build', 'c')], 'old', []).size).toBe(0);
});
