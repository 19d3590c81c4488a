// opennebula.sched_rules: which SCHED_REQUIREMENTS a work item's VM gets.
import { describe, expect, test } from 'vitest';
import { parsePlatformConfigFile } from '../../../../../runner/core/coin-files/platform-configs';
import {
  runtimeConfigSchema,
  type RuntimeConfig,
} from '../../../../../runner/core/runtime-config/config-schema';
import {
  attributeValue,
  explainSchedRules,
  schedRequirementsFor,
  workItemConfigurationOf,
} from '../../../../../runner/core/runtime-config/sched-rules';

function config(rules: { SCHED_REQUIREMENTS: string; match: Record<string, string> }[]): RuntimeConfig {
  return runtimeConfigSchema.parse({ opennebula: { sched_rules: rules } });
}

const guideRule = { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX|Android' } };

describe('schedRequirementsFor', () => {
  test("the guide's rule: QNX and Android work items need nested virtualisation, others get nothing", () => {
    const c = config([guideRule]);
    expect(schedRequirementsFor(c, { target: { os: 'QNX' } })).toBe('NESTED_VIRT = true');
    expect(schedRequirementsFor(c, { 'target.os': 'Android' })).toBe('NESTED_VIRT = true');
    expect(schedRequirementsFor(c, { target: { os: 'Linux' } })).toBeUndefined();
    // The whole value must match: "QNX|Android" does not match "QNX_710" or "AndroidX".
    expect(schedRequirementsFor(c, { target: { os: 'QNX_710' } })).toBeUndefined();
    expect(schedRequirementsFor(c, { target: { os: 'AndroidX' } })).toBeUndefined();
  });

  test('every match entry must hold; a missing attribute does not match', () => {
    const c = config([
      { SCHED_REQUIREMENTS: 'KVM = 1', match: { 'target.os': 'QNX', 'host.arch': 'X86_64' } },
    ]);
    expect(schedRequirementsFor(c, { target: { os: 'QNX' }, host: { arch: 'X86_64' } })).toBe('KVM = 1');
    expect(schedRequirementsFor(c, { target: { os: 'QNX' }, host: { arch: 'ARM64' } })).toBeUndefined();
    expect(schedRequirementsFor(c, { target: { os: 'QNX' } })).toBeUndefined();
  });

  test('several applying rules are joined with &, duplicates once', () => {
    const c = config([
      guideRule,
      { SCHED_REQUIREMENTS: 'HOSTNAME = "big*"', match: { features: 'Packaging' } },
      { SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'host.os': 'Linux' } },
    ]);
    const item = { target: { os: 'Android' }, host: { os: 'Linux' }, features: ['Sccache', 'Packaging'] };
    expect(schedRequirementsFor(c, item)).toBe('(NESTED_VIRT = true) & (HOSTNAME = "big*")');
  });

  test('list attributes match when one element does; numbers and booleans as text', () => {
    const c = config([{ SCHED_REQUIREMENTS: 'A', match: { features: 'Use.*', cores: '[48]', gpu: 'true' } }]);
    expect(schedRequirementsFor(c, { features: ['Sccache', 'UseConfigure'], cores: 8, gpu: true })).toBe('A');
    expect(schedRequirementsFor(c, { features: ['Sccache'], cores: 8, gpu: true })).toBeUndefined();
  });

  test('explainSchedRules says which entry failed, for the rule tester', () => {
    const c = config([guideRule]);
    expect(explainSchedRules(c, { target: { os: 'Linux' } })).toEqual([
      {
        index: 0,
        rule: guideRule,
        applies: false,
        attributes: [{ attribute: 'target.os', pattern: 'QNX|Android', value: 'Linux', matched: false }],
      },
    ]);
  });

  test('attribute paths: nested objects, dotted keys, and dotted keys inside objects', () => {
    expect(attributeValue({ target: { os: 'QNX' } }, 'target.os')).toBe('QNX');
    expect(attributeValue({ 'platformDependency.target.os': 'Linux' }, 'platformDependency.target.os')).toBe(
      'Linux',
    );
    expect(
      attributeValue({ platformDependency: { 'target.os': 'Linux' } }, 'platformDependency.target.os'),
    ).toBe('Linux');
    expect(attributeValue({ target: 'x' }, 'target.os')).toBeUndefined();
    expect(attributeValue({}, 'toString')).toBeUndefined();
  });

  test('a real platform configuration: its properties are what rules match', () => {
    const file = parsePlatformConfigFile(
      'qnx.yaml',
      'qnx.yaml',
      [
        'Version: 2',
        'Configurations:',
        '- Id: qnx-710-arm64',
        '  Template: qtci-linux-Ubuntu-22.04-x86_64-51',
        '  Compiler: GCC',
        '  Target os: QNX_710',
        '  Target arch: arm64',
        '  Features: [Sccache]',
        '',
      ].join('\n'),
    );
    const item = workItemConfigurationOf(file.configurations[0]!);
    expect(item).toMatchObject({ 'target.os': 'QNX', 'host.os': 'Linux', id: 'qnx-710-arm64' });
    expect(schedRequirementsFor(config([guideRule]), item)).toBe('NESTED_VIRT = true');
  });
});
