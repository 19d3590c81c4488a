// The planner on small in-memory modules: which configurations a module accepts, and the plan of
// a phase with every plan-time condition decided and its reasons kept, line by line.
import { describe, expect, test } from 'vitest';
import type { ConfigProperties } from '../../../../runner/core/coin-files/config-properties';
import { IncludeResolver } from '../../../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../../../runner/core/coin-files/module-config';
import { acceptsConfiguration, planPhase } from '../../../../runner/core/planner';
import { memoryRepos, yaml } from './coin-files/memory-files';

const linux: ConfigProperties = {
  'host.os': 'Linux',
  'host.compiler': 'GCC',
  'target.os': 'Linux',
  features: ['Sccache', 'UseConfigure'],
};
const windows: ConfigProperties = {
  'host.os': 'Windows',
  'host.compiler': 'MSVC2022',
  'target.os': 'Windows',
  features: ['Packaging', 'Disable'],
};

function moduleOf(build: string[], extra: Record<string, string> = {}) {
  const config = yaml(
    'version: 2',
    'accept_configuration:',
    '  condition: property',
    '  property: features',
    '  not_contains_value: Disable',
    'instructions:',
    '  Build:',
    ...build.map((line) => `    ${line}`),
    '  Test: []',
  );
  const files = memoryRepos({ 'q/mod': { 'coin/module_config.yaml': config, ...extra } });
  return loadModuleConfig(new IncludeResolver(files), 'q/mod');
}

// One Group that runs everywhere, holding a Linux-only command, a Windows-only command (by
// disable_if), and a command that waits for the agent's environment.
const mixed = [
  '- type: Group', //                                  line 8
  '  instructions:',
  '    - type: ExecuteCommand', //                     line 10
  '      command: "make -j{{.NumCPU}}"',
  '      enable_if:',
  '        condition: property',
  '        property: host.os',
  '        equals_value: Linux',
  '    - type: ExecuteCommand', //                     line 16
  '      command: nmake',
  '      disable_if:',
  '        condition: property',
  '        property: host.os',
  '        not_equals_value: Windows',
  '    - type: EnvironmentVariable', //                line 22
  '      variableName: A',
  '      variableValue: b',
  '      executeOn: always',
  '      enable_if:',
  '        condition: and',
  '        conditions:',
  '          - condition: property',
  '            property: features',
  '            contains_value: Sccache',
  '          - condition: runtime',
  '            env_var: SKIP',
  '            equals_value: null',
];

describe('acceptsConfiguration', () => {
  test('follows accept_configuration and keeps the trace', () => {
    const module = moduleOf(['- type: ChangeDirectory', '  directory: x']);
    expect(acceptsConfiguration(module, linux)).toEqual({
      value: true,
      trace: ['features does not contain Disable -> true (it is [Sccache, UseConfigure])'],
    });
    expect(acceptsConfiguration(module, windows)).toEqual({
      value: false,
      trace: ['features does not contain Disable -> false (it is [Packaging, Disable])'],
    });
  });
});

describe('planPhase', () => {
  test('decides plan-time conditions, keeps runtime ones, and explains each line', () => {
    const plan = planPhase(moduleOf(mixed), 'Build', linux);
    const at = (line: number, column = 11) => `q/mod/coin/module_config.yaml:${line}:${column}`;
    expect(plan.lines.map(({ instruction: _, ...line }) => line)).toEqual([
      { depth: 0, type: 'Group', at: at(8, 7), decision: 'run', reasons: [] },
      {
        depth: 1,
        type: 'ExecuteCommand',
        at: at(10),
        decision: 'run',
        reasons: ['enable_if: host.os equals Linux -> true (it is Linux)'],
      },
      {
        depth: 1,
        type: 'ExecuteCommand',
        at: at(16),
        decision: 'skipped',
        reasons: ['disable_if: host.os does not equal Windows -> true (it is Linux)'],
      },
      {
        depth: 1,
        type: 'EnvironmentVariable',
        at: at(22),
        decision: 'at runtime',
        reasons: [
          'enable_if: and -> deferred',
          '  features contains Sccache -> true (it is [Sccache, UseConfigure])',
          '  env SKIP equals null -> deferred (decided on the agent)',
        ],
      },
    ]);
    expect(plan.instructions).toEqual([
      {
        type: 'Group',
        at: at(8, 7),
        fields: {},
        executeOn: 'success',
        instructions: [
          {
            type: 'ExecuteCommand',
            at: at(10),
            fields: { command: 'make -j{{.NumCPU}}' },
            executeOn: 'success',
          },
          {
            type: 'EnvironmentVariable',
            at: at(22),
            fields: { variableName: 'A', variableValue: 'b' },
            executeOn: 'always',
            runtimeCondition: {
              condition: expect.objectContaining({ condition: 'and' }),
              negate: false,
              properties: linux,
            },
          },
        ],
      },
    ]);
  });

  test('every line that is not skipped carries its planned instruction; a Group holds its children', () => {
    const plan = planPhase(moduleOf(mixed), 'Build', windows);
    expect(plan.lines.map((l) => [l.decision, l.instruction?.type])).toEqual([
      ['run', 'Group'],
      ['skipped', undefined],
      ['run', 'ExecuteCommand'],
      ['skipped', undefined],
    ]);
    expect(plan.lines[0]!.instruction!.instructions).toEqual([plan.lines[2]!.instruction]);
  });

  test('a skipped Group hides its children; an unknown type only fails where it is reached', () => {
    const build = [
      '- type: Group',
      '  enable_if: {condition: property, property: host.os, equals_value: Windows}',
      '  instructions:',
      '    - type: ExcuteCommand',
      '      command: nmake',
    ];
    const module = moduleOf(build);
    expect(planPhase(module, 'Build', linux).lines.map((l) => [l.type, l.decision])).toEqual([
      ['Group', 'skipped'],
    ]);
    expect(() => planPhase(module, 'Build', windows)).toThrow(
      'q/mod/coin/module_config.yaml:11:17: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    );
  });

  test('instructions of an include shared by two configurations share one frozen copy of their fields', () => {
    const module = moduleOf(mixed);
    const first = planPhase(module, 'Build', linux).instructions[0]!.instructions![0]!;
    const second = planPhase(module, 'Build', { ...linux, features: [] }).instructions[0]!.instructions![0]!;
    expect(first).not.toBe(second);
    expect(first.fields).toBe(second.fields);
    expect(Object.isFrozen(first.fields)).toBe(true);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });
});
