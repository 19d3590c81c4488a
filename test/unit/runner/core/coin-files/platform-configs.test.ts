import { describe, expect, test } from 'vitest';
import { formatWarning } from '../../../../../runner/core/coin-files/coin-yaml';
import {
  parsePlatformConfigFile,
  PlatformConfigLoader,
} from '../../../../../runner/core/coin-files/platform-configs';
import { memoryPlatformConfigs, yaml } from './memory-files';

const ubuntu = (id: string, ...extra: string[]) => [
  '-',
  `    Id: '${id}'`,
  "    Template: 'qtci-linux-Ubuntu-22.04-x86_64-51'",
  "    Compiler: 'GCC'",
  ...extra.map((line) => `    ${line}`),
];

function loaderOf(files: Record<string, string>) {
  return new PlatformConfigLoader(memoryPlatformConfigs(files));
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('a platform configuration file', () => {
  test('gives typed configurations with every field the real files use', () => {
    const file = parsePlatformConfigFile(
      'x.yaml',
      'x.yaml',
      yaml(
        'Version: 2',
        'Module only: True',
        'Configurations:',
        ...ubuntu(
          'android-on-linux',
          "Target os: 'Android_ANY'",
          "Target arch: 'arm64'",
          "Target compiler: 'Clang'",
          "Features: ['Sccache', 'TestOnly']",
          "Configure arguments: '-nomake examples'",
          "Environment variables: ['A=1', 'B={{.Env.HOME}}']",
          "Environment script: ['vcvarsall.bat', 'amd64']",
          "Platform dependency: 'ubuntu-22.04'",
        ),
        '-',
        "    Template: 'qtci-macos-14-arm-106'",
        "    Compiler: 'Clang'",
      ),
    );
    expect(file.moduleOnly).toBe(true);
    expect(file.configurations[0]).toMatchObject({
      id: 'android-on-linux',
      name: 'android-on-linux',
      template: 'qtci-linux-Ubuntu-22.04-x86_64-51',
      compiler: 'GCC',
      targetOs: 'Android_ANY',
      targetArch: 'arm64',
      targetCompiler: 'Clang',
      features: ['Sccache', 'TestOnly'],
      configureArguments: '-nomake examples',
      environmentVariables: ['A=1', 'B={{.Env.HOME}}'],
      environmentScript: ['vcvarsall.bat', 'amd64'],
      platformDependency: ['ubuntu-22.04'],
      source: 'x.yaml',
      pos: { file: 'x.yaml', line: 5, column: 5 },
    });
    expect(file.configurations[1]).toMatchObject({
      id: undefined,
      name: 'x.yaml#2',
      features: [],
      configureArguments: '',
      environmentVariables: [],
      platformDependency: [],
      targetOs: undefined,
    });
  });

  test('Ids are unique per file; the error names both places', () => {
    expect(
      errorOf(() =>
        parsePlatformConfigFile(
          'x.yaml',
          'x.yaml',
          yaml('Version: 2', 'Configurations:', ...ubuntu('a'), ...ubuntu('a')),
        ),
      ),
    ).toBe('x.yaml:8:5: duplicate configuration Id "a" (first at x.yaml:4:5)');
  });

  test('shape mistakes name the field', () => {
    expect(
      errorOf(() => parsePlatformConfigFile('x.yaml', 'x.yaml', yaml('Version: 3', 'Configurations: []'))),
    ).toBe('x.yaml:1:10: x.yaml Version: Invalid input: expected 2');
    expect(
      errorOf(() =>
        parsePlatformConfigFile(
          'x.yaml',
          'x.yaml',
          yaml('Version: 2', 'Configurations:', '-', "    Id: 'a'", "    Compiler: 'GCC'"),
        ),
      ),
    ).toBe(
      'x.yaml:4:5: x.yaml Configurations[0].Template: Invalid input: expected string, received undefined',
    );
    expect(errorOf(() => parsePlatformConfigFile('x.yaml', 'x.yaml', 'just text\n'))).toBe(
      'x.yaml:1:1: a platform configuration file must be a map with "Version: 2", or just the name of another file',
    );
  });

  test('unknown keys are warnings with a hint', () => {
    const file = parsePlatformConfigFile(
      'x.yaml',
      'x.yaml',
      yaml('Version: 2', 'Configuration: []', 'Configurations:', ...ubuntu('a', "Feature: ['X']")),
    );
    expect(file.warnings.map(formatWarning)).toEqual([
      'x.yaml:2:16: x.yaml has no key "Configuration", did you mean Configurations?',
      'x.yaml:8:14: a configuration has no key "Feature", did you mean Features?',
    ]);
  });

  test('a file that is only a file name is an alias', () => {
    expect(parsePlatformConfigFile('ogl-runtime.yaml', 'ogl-runtime.yaml', 'qt5.yaml\n').aliasOf).toBe(
      'qt5.yaml',
    );
  });
});

describe('loading a set of configurations', () => {
  const files = {
    'base.yaml': yaml(
      'Version: 2',
      'Include: [extra.yaml]',
      'Configurations:',
      ...ubuntu('a'),
      ...ubuntu('b'),
    ),
    'extra.yaml': yaml(
      'Version: 2',
      'Configurations:',
      ...ubuntu('c', "Features: ['VMSize8']", "Platform dependency: 'a'"),
    ),
    'module.yaml': yaml(
      'Version: 2',
      'Include: [',
      '    base.yaml,',
      '    extra.yaml',
      ']',
      'Configurations: []',
      'Overrides:',
      '-',
      "    Id: 'c'",
      "    Features: ['VMSize8', 'InsignificantTests']",
    ),
    'picky.yaml': yaml(
      'Version: 2',
      'Include: [',
      '  base.yaml: [',
      '    "b", "gone"',
      '  ]',
      ']',
      'Configurations: []',
    ),
    'alias.yaml': 'module.yaml\n',
  };

  test('follows includes, keeps one of a configuration reached twice, applies overrides', () => {
    const set = loaderOf(files).load('module.yaml');
    expect(set.configurations.map((c) => c.name)).toEqual(['c', 'a', 'b']);
    const c = set.byId.get('c')!;
    expect(c.features).toEqual(['VMSize8', 'InsignificantTests']);
    expect(c.overriddenAt).toEqual({ file: 'module.yaml', line: 9, column: 5 });
    expect(c.source).toBe('extra.yaml');
    expect(set.warnings).toEqual([]);
  });

  test('an Include map takes only the named Ids; a name that is not there is a warning', () => {
    const set = loaderOf(files).load('picky.yaml');
    expect(set.configurations.map((c) => c.name)).toEqual(['b']);
    expect(set.warnings.map(formatWarning)).toEqual([
      'picky.yaml:3:14: base.yaml has no configuration "gone"',
    ]);
  });

  test('an alias file stands for the configurations of the file it names', () => {
    const set = loaderOf(files).load('alias.yaml');
    expect(set.name).toBe('alias.yaml');
    expect(set.file.aliasOf).toBe('module.yaml');
    expect(set.configurations.map((c) => c.name)).toEqual(['c', 'a', 'b']);
  });

  test('a dependency outside the set is a warning', () => {
    expect(loaderOf(files).load('extra.yaml').warnings.map(formatWarning)).toEqual([
      'extra.yaml:8:26: platform dependency "a" of "c" is not a configuration of extra.yaml or its includes',
    ]);
  });

  test('an override without a configuration is a warning', () => {
    const set = loaderOf({
      'o.yaml': yaml('Version: 2', 'Configurations: []', 'Overrides:', "- Id: 'x'", '  Features: []'),
    }).load('o.yaml');
    expect(set.warnings.map(formatWarning)).toEqual(['o.yaml:4:3: override of "x" matches no configuration']);
  });

  test('an Id declared twice in a set is an error naming both places', () => {
    const loader = loaderOf({
      'one.yaml': yaml('Version: 2', 'Configurations:', ...ubuntu('a')),
      'two.yaml': yaml('Version: 2', 'Include: [one.yaml]', 'Configurations:', ...ubuntu('a')),
    });
    expect(errorOf(() => loader.load('two.yaml'))).toBe(
      'two.yaml:5:5: configuration Id "a" occurs twice in two.yaml: one.yaml:4:5 and two.yaml:5:5',
    );
  });

  test('a missing include and an include cycle are errors', () => {
    expect(
      errorOf(() =>
        loaderOf({ 'm.yaml': yaml('Version: 2', 'Include: [', '  nope.yaml', ']') }).load('m.yaml'),
      ),
    ).toBe('m.yaml:3:3: no platform configuration file "nope.yaml"');
    const loader = loaderOf({
      'a.yaml': yaml('Version: 2', 'Include: [b.yaml]'),
      'b.yaml': yaml('Version: 2', '', 'Include: [a.yaml]'),
    });
    expect(errorOf(() => loader.load('a.yaml'))).toBe(
      'b.yaml:3:11: platform configuration include cycle: a.yaml:2 -> b.yaml:3 -> a.yaml:2',
    );
    expect(errorOf(() => loaderOf({}).load('x.yaml'))).toBe('no platform configuration file "x.yaml"');
  });
});
