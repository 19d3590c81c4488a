// A build-only integration keeps every build (and other phases) as planned and drops the tests.
import { expect, test } from 'vitest';
import { withoutTestUnits } from '../../../../runner/core/build-only';
import type { WorkUnit } from '../../../../runner/core/work-unit';

const unit = (id: string, kind: string, dependsOn: string[] = []): WorkUnit => ({
  id,
  kind,
  project: 'qt/qtbase',
  repoPath: '/src/qtbase',
  sha: 'a'.repeat(40),
  configuration: 'linux',
  instructions: [],
  env: {},
  dependsOn,
  buildKey: kind === 'build' ? `key-${id}` : null,
  searchRoots: [],
  cores: null,
  insignificant: false,
  inputs: [],
});

test('test work items go, builds and other phases stay unchanged, nothing depends on a removed test', () => {
  const units = [
    unit('b1', 'build'),
    unit('t1', 'test', ['b1']),
    unit('lc', 'licensecheck'),
    unit('after', 'documentation', ['b1', 't1']),
  ];
  const kept = withoutTestUnits(units);
  expect(kept.map((u) => u.id)).toEqual(['b1', 'lc', 'after']);
  expect(kept[0]).toEqual(units[0]);
  expect(kept[2]!.dependsOn).toEqual(['b1']);
  expect(units[3]!.dependsOn).toEqual(['b1', 't1']);
});
