import { expect, test } from 'vitest';
import {
  editText,
  readDocument,
  renameInText,
  setAt,
  valueAt,
} from '../../../../renderer/src/areas/configuration/config-document';

const commented = `{
  // how integrations start
  "gerrit_monitor": {
    "parallel_integration_delay": 600, // ten minutes
    "parallel_project_rules": [
      "qt/qtdeclarative/dev" // declarative may run in parallel
    ]
  },
  "opennebula": {
    "sched_rules": [
      { "SCHED_REQUIREMENTS": "NESTED_VIRT = true", "match": { "target.os": "QNX", "host.os": "Linux" } }
    ]
  }
}
`;

test('a document reads the value as written, counts problems, and an empty text is an empty object', () => {
  const doc = readDocument(commented);
  expect(valueAt(doc.value, ['gerrit_monitor', 'parallel_project_rules', 0])).toBe('qt/qtdeclarative/dev');
  expect(valueAt(doc.value, ['gerrit_monitor', 'disable_cherry_pick_delay'])).toBeUndefined();
  expect([doc.errors, doc.warnings]).toEqual([0, 0]);
  expect(readDocument('').value).toEqual({});
  expect(readDocument('').errors).toBe(1);
  expect(readDocument('{ "gerrit_monitor": ').value, 'an unfinished text is not editable').toBeUndefined();
  expect(readDocument('[1]').value, 'a list is not a configuration').toBeUndefined();
});

test('setAt copies along the path, creates missing objects and removes with undefined', () => {
  const value = { gerrit_monitor: { parallel_project_rules: ['a', 'b'] } };
  const added = setAt(value, ['opennebula', 'sched_rules', 0], { match: {} });
  expect(added).toEqual({ ...value, opennebula: { sched_rules: [{ match: {} }] } });
  expect(value).toEqual({ gerrit_monitor: { parallel_project_rules: ['a', 'b'] } });
  expect(setAt(value, ['gerrit_monitor', 'parallel_project_rules', 0], undefined)).toEqual({
    gerrit_monitor: { parallel_project_rules: ['b'] },
  });
  expect(setAt(value, ['gerrit_monitor'], undefined)).toEqual({});
  expect(setAt({ gerrit_monitor: 'oops' }, ['gerrit_monitor', 'parallel_integration_delay'], 5)).toEqual({
    gerrit_monitor: { parallel_integration_delay: 5 },
  });
});

test('a form edit rewrites only the changed value and keeps every comment', () => {
  const doc = readDocument(commented);
  const text = editText(doc, ['gerrit_monitor', 'parallel_project_rules', 0], 'qt/qtbase/.*');
  expect(text).toBe(commented.replace('"qt/qtdeclarative/dev"', '"qt/qtbase/.*"'));
  const removed = editText(readDocument(text), ['gerrit_monitor', 'parallel_integration_delay'], undefined);
  expect(removed).not.toContain('parallel_integration_delay');
  expect(removed).toContain('// declarative may run in parallel');
  expect(readDocument(removed).errors).toBe(0);
});

test('an edit of a text that cannot be read changes nothing; an empty text gets formatted JSON', () => {
  const broken = readDocument('{ "gerrit_monitor": ');
  expect(editText(broken, ['gerrit_monitor', 'parallel_integration_delay'], 5)).toBe('{ "gerrit_monitor": ');
  const fromEmpty = editText(readDocument(''), ['gerrit_monitor', 'parallel_integration_delay'], 5);
  expect(JSON.parse(fromEmpty)).toEqual({ gerrit_monitor: { parallel_integration_delay: 5 } });
});

test('renaming a match attribute changes the key where it is written, keeping the order', () => {
  const doc = readDocument(commented);
  const text = renameInText(doc, ['opennebula', 'sched_rules', 0, 'match'], 'target.os', 'target.osVersion');
  expect(text).toBe(commented.replace('"target.os": "QNX"', '"target.osVersion": "QNX"'));
  expect(renameInText(doc, ['opennebula', 'sched_rules', 0, 'match'], 'nope', 'x')).toBe(commented);
});
