import { describe, expect, test } from 'vitest';
import { formatWarning } from '../../../../../runner/core/coin-files/coin-yaml';
import { IncludeResolver } from '../../../../../runner/core/coin-files/include-resolver';
import {
  lintInstructionFiles,
  lintModuleConfig,
  loadModuleConfig,
  parseModuleDependencies,
} from '../../../../../runner/core/coin-files/module-config';
import { memoryRepos, yaml } from './memory-files';

const acceptNotDisabled = [
  'accept_configuration:',
  '  condition: property',
  '  property: features',
  '  not_contains_value: Disable',
];

function load(config: string, base: Record<string, string> = {}) {
  const files = memoryRepos({ 'q/mod': { 'coin/module_config.yaml': config }, 'q/base': base });
  return loadModuleConfig(new IncludeResolver(files), 'q/mod');
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('module_config.yaml', () => {
  test('loads version, accept_configuration, machine_type, tags and both phases', () => {
    const config = load(
      yaml(
        'version: 2',
        ...acceptNotDisabled,
        'machine_type:',
        '  Build: {cores: 8}',
        '  Test: {cores: 4}',
        'tags: [documentation]',
        'instructions:',
        '  Build:',
        '    - !include "{{q/base}}/build.yaml"',
        '  Test: []',
      ),
      {
        'coin/instructions/build.yaml': yaml(
          'type: Group',
          'instructions:',
          '  - type: SetBuildDirectory',
          '    directory: b',
        ),
      },
    );
    expect(config).toMatchObject({
      repo: 'q/mod',
      file: 'q/mod/coin/module_config.yaml',
      version: 2,
      acceptConfiguration: { condition: 'property', property: 'features', not_contains_value: 'Disable' },
      machineType: { Build: { cores: 8 }, Test: { cores: 4 } },
      tags: ['documentation'],
      warnings: [],
      pos: { file: 'q/mod/coin/module_config.yaml', line: 1, column: 1 },
    });
    expect(config.instructions.Build.map((n) => n.type)).toEqual(['Group']);
    expect(config.instructions.Build[0]!.children!.map((n) => n.type)).toEqual(['SetBuildDirectory']);
    expect(config.instructions.Test).toEqual([]);
  });

  test('without accept_configuration, machine_type and tags', () => {
    const config = load(yaml('version: 2', 'instructions:', '  Build: []', '  Test: []'));
    expect(config.acceptConfiguration).toBeUndefined();
    expect(config.machineType).toEqual({});
    expect(config.tags).toEqual([]);
  });

  test('structural mistakes fail with their place', () => {
    expect(errorOf(() => load(yaml('version: 1', 'instructions: {Build: [], Test: []}')))).toBe(
      'q/mod/coin/module_config.yaml:1:10: module_config.yaml needs "version: 2"',
    );
    expect(errorOf(() => load(yaml('version: 2', 'instructions:', '  Build: []')))).toBe(
      'q/mod/coin/module_config.yaml:3:3: instructions need a "Test:" list ("Test: []" when empty)',
    );
    expect(
      errorOf(() =>
        load(
          yaml(
            'version: 2',
            'machine_type:',
            '  Build: {cores: many}',
            'instructions: {Build: [], Test: []}',
          ),
        ),
      ),
    ).toBe(
      'q/mod/coin/module_config.yaml:3:18: machine_type Build.cores: Invalid input: expected number, received string',
    );
  });

  test('unknown keys and phases are warnings; lint adds the instructions problems', () => {
    const config = load(
      yaml(
        'version: 2',
        'acept_configuration: {}',
        'instructions:',
        '  Build:',
        '    - type: ExcuteCommand',
        '      command: make',
        '  Test: []',
        '  Deploy: []',
      ),
    );
    expect(lintModuleConfig(config).map(formatWarning)).toEqual([
      'q/mod/coin/module_config.yaml:2:22: module_config.yaml has no key "acept_configuration", did you mean accept_configuration?',
      'q/mod/coin/module_config.yaml:8:11: phase "Deploy" is not one Coin is known to run (LicenseCheck, Build, Test): it is planned and run as its own work item',
      'q/mod/coin/module_config.yaml:5:13: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    ]);
  });

  test('every declared phase is loaded, in run order: as declared, Test after Build', () => {
    const qtqaShaped = load(
      yaml(
        'version: 2',
        'machine_type: {LicenseCheck: {cores: 1}}',
        'instructions:',
        '  LicenseCheck:',
        '    - {type: ExecuteCommand, command: "perl check.pl"}',
        '  Build: []',
        '  Test: []',
      ),
    );
    expect(qtqaShaped.phases).toEqual(['LicenseCheck', 'Build', 'Test']);
    expect(qtqaShaped.instructions.LicenseCheck!.map((n) => n.fields.command)).toEqual(['perl check.pl']);
    expect(qtqaShaped.machineType.LicenseCheck).toEqual({ cores: 1 });
    expect(lintModuleConfig(qtqaShaped)).toEqual([]);
    const testFirst = load(yaml('version: 2', 'instructions:', '  Test: []', '  Tests: []', '  Build: []'));
    expect(testFirst.phases).toEqual(['Tests', 'Build', 'Test']);
    expect(lintModuleConfig(testFirst).map(formatWarning)).toEqual([
      'q/mod/coin/module_config.yaml:4:10: phase "Tests" is not one Coin is known to run (LicenseCheck, Build, Test): did you mean Test? it is planned and run as its own work item',
    ]);
    expect(
      errorOf(() => load(yaml('version: 2', 'instructions:', '  Build: []', '  Test: []', '  Sign-off: []'))),
    ).toBe(
      'q/mod/coin/module_config.yaml:5:13: phase name "Sign-off" must be letters and digits (such as Build, Test or LicenseCheck)',
    );
    const stray = load(
      yaml('version: 2', 'machine_type: {Deploy: {cores: 2}}', 'instructions: {Build: [], Test: []}'),
    );
    expect(lintModuleConfig(stray).map(formatWarning)).toEqual([
      `q/mod/coin/module_config.yaml:2:24: machine_type names phase "Deploy", which the module's instructions do not declare`,
    ]);
  });

  test('the expanded size of the instructions is bounded', () => {
    const base = {
      'coin/instructions/a.yaml': yaml(
        'type: Group',
        'instructions:',
        ...Array(10).fill('  - !include "{{q/base}}/b.yaml"'),
      ),
      'coin/instructions/b.yaml': yaml(
        'type: Group',
        'instructions:',
        ...Array(10).fill('  - !include "{{q/base}}/c.yaml"'),
      ),
      'coin/instructions/c.yaml': yaml('type: MakeDirectory', 'directory: d'),
    };
    const config = yaml(
      'version: 2',
      'instructions:',
      '  Build:',
      '    - !include "{{q/base}}/a.yaml"',
      '  Test: []',
    );
    const files = memoryRepos({ 'q/mod': { 'coin/module_config.yaml': config }, 'q/base': base });
    expect(errorOf(() => loadModuleConfig(new IncludeResolver(files), 'q/mod', 100))).toBe(
      'q/mod/coin/module_config.yaml:1:1: the instructions expand to 111 (more than 100)',
    );
  });

  test('lint of instruction files reaches files no module includes, and reports files that fail', () => {
    const files = memoryRepos({
      'q/base': {
        'coin/instructions/ok.yaml': yaml('type: ExcuteCommand', 'command: make'),
        'coin/instructions/bad.yaml': yaml('type: Group', 'type: Group'),
      },
    });
    const warnings = lintInstructionFiles(new IncludeResolver(files), 'q/base', [
      'coin/instructions/bad.yaml',
      'coin/instructions/ok.yaml',
    ]);
    expect(warnings.map(formatWarning)).toEqual([
      'q/base/coin/instructions/bad.yaml:2:1: duplicate key "type" (first at q/base/coin/instructions/bad.yaml:1:1)',
      'q/base/coin/instructions/ok.yaml:1:7: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    ]);
  });
});

describe('dependencies.yaml', () => {
  test('lists the modules a module builds on with their refs', () => {
    const deps = parseModuleDependencies(
      'q/mod/dependencies.yaml',
      yaml(
        'dependencies:',
        '  ../qtbase:',
        '    ref: defd1549',
        '    required: true',
        '  ../qtsvg:',
        '    ref: abc',
        '    required: false',
      ),
    );
    expect(deps).toEqual([
      {
        path: '../qtbase',
        module: 'qtbase',
        ref: 'defd1549',
        required: true,
        pos: { file: 'q/mod/dependencies.yaml', line: 3, column: 5 },
      },
      {
        path: '../qtsvg',
        module: 'qtsvg',
        ref: 'abc',
        required: false,
        pos: { file: 'q/mod/dependencies.yaml', line: 6, column: 5 },
      },
    ]);
  });
});
