import { describe, expect, test } from 'vitest';
import { decide, linux, windows } from './condition-helpers';
import type { PropertyBag } from '../../../../../runner/core/coin-files/conditions';

describe('evaluating property conditions', () => {
  test('features does not contain Disable (the accept_configuration of every real module)', () => {
    expect(decide('condition: property\nproperty: features\nnot_contains_value: Disable\n')).toEqual({
      value: true,
      trace: [
        'features does not contain Disable -> true (it is [Packaging, UseConfigure, VerboseCTestOutput])',
      ],
    });
    expect(
      decide('condition: property\nproperty: features\nnot_contains_value: Disable\n', {
        features: ['Disable'],
      }),
    ).toEqual({
      value: false,
      trace: ['features does not contain Disable -> false (it is [Disable])'],
    });
  });

  test('equals_value / not_equals_value compare the text exactly (case-sensitive)', () => {
    expect(decide('condition: property\nproperty: host.os\nequals_value: Windows\n')).toEqual({
      value: false,
      trace: ['host.os equals Windows -> false (it is Linux)'],
    });
    expect(decide('condition: property\nproperty: host.os\nequals_value: linux\n').value).toBe(false);
    expect(decide('condition: property\nproperty: host.os\nnot_equals_value: Windows\n')).toEqual({
      value: true,
      trace: ['host.os does not equal Windows -> true (it is Linux)'],
    });
    expect(
      decide('condition: property\nproperty: target.osVersion\nequals_value: 12\n', {
        'target.osVersion': 12,
      }).value,
    ).toBe(true);
  });

  test('contains_value is a substring test on strings: host.compiler contains MSVC matches MSVC2019', () => {
    expect(decide('condition: property\nproperty: host.compiler\ncontains_value: MSVC\n', windows)).toEqual({
      value: true,
      trace: ['host.compiler contains MSVC -> true (it is MSVC2019)'],
    });
    expect(
      decide('condition: property\nproperty: configureArgs\ncontains_value: "-DBUILD_SHARED_LIBS=OFF"\n'),
    ).toEqual({
      value: true,
      trace: [
        'configureArgs contains -DBUILD_SHARED_LIBS=OFF -> true (it is "-developer-build -DBUILD_SHARED_LIBS=OFF -nomake examples")',
      ],
    });
  });

  test('contains_value is membership on lists: no partial element matches', () => {
    expect(decide('condition: property\nproperty: features\ncontains_value: Packaging\n').value).toBe(true);
    expect(decide('condition: property\nproperty: features\ncontains_value: Pack\n')).toEqual({
      value: false,
      trace: ['features contains Pack -> false (it is [Packaging, UseConfigure, VerboseCTestOutput])'],
    });
    expect(decide('condition: property\nproperty: features\nnot_contains_value: Pack\n').value).toBe(true);
  });

  test('an unset property contains nothing', () => {
    expect(
      decide('condition: property\nproperty: configureArgs\ncontains_value: "-static"\n', windows),
    ).toEqual({
      value: false,
      trace: ['configureArgs contains -static -> false (it is unset)'],
    });
    expect(
      decide('condition: property\nproperty: features\nnot_contains_value: Disable\n', windows).value,
    ).toBe(true);
  });

  test('null means unset: missing, null, empty string and empty list all equal null', () => {
    const isNull = (bag: PropertyBag) =>
      decide('condition: property\nproperty: p\nequals_value: null\n', bag);
    expect(isNull({})).toEqual({ value: true, trace: ['p equals null -> true (it is unset)'] });
    expect(isNull({ p: null }).value).toBe(true);
    expect(isNull({ p: undefined }).value).toBe(true);
    expect(isNull({ p: '' }).value).toBe(true);
    expect(isNull({ p: [] }).value).toBe(true);
    expect(isNull({ p: 'x' })).toEqual({ value: false, trace: ['p equals null -> false (it is x)'] });
    expect(decide('condition: property\nproperty: p\nnot_equals_value: null\n', { p: 'x' }).value).toBe(true);
    expect(decide('condition: property\nproperty: p\nequals_value: x\n', {}).value).toBe(false);
  });

  test('equals_value on a list holds only for a one-element list of that value', () => {
    const equalsA = (features: string[]) =>
      decide('condition: property\nproperty: features\nequals_value: A\n', { features });
    expect(equalsA(['A']).value).toBe(true);
    expect(equalsA(['A', 'B']).value).toBe(false);
  });

  test('in_values / not_in_values', () => {
    const real = 'in_values: [Android_ANY, QEMU, IOS_ANY, QNX_710, WebAssembly, INTEGRITY, VxWorks]';
    expect(
      decide(`condition: property\nproperty: target.osVersion\n${real}\n`, { 'target.osVersion': 'QEMU' }),
    ).toEqual({
      value: true,
      trace: [
        'target.osVersion is one of [Android_ANY, QEMU, IOS_ANY, QNX_710, WebAssembly, INTEGRITY, VxWorks] -> true (it is QEMU)',
      ],
    });
    expect(decide(`condition: property\nproperty: target.osVersion\n${real}\n`).value).toBe(false);
    expect(
      decide('condition: property\nproperty: target.osVersion\nnot_in_values: [QEMU, QNX_710]\n'),
    ).toEqual({
      value: true,
      trace: ['target.osVersion is not one of [QEMU, QNX_710] -> true (it is Ubuntu_22_04)'],
    });
    expect(decide('condition: property\nproperty: x\nin_values: [a, null]\n', {}).value).toBe(true);
    expect(decide('condition: property\nproperty: x\nin_values: [a]\n', {}).value).toBe(false);
    expect(decide('condition: property\nproperty: features\nin_values: [UseConfigure, X]\n').value).toBe(
      true,
    );
  });

  test('equals_property / not_equals_property compare two properties; unset equals unset', () => {
    expect(decide('condition: property\nproperty: host.os\nequals_property: target.os\n')).toEqual({
      value: true,
      trace: ['host.os equals target.os -> true (Linux vs Linux)'],
    });
    expect(
      decide('condition: property\nproperty: host.arch\nnot_equals_property: target.arch\n', {
        ...linux,
        'target.arch': 'ARM64',
      }),
    ).toEqual({
      value: true,
      trace: ['host.arch does not equal target.arch -> true (X86_64 vs ARM64)'],
    });
    expect(decide('condition: property\nproperty: a\nequals_property: b\n', { a: null }).value).toBe(true);
    expect(decide('condition: property\nproperty: a\nequals_property: b\n', { a: ['x'], b: 'x' }).value).toBe(
      true,
    );
    expect(
      decide('condition: property\nproperty: a\nequals_property: b\n', { a: ['x', 'y'], b: ['x', 'y'] })
        .value,
    ).toBe(true);
    expect(
      decide('condition: property\nproperty: a\nequals_property: b\n', { a: ['x', 'y'], b: ['y', 'x'] })
        .value,
    ).toBe(false);
  });
});

describe('platformDependency', () => {
  const ctest = `condition: and
conditions:
  - condition: property
    property: platformDependency
    not_equals_value: null
  - condition: property
    property: platformDependency.target.osVersion
    not_equals_property: target.osVersion
`;
  const dependency: PropertyBag = {
    id: 'linux-build',
    'target.osVersion': 'Ubuntu_22_04',
    'host.os': 'Linux',
  };

  test('without a dependency, platformDependency equals null', () => {
    expect(decide('condition: property\nproperty: platformDependency\nequals_value: null\n')).toEqual({
      value: true,
      trace: ['platformDependency equals null -> true (it is unset)'],
    });
    expect(decide(ctest)).toEqual({
      value: false,
      trace: [
        'and -> false',
        '  platformDependency does not equal null -> false (it is unset)',
        '  platformDependency.target.osVersion does not equal target.osVersion -> true (unset vs Ubuntu_22_04)',
      ],
    });
  });

  test('a nested dependency bag is read through platformDependency.<prop> (cmake_run_ctest.yaml)', () => {
    const testOnly = { ...linux, 'target.osVersion': 'QEMU', platformDependency: dependency };
    expect(decide(ctest, testOnly)).toEqual({
      value: true,
      trace: [
        'and -> true',
        '  platformDependency does not equal null -> true (it is linux-build)',
        '  platformDependency.target.osVersion does not equal target.osVersion -> true (Ubuntu_22_04 vs QEMU)',
      ],
    });
    expect(decide(ctest, { ...testOnly, 'target.osVersion': 'Ubuntu_22_04' }).value).toBe(false);
  });

  test('flat dotted keys work too, and win over the nested bag', () => {
    const flat = {
      ...linux,
      platformDependency: 'linux-build',
      'platformDependency.target.osVersion': 'QNX_710',
    };
    expect(decide(ctest, flat).value).toBe(true);
    const both = {
      ...linux,
      platformDependency: dependency,
      'platformDependency.target.osVersion': 'Ubuntu_22_04',
    };
    expect(decide(ctest, both).value).toBe(false);
    expect(
      decide('condition: property\nproperty: platformDependency\nequals_value: linux-build\n', flat).value,
    ).toBe(true);
  });
});

describe('and / or', () => {
  const msvc = `condition: and
conditions:
  - condition: property
    property: host.os
    equals_value: Windows
  - condition: property
    property: host.compiler
    contains_value: MSVC
`;

  test('and holds when every child holds; the trace shows each child, indented', () => {
    expect(decide(msvc, windows)).toEqual({
      value: true,
      trace: [
        'and -> true',
        '  host.os equals Windows -> true (it is Windows)',
        '  host.compiler contains MSVC -> true (it is MSVC2019)',
      ],
    });
    expect(decide(msvc, linux).value).toBe(false);
  });

  test('or holds when any child holds; nesting indents further', () => {
    const text = `condition: or
conditions:
  - condition: property
    property: target.os
    equals_value: QNX
  - ${msvc.replaceAll('\n', '\n    ').trimEnd()}
`;
    expect(decide(text, windows)).toEqual({
      value: true,
      trace: [
        'or -> true',
        '  target.os equals QNX -> false (it is Windows)',
        '  and -> true',
        '    host.os equals Windows -> true (it is Windows)',
        '    host.compiler contains MSVC -> true (it is MSVC2019)',
      ],
    });
    expect(decide(text, linux).trace[0]).toBe('or -> false');
  });
});

describe('runtime conditions', () => {
  const axivion = 'condition: runtime\nenv_var: AXIVION_ANALYSIS\nequals_value: "1"\n';

  test('at planning time (no environment) they are deferred', () => {
    expect(decide(axivion)).toEqual({
      value: 'deferred',
      trace: ['env AXIVION_ANALYSIS equals 1 -> deferred (decided on the agent)'],
    });
  });

  test('and/or use three-valued logic: a decided child can settle a deferred one', () => {
    const and = (os: string) => `condition: and
conditions:
  - condition: property
    property: host.os
    equals_value: ${os}
  - ${axivion.replaceAll('\n', '\n    ').trimEnd()}
`;
    expect(decide(and('Windows')).value).toBe(false);
    expect(decide(and('Linux'))).toEqual({
      value: 'deferred',
      trace: [
        'and -> deferred',
        '  host.os equals Linux -> true (it is Linux)',
        '  env AXIVION_ANALYSIS equals 1 -> deferred (decided on the agent)',
      ],
    });
    const or = (os: string) => and(os).replace('condition: and', 'condition: or');
    expect(decide(or('Linux')).value).toBe(true);
    expect(decide(or('Windows')).value).toBe('deferred');
  });

  test('with the environment they are decided', () => {
    expect(decide(axivion, linux, { AXIVION_ANALYSIS: '1' })).toEqual({
      value: true,
      trace: ['env AXIVION_ANALYSIS equals 1 -> true (it is 1)'],
    });
    expect(decide(axivion, linux, {}).value).toBe(false);
    expect(
      decide('condition: runtime\nenv_var: AXIVION_ANALYSIS\nnot_equals_value: "1"\n', linux, {}),
    ).toEqual({
      value: true,
      trace: ['env AXIVION_ANALYSIS does not equal 1 -> true (it is unset)'],
    });
  });

  test('null means unset or empty', () => {
    const unset = 'condition: runtime\nenv_var: COIN_CMAKE_ARGS\nequals_value: null\n';
    expect(decide(unset, linux, {}).value).toBe(true);
    expect(decide(unset, linux, { COIN_CMAKE_ARGS: '' }).value).toBe(true);
    expect(decide(unset, linux, { COIN_CMAKE_ARGS: '-S . -B build' })).toEqual({
      value: false,
      trace: ['env COIN_CMAKE_ARGS equals null -> false (it is "-S . -B build")'],
    });
  });

  test('contains_value is a substring test (prepare_license_test.yaml)', () => {
    const tqtc = 'condition: runtime\nenv_var: TESTED_MODULE_BRANCH_COIN\ncontains_value: "tqtc/"\n';
    expect(decide(tqtc, linux, { TESTED_MODULE_BRANCH_COIN: 'tqtc/6.8' }).value).toBe(true);
    expect(decide(tqtc, linux, { TESTED_MODULE_BRANCH_COIN: 'dev' })).toEqual({
      value: false,
      trace: ['env TESTED_MODULE_BRANCH_COIN contains tqtc/ -> false (it is dev)'],
    });
    expect(decide(tqtc, linux, {}).value).toBe(false);
  });

  test('a templated variable name is rendered against the environment first', () => {
    const text = `condition: runtime
env_var: "{{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS"
not_equals_value: null
`;
    expect(decide(text, linux, { TESTED_MODULE_COIN: 'qtsvg', QTSVG_EXAMPLES_CMAKE_ARGS: '-DX=1' })).toEqual({
      value: true,
      trace: [
        'env QTSVG_EXAMPLES_CMAKE_ARGS (from {{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS) does not equal null -> true (it is -DX=1)',
      ],
    });
    expect(decide(text, linux, { TESTED_MODULE_COIN: 'qtbase' }).value).toBe(false);
    expect(decide(text).trace).toEqual([
      'env {{ToUpper .Env.TESTED_MODULE_COIN}}_EXAMPLES_CMAKE_ARGS does not equal null -> deferred (decided on the agent)',
    ]);
  });

  test('runtime conditions ignore the properties, and properties ignore the environment', () => {
    expect(decide('condition: runtime\nenv_var: host.os\nequals_value: Linux\n', linux, {}).value).toBe(
      false,
    );
    expect(decide('condition: property\nproperty: X\nequals_value: "1"\n', {}, { X: '1' }).value).toBe(false);
  });
});
