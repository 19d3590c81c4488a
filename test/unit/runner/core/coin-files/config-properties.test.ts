import { describe, expect, test } from 'vitest';
import {
  configProperties,
  normalizeArch,
  parseTemplate,
  targetOsFamily,
} from '../../../../../runner/core/coin-files/config-properties';
import { parsePlatformConfigFile } from '../../../../../runner/core/coin-files/platform-configs';
import { yaml } from './memory-files';

function configs(...lines: string[]) {
  const file = parsePlatformConfigFile('x.yaml', 'x.yaml', yaml('Version: 2', 'Configurations:', ...lines));
  const byId = new Map(file.configurations.map((c) => [c.id!, c]));
  return { list: file.configurations, lookup: (id: string) => byId.get(id) };
}

describe('VM templates', () => {
  test.each([
    [
      'qtci-linux-Ubuntu-22.04-x86_64-51',
      { os: 'Linux', osVersion: 'Ubuntu_22_04', arch: 'X86_64', revision: 51 },
    ],
    [
      'qtci-linux-SLES-15_SP5-x86_64-50',
      { os: 'Linux', osVersion: 'SLES_15_SP5', arch: 'X86_64', revision: 50 },
    ],
    [
      'qtci-linux-Debian-11.6-aarch64-50',
      { os: 'Linux', osVersion: 'Debian_11_6', arch: 'AARCH64', revision: 50 },
    ],
    [
      'qtci-windows-11_22H2-x86_64-52',
      { os: 'Windows', osVersion: 'Windows_11_22H2', arch: 'X86_64', revision: 52 },
    ],
    [
      'qtci-windows-11_22H2-aarch64-53',
      { os: 'Windows', osVersion: 'Windows_11_22H2', arch: 'AARCH64', revision: 53 },
    ],
    ['qtci-macos-14-arm-106', { os: 'MacOS', osVersion: 'MacOS_14', arch: 'ARM64', revision: 106 }],
    ['qtci-macos-13-x86_64-103', { os: 'MacOS', osVersion: 'MacOS_13', arch: 'X86_64', revision: 103 }],
  ])('%s', (template, host) => {
    expect(parseTemplate(template)).toEqual(host);
  });

  test('other names are not templates', () => {
    expect(parseTemplate('ubuntu')).toBeUndefined();
    expect(parseTemplate('qtci-solaris-11-sparc-1')).toBeUndefined();
  });

  test('architectures and target OS families', () => {
    expect(
      ['arm64', 'ARMv7', 'armv7', 'x86', 'X86_64', 'mips64', 'multi', 'x86_64-arm64', 'TARGET1'].map(
        normalizeArch,
      ),
    ).toEqual(['ARM64', 'ARMV7', 'ARMV7', 'X86', 'X86_64', 'MIPS64', 'Multi', 'X86_64-ARM64', 'TARGET1']);
    expect(
      ['QNX_710', 'Android_ANY', 'IOS_ANY', 'QEMU', 'WebAssembly', 'INTEGRITY', 'VxWorks', 'WinRT'].map(
        targetOsFamily,
      ),
    ).toEqual(['QNX', 'Android', 'IOS', 'Linux', 'WebAssembly', 'INTEGRITY', 'VxWorks', 'WinRT']);
  });
});

describe('configProperties', () => {
  const { list, lookup } = configs(
    '- Id: rhel-8.10',
    '  Template: qtci-linux-RHEL-8.10-x86_64-51',
    '  Compiler: GCC',
    "  Features: ['Sccache', 'UseConfigure']",
    "  Configure arguments: '-release'",
    '- Id: android-on-linux',
    '  Template: qtci-linux-RHEL-8.10-x86_64-51',
    '  Compiler: GCC',
    '  Target os: Android_ANY',
    '  Target arch: x86',
    '  Target compiler: Clang',
    '  Platform dependency: rhel-8.10',
    '- Id: multi',
    '  Template: qtci-linux-RHEL-8.10-x86_64-51',
    '  Compiler: GCC',
    '  Target os: Android_ANY',
    '  Target arch: multi',
    "  Platform dependency: ['gone', 'android-on-linux', 'rhel-8.10']",
  );

  test('a native configuration: target is the host', () => {
    expect(configProperties(list[0]!, lookup)).toEqual({
      'host.os': 'Linux',
      'host.osVersion': 'RHEL_8_10',
      'host.arch': 'X86_64',
      'host.compiler': 'GCC',
      'target.os': 'Linux',
      'target.osVersion': 'RHEL_8_10',
      'target.arch': 'X86_64',
      'target.compiler': 'GCC',
      configureArgs: '-release',
      features: ['Sccache', 'UseConfigure'],
      platformDependency: null,
      'platformDependency.host.os': null,
      'platformDependency.host.osVersion': null,
      'platformDependency.host.arch': null,
      'platformDependency.host.compiler': null,
      'platformDependency.target.os': null,
      'platformDependency.target.osVersion': null,
      'platformDependency.target.arch': null,
      'platformDependency.target.compiler': null,
      'platformDependency.configureArgs': null,
      'platformDependency.features': null,
    });
  });

  test('a cross configuration reads its dependency through platformDependency.*', () => {
    expect(configProperties(list[1]!, lookup)).toMatchObject({
      'host.os': 'Linux',
      'target.os': 'Android',
      'target.osVersion': 'Android_ANY',
      'target.arch': 'X86',
      'target.compiler': 'Clang',
      configureArgs: '',
      features: [],
      platformDependency: 'rhel-8.10',
      'platformDependency.target.osVersion': 'RHEL_8_10',
      'platformDependency.features': ['Sccache', 'UseConfigure'],
    });
  });

  test('several dependencies: the list, and the properties of the first one found', () => {
    expect(configProperties(list[2]!, lookup)).toMatchObject({
      'target.arch': 'Multi',
      platformDependency: ['gone', 'android-on-linux', 'rhel-8.10'],
      'platformDependency.target.osVersion': 'Android_ANY',
    });
  });

  test('a dependency that cannot be found leaves platformDependency.* unset', () => {
    expect(configProperties(list[1]!)).toMatchObject({
      platformDependency: 'rhel-8.10',
      'platformDependency.host.os': null,
    });
  });

  test('a Template that is not a qtci template is an error at its place', () => {
    const { list: bad } = configs('- Id: x', '  Template: my-laptop', '  Compiler: GCC');
    expect(() => configProperties(bad[0]!)).toThrow(
      'x.yaml:4:13: Template "my-laptop" is not of the form qtci-<linux|windows|macos>-<version>-<arch>-<revision>',
    );
  });
});
