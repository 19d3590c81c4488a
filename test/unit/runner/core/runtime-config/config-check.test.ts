// Checking a coin_configuration.json text: every problem at once, placed, with a way to fix it.
import { describe, expect, test } from 'vitest';
import { checkRuntimeConfig, formatDiagnostic } from '../../../../../runner/core/runtime-config/config-check';
import { defaultRuntimeConfig } from '../../../../../runner/core/runtime-config/config-schema';
import { fixedGuideExample, guideExample, guideFound } from './guide-example';

function report(text: string): string[] {
  return checkRuntimeConfig(text).diagnostics.map((d) => formatDiagnostic(d, 'coin_configuration.json'));
}

describe('checkRuntimeConfig', () => {
  test.skipIf(!guideFound)("the guide's example as printed: four errors, no configuration", () => {
    const result = checkRuntimeConfig(guideExample());
    expect(result.config).toBeUndefined();
    expect(report(guideExample())).toEqual([
      "coin_configuration.json:3:46: error: '#' comments are not JSON: use // for a comment",
      "coin_configuration.json:5:46: error: '#' comments are not JSON: use // for a comment",
      "coin_configuration.json:7:30: error: '#' comments are not JSON: use // for a comment",
      `coin_configuration.json:9:6: error: missing ',' after the "gerrit_monitor" object (before "opennebula" on line 10)`,
    ]);
  });

  test.skipIf(!guideFound)("the guide's example, fixed, parses to the documented values", () => {
    const result = checkRuntimeConfig(fixedGuideExample());
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toEqual({
      gerrit_monitor: {
        disable_cherry_pick_delay: false,
        serialize_dependency_updates: true,
        parallel_integration_delay: 1800,
        parallel_project_rules: ['qt/qtbase/dev'],
      },
      opennebula: {
        sched_rules: [{ SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX|Android' } }],
      },
    });
  });

  test('an empty object and a missing section give the defaults', () => {
    expect(checkRuntimeConfig('{}').config).toEqual(defaultRuntimeConfig);
    expect(defaultRuntimeConfig).toEqual({
      gerrit_monitor: {
        disable_cherry_pick_delay: false,
        serialize_dependency_updates: true,
        parallel_integration_delay: 1800,
        parallel_project_rules: [],
      },
      opennebula: { sched_rules: [] },
    });
    expect(checkRuntimeConfig('{"gerrit_monitor": {"parallel_integration_delay": 60}}').config).toMatchObject(
      {
        gerrit_monitor: { parallel_integration_delay: 60, serialize_dependency_updates: true },
        opennebula: { sched_rules: [] },
      },
    );
  });

  test('every schema problem at once: unknown keys with suggestions, types, negative delays, regexes, empty rules', () => {
    const text = [
      '{',
      '  "gerrit_monitor": {',
      '    "parallel_integration_dealy": 600,',
      '    "parallel_integration_delay": -5,',
      '    "serialize_dependency_updates": "yes",',
      '    "parallel_project_rules": ["qt/qtbase/(dev", ""],',
      '    "sched_rules": []',
      '  },',
      '  "opennebula": {"sched_rules": [{"match": {}}, {"SCHED_REQUIREMENTS": " ", "match": {"bad key": "x"}}]},',
      '  "gerit_monitor": {}',
      '}',
    ].join('\n');
    expect(checkRuntimeConfig(text).config).toBeUndefined();
    expect(report(text).map((line) => line.replace('coin_configuration.json:', ''))).toEqual([
      '3:5: error: unknown key "parallel_integration_dealy" in gerrit_monitor (did you mean "parallel_integration_delay"?)',
      '4:35: error: gerrit_monitor.parallel_integration_delay: a delay cannot be negative, found the number -5',
      '5:37: error: gerrit_monitor.serialize_dependency_updates: expected true or false, found the string "yes"',
      '6:32: error: gerrit_monitor.parallel_project_rules[0]: invalid regular expression "qt/qtbase/(dev": unterminated group',
      '6:50: error: gerrit_monitor.parallel_project_rules[1]: an empty rule matches nothing: remove it',
      '7:5: error: unknown key "sched_rules" in gerrit_monitor ("sched_rules" belongs in "opennebula")',
      '9:34: error: opennebula.sched_rules[0] has no "SCHED_REQUIREMENTS" (it is required)',
      '9:44: error: opennebula.sched_rules[0].match: an empty "match" would apply the rule to every work item: name at least one attribute (use "target.os": ".*" if that is really meant)',
      '9:72: error: opennebula.sched_rules[1].SCHED_REQUIREMENTS: SCHED_REQUIREMENTS is empty: write an OpenNebula expression',
      '9:87: error: opennebula.sched_rules[1].match["bad key"]: "bad key" is not an attribute path (names joined by dots, such as "target.os")',
      '10:3: error: unknown key "gerit_monitor" at the top level (did you mean "gerrit_monitor"?)',
    ]);
  });

  test('syntax errors and schema errors are reported together', () => {
    const text = '{\n  "gerrit_monitor": {"parallel_integration_delay": "1800"}  # half an hour\n}';
    expect(report(text)).toEqual([
      'coin_configuration.json:2:52: error: gerrit_monitor.parallel_integration_delay: expected a number, found the string "1800"',
      "coin_configuration.json:2:61: error: '#' comments are not JSON: use // for a comment",
    ]);
  });

  test('catastrophic backtracking risks and unknown match attributes are warnings: the config still applies', () => {
    const text = JSON.stringify({
      gerrit_monitor: { parallel_project_rules: ['qt/(qtbase+)+/dev', 'qt/qtsvg/.*', 'qt/qtsvg/.*'] },
      opennebula: {
        sched_rules: [{ SCHED_REQUIREMENTS: 'X = 1', match: { 'target.OS': 'QNX', features: '(a|a)*' } }],
      },
    });
    const result = checkRuntimeConfig(text);
    expect(result.config).toBeDefined();
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'gerrit_monitor.parallel_project_rules[0]: "(qtbase+)+" repeats a group that itself repeats (nested quantifiers): on a long text that does not match it can take exponential time (catastrophic backtracking); write it without a repeat inside a repeat',
      'gerrit_monitor.parallel_project_rules[2]: "qt/qtsvg/.*" is listed twice',
      '"target.OS" is not an attribute of work item configurations, so this rule never applies (did you mean "target.os"?)',
      'opennebula.sched_rules[0].match.features: "(a|a)*" repeats an alternation with two equal branches: on a long text that does not match it can take exponential time (catastrophic backtracking); write it without a repeat inside a repeat',
    ]);
  });

  test('not an object, a 10 MB file, deep nesting and __proto__ give errors and no configuration', () => {
    expect(report('[]')).toEqual([
      'coin_configuration.json:1:1: error: the configuration: expected an object {...}, found a list',
    ]);
    const huge = checkRuntimeConfig(`{"gerrit_monitor": {}, "x": "${'y'.repeat(10_000_000)}"}`);
    expect(huge.config).toBeUndefined();
    expect(huge.diagnostics.map((d) => d.message)).toEqual([
      'the file is 9.5 MiB: a runtime configuration may have at most 1 MiB',
    ]);
    expect(checkRuntimeConfig('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)).config).toBeUndefined();
    const proto = checkRuntimeConfig('{"__proto__": {"gerrit_monitor": {}}, "gerrit_monitor": {}}');
    expect(proto.config).toBeUndefined();
    expect(proto.diagnostics.map((d) => d.message)).toEqual([
      'the key "__proto__" is not accepted (it could change how objects behave)',
    ]);
    expect(({} as Record<string, unknown>).gerrit_monitor).toBeUndefined();
  });

  test('types of every field are checked', () => {
    const text = JSON.stringify({
      gerrit_monitor: {
        disable_cherry_pick_delay: 'no',
        parallel_integration_delay: '30',
        parallel_project_rules: 'qt/qtbase/dev',
      },
      opennebula: { sched_rules: { SCHED_REQUIREMENTS: 'X' } },
    });
    expect(checkRuntimeConfig(text).diagnostics.map((d) => d.message)).toEqual([
      'gerrit_monitor.disable_cherry_pick_delay: expected true or false, found the string "no"',
      'gerrit_monitor.parallel_integration_delay: expected a number, found the string "30"',
      'gerrit_monitor.parallel_project_rules: expected a list [...], found the string "qt/qtbase/dev"',
      'opennebula.sched_rules: expected a list [...], found an object',
    ]);
  });
});
