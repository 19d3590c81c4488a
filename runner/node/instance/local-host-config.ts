/**
 * The default platform configuration of a local instance: this machine, described the way Qt's
 * platform configurations describe a VM template, so module conditions read it naturally.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parsePlatformConfigFile, type PlatformConfiguration } from '../../core/coin-files/platform-configs';
import { childEnv } from '../child-env';

const osKeys: Record<string, string> = { linux: 'linux', darwin: 'macos', win32: 'windows' };
const archKeys: Record<string, string> = { x64: 'x86_64', arm64: 'arm64', arm: 'armv7', ia32: 'x86' };

/** `Debian-12`, `Ubuntu-22.04`: the distribution and version from /etc/os-release (Linux). */
function linuxDistribution(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
    const name = (field('NAME') ?? 'Linux').split(' ')[0]!;
    return `${name}-${field('VERSION_ID') ?? '0'}`;
  } catch {
    return 'Linux-0';
  }
}

/** The compiler on PATH, named the way platform configurations name compilers. */
function detectCompiler(): string {
  for (const [program, name] of [
    ['gcc', 'GCC'],
    ['clang', 'Clang'],
    ['cc', 'GCC'],
  ] as const) {
    try {
      execFileSync(program, ['--version'], { env: childEnv(), stdio: 'ignore' });
      return name;
    } catch {
      // try the next one
    }
  }
  return 'None';
}

/** The YAML of the local configuration (also what `coin run` prints with --verbose). */
export function localHostConfigYaml(): string {
  const osKey = osKeys[process.platform] ?? process.platform;
  const version = osKey === 'linux' ? linuxDistribution() : os.release().split('.')[0]!;
  const arch = archKeys[process.arch] ?? process.arch;
  return [
    'Version: 2',
    'Configurations:',
    `- Id: 'local-${osKey}-${arch}'`,
    `  Template: 'qtci-${osKey}-${version}-${arch}-0'`,
    `  Compiler: '${detectCompiler()}'`,
    "  Features: ['LocalHost']",
    "  Configure arguments: ''",
    '  Environment variables: []',
    '',
  ].join('\n');
}

/** The local host as a platform configuration. */
export function localHostConfiguration(): PlatformConfiguration {
  const file = parsePlatformConfigFile('local-host.yaml', '<local host>', localHostConfigYaml());
  return file.configurations[0]!;
}
