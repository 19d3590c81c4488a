import { describe, expect, test } from 'vitest';
import { cond, problemOf } from './condition-helpers';
import { parseCondition } from '../../../../../runner/core/coin-files/conditions';
import type { SourcePos } from '../../../../../runner/core/coin-files/source-pos';

describe('parsing conditions from the real files', () => {
  test("module_config's accept_configuration: features does not contain Disable", () => {
    const parsed = cond('condition: property\nproperty: features\nnot_contains_value: Disable\n');
    expect(parsed).toEqual({
      kind: 'property',
      property: 'features',
      test: { op: 'not_contains_value', value: 'Disable' },
      pos: { file: 'c.yaml', line: 1, column: 1 },
    });
  });

  test('an and of property conditions (prepare_building_env.yaml)', () => {
    const parsed = cond(`condition: and
conditions:
  - condition: property
    property: host.os
    equals_value: Windows
  - condition: property
    property: host.compiler
    contains_value: MSVC
`);
    expect(parsed.kind).toBe('and');
    expect(
      parsed.kind === 'and' && parsed.conditions.map((c) => c.kind === 'property' && [c.property, c.test]),
    ).toEqual([
      ['host.os', { op: 'equals_value', value: 'Windows' }],
      ['host.compiler', { op: 'contains_value', value: 'MSVC' }],
    ]);
  });

  test('each property operator becomes its typed test; null stays null', () => {
    const testOf = (line: string) => {
      const parsed = cond(`condition: property\nproperty: target.osVersion\n${line}\n`);
      return parsed.kind === 'property' ? parsed.test : null;
    };
    expect(testOf('equals_value: null')).toEqual({ op: 'equals_value', value: null });
    expect(testOf('not_equals_value: QNX')).toEqual({ op: 'not_equals_value', value: 'QNX' });
    expect(testOf('contains_value: "tqtc/"')).toEqual({ op: 'contains_value', value: 'tqtc/' });
    expect(testOf('not_contains_value: Mingw')).toEqual({ op: 'not_contains_value', value: 'Mingw' });
    expect(testOf('in_values: [QEMU, QNX_710, null]')).toEqual({
      op: 'in_values',
      values: ['QEMU', 'QNX_710', null],
    });
    expect(testOf('not_in_values: [WebAssembly, Android_ANY]')).toEqual({
      op: 'not_in_values',
      values: ['WebAssembly', 'Android_ANY'],
    });
    expect(testOf('equals_property: target.os')).toEqual({ op: 'equals_property', other: 'target.os' });
    expect(testOf('not_equals_property: host.arch')).toEqual({
      op: 'not_equals_property',
      other: 'host.arch',
    });
  });

  test('numbers and booleans are compared as their text', () => {
    const parsed = cond('condition: property\nproperty: target.osVersion\nin_values: [12, true]\n');
    expect(parsed.kind === 'property' && parsed.test).toEqual({ op: 'in_values', values: ['12', 'true'] });
  });

  test('a runtime condition keeps its variable name, which may be a template', () => {
    const parsed = cond(`condition: runtime
env_var: "{{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS"
not_equals_value: null
`);
    expect(parsed).toMatchObject({
      kind: 'runtime',
      envVar: '{{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS',
      envVarPos: { file: 'c.yaml', line: 2, column: 10 },
      test: { op: 'not_equals_value', value: null },
    });
    expect(cond('condition: runtime\nenv_var:  COIN_SKIP_DEBIAN\nequals_value: "1"\n')).toMatchObject({
      envVar: 'COIN_SKIP_DEBIAN',
      test: { op: 'equals_value', value: '1' },
    });
  });

  test('a parsed condition is plain data', () => {
    const parsed = cond(
      'condition: or\nconditions:\n  - {condition: runtime, env_var: A, contains_value: x}\n',
    );
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
  });
});

describe('condition errors name the place and what was expected', () => {
  const ops =
    'equals_value, not_equals_value, contains_value, not_contains_value, in_values, not_in_values, equals_property, not_equals_property';

  test('two operators: reported at the second one', () => {
    expect(problemOf('condition: property\nproperty: features\nequals_value: A\ncontains_value: B\n')).toBe(
      `c.yaml:4:17: a property condition needs exactly one of ${ops}, got equals_value and contains_value`,
    );
    expect(
      problemOf('condition: property\nproperty: f\nequals_value: A\nin_values: [B]\nequals_property: x\n'),
    ).toBe(
      `c.yaml:4:12: a property condition needs exactly one of ${ops}, got equals_value, in_values and equals_property`,
    );
  });

  test('no operator: reported at the condition', () => {
    expect(problemOf('condition: property\nproperty: features\n')).toBe(
      `c.yaml:1:1: a property condition needs exactly one of ${ops}, got none`,
    );
    expect(problemOf('condition: runtime\nenv_var: X\n')).toBe(
      'c.yaml:1:1: a runtime condition needs exactly one of equals_value, not_equals_value, contains_value, got none',
    );
  });

  test('an unknown kind suggests the nearest', () => {
    expect(problemOf('condition: propery\nproperty: features\nequals_value: A\n')).toBe(
      "c.yaml:1:12: unknown condition kind 'propery' (expected and, or, property, runtime); did you mean 'property'?",
    );
    expect(problemOf('condition: xor\nconditions: []\n')).toBe(
      "c.yaml:1:12: unknown condition kind 'xor' (expected and, or, property, runtime); did you mean 'or'?",
    );
    expect(problemOf('condition: environment\n')).toBe(
      "c.yaml:1:12: unknown condition kind 'environment' (expected and, or, property, runtime)",
    );
  });

  test('an unknown field suggests the nearest, or lists the allowed ones', () => {
    expect(problemOf('condition: property\nproperty: features\nequal_value: A\n')).toBe(
      "c.yaml:3:14: unknown field 'equal_value' in a property condition; did you mean 'equals_value'?",
    );
    expect(problemOf('condition: runtime\nenv_var: X\nin_values: [a]\n')).toBe(
      "c.yaml:3:12: unknown field 'in_values' in a runtime condition (allowed: condition, env_var, equals_value, not_equals_value, contains_value)",
    );
    expect(
      problemOf(
        'condition: and\nconditions: [{condition: property, property: a, equals_value: b}]\nproperty: x\n',
      ),
    ).toBe("c.yaml:3:11: unknown field 'property' in an 'and' condition (allowed: condition, conditions)");
  });

  test("a missing or wrong 'condition:'", () => {
    expect(problemOf('property: features\nequals_value: A\n')).toBe(
      "c.yaml:1:1: a condition needs 'condition:' (one of and, or, property, runtime), got none",
    );
    expect(problemOf('condition: [property]\n')).toBe(
      "c.yaml:1:12: a condition needs 'condition:' (one of and, or, property, runtime), got a list",
    );
  });

  test('a condition that is not a mapping is reported at the given place', () => {
    const at: SourcePos = { file: 'i.yaml', line: 9, column: 14 };
    expect(() => parseCondition('features', at)).toThrow(
      "i.yaml:9:14: a condition must be a mapping with 'condition: and|or|property|runtime', got a string",
    );
    expect(problemOf('- condition: property\n')).toBe(
      "c.yaml:1:1: a condition must be a mapping with 'condition: and|or|property|runtime', got a list",
    );
  });

  test('and/or need a non-empty list, and nested errors are reported where they are', () => {
    expect(problemOf('condition: or\n')).toBe(
      "c.yaml:1:1: an 'or' condition needs a non-empty 'conditions:' list, got none",
    );
    expect(problemOf('condition: and\nconditions: []\n')).toBe(
      "c.yaml:2:13: an 'and' condition needs a non-empty 'conditions:' list, got a list",
    );
    expect(problemOf('condition: and\nconditions: features\n')).toBe(
      "c.yaml:2:13: an 'and' condition needs a non-empty 'conditions:' list, got a string",
    );
    expect(
      problemOf(
        'condition: and\nconditions:\n  - condition: or\n    conditions:\n      - condition: propertee\n',
      ),
    ).toBe(
      "c.yaml:5:20: unknown condition kind 'propertee' (expected and, or, property, runtime); did you mean 'property'?",
    );
    expect(problemOf('condition: and\nconditions:\n  - features\n')).toBe(
      "c.yaml:3:5: a condition must be a mapping with 'condition: and|or|property|runtime', got a string",
    );
  });

  test('values of the wrong shape', () => {
    expect(problemOf('condition: property\nproperty: features\ncontains_value: null\n')).toBe(
      'c.yaml:3:17: contains_value needs a single value, got null',
    );
    expect(problemOf('condition: property\nproperty: features\nequals_value: [a]\n')).toBe(
      'c.yaml:3:15: equals_value needs a single value or null, got a list',
    );
    expect(problemOf('condition: property\nproperty: target.os\nin_values: QNX\n')).toBe(
      'c.yaml:3:12: in_values needs a list of values, got a string',
    );
    expect(problemOf('condition: property\nproperty: target.os\nnot_in_values: [QNX, [a]]\n')).toBe(
      'c.yaml:3:22: not_in_values[1] needs a single value or null, got a list',
    );
    expect(problemOf('condition: property\nproperty: target.os\nequals_property: null\n')).toBe(
      "c.yaml:3:18: a property condition needs 'equals_property:' naming a property, got null",
    );
    expect(problemOf('condition: runtime\nenv_var: X\ncontains_value: {a: b}\n')).toBe(
      'c.yaml:3:17: contains_value needs a single value, got a mapping',
    );
  });

  test('a missing property or env_var', () => {
    expect(problemOf('condition: property\nequals_value: A\n')).toBe(
      "c.yaml:1:1: a property condition needs 'property:' naming a property, got none",
    );
    expect(problemOf('condition: runtime\nenv_var: ""\nequals_value: A\n')).toBe(
      "c.yaml:2:10: a runtime condition needs 'env_var:' naming an environment variable, got a string",
    );
  });

  test('a bad template in env_var is reported when loading, at env_var', () => {
    expect(problemOf('condition: runtime\nenv_var: "{{toLower .Env.X}}_ARGS"\nequals_value: null\n')).toBe(
      "c.yaml:2:10: unsupported template function 'toLower' in {{toLower .Env.X}} (supported: ToUpper, index, slice, unixPathSeparators)",
    );
  });
});
