import { expect, test } from 'vitest';
import { checkRuntimeConfig } from '../../../../runner/core/runtime-config/config-check';
import { runtimeConfigFieldDocs } from '../../../../runner/core/runtime-config/config-docs';
import {
  fieldTree,
  formPlaceOf,
  newElementOf,
  placeDiagnostics,
  type FieldNode,
} from '../../../../renderer/src/areas/configuration/field-tree';

function flatten(nodes: readonly FieldNode[]): string[] {
  return nodes.flatMap((n) => [n.doc.path, ...flatten(n.children)]);
}

test('the form has a field for every documented field of the schema, nested as the schema is', () => {
  const tree = fieldTree();
  expect(flatten(tree).sort()).toEqual(
    runtimeConfigFieldDocs()
      .map((d) => d.path)
      .sort(),
  );
  expect(tree.map((n) => n.key)).toEqual(['gerrit_monitor', 'opennebula']);
  const sched = tree[1]!.children[0]!;
  expect([sched.doc.type, sched.children.map((c) => c.key)]).toEqual([
    'list of objects',
    ['SCHED_REQUIREMENTS', 'match'],
  ]);
  expect(newElementOf(sched)).toEqual({ SCHED_REQUIREMENTS: '', match: {} });
});

test('each problem is placed at the deepest field or row of the form its path reaches', () => {
  const tree = fieldTree();
  expect(formPlaceOf(tree, [])).toEqual([]);
  expect(formPlaceOf(tree, ['gerrit_monitor', 'parallel_integration_delay'])).toEqual([
    'gerrit_monitor',
    'parallel_integration_delay',
  ]);
  expect(formPlaceOf(tree, ['gerrit_monitor', 'parallel_project_rules', 2])).toEqual([
    'gerrit_monitor',
    'parallel_project_rules',
    2,
  ]);
  expect(
    formPlaceOf(tree, ['gerrit_monitor', 'parallel_integration_dealy']),
    'an unknown key: its section',
  ).toEqual(['gerrit_monitor']);
  expect(formPlaceOf(tree, ['opennebula', 'sched_rules', 1, 'match', 'target.os'])).toEqual([
    'opennebula',
    'sched_rules',
    1,
    'match',
    'target.os',
  ]);
  expect(formPlaceOf(tree, ['opennebula', 'sched_rules', 1, 'SCHED_REQ'])).toEqual([
    'opennebula',
    'sched_rules',
    1,
  ]);
  expect(formPlaceOf(tree, ['sched_rules'])).toEqual([]);
});

test('the check of a real mistake lands at its field', () => {
  const check = checkRuntimeConfig(
    '{"gerrit_monitor": {"parallel_integration_dealy": 5, "parallel_project_rules": ["ok", "qt/(a"]}, "x": 1}',
  );
  const placed = placeDiagnostics(fieldTree(), check.diagnostics);
  expect([...placed.keys()].sort()).toEqual(
    ['[]', '["gerrit_monitor"]', '["gerrit_monitor","parallel_project_rules",1]'].sort(),
  );
  expect(placed.get('["gerrit_monitor"]')![0]!.message).toContain(
    'did you mean "parallel_integration_delay"?',
  );
  expect(placed.get('["gerrit_monitor","parallel_project_rules",1]')![0]!.message).toContain(
    'invalid regular expression "qt/(a"',
  );
});
