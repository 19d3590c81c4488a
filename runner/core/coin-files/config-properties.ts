/**
 * The one mapping from a platform configuration to the properties conditions read
 * (`condition: property`). The real Coin source is not public: the mapping is *inferred* from the
 * values the real instruction files compare against (shared/reference/coin-instructions.md).
 *
 * | property                     | comes from                                   | example                     |
 * |------------------------------|----------------------------------------------|-----------------------------|
 * | host.os                      | Template `qtci-<os>-...`                     | Linux, Windows, MacOS       |
 * | host.osVersion               | Template version part                        | Ubuntu_22_04, Windows_11_22H2, MacOS_14 |
 * | host.arch                    | Template arch part, normalised (archNames)   | X86_64, AARCH64, ARM64      |
 * | host.compiler                | Compiler                                     | GCC, MSVC2022, Clang, Mingw |
 * | target.os                    | family of Target os (osFamilies), else host.os | QNX, Android, Linux       |
 * | target.osVersion             | Target os as written, else host.osVersion    | QNX_710, Android_ANY, QEMU  |
 * | target.arch                  | Target arch normalised, else host.arch       | ARM64, ARMV7, Multi         |
 * | target.compiler              | Target compiler, else Compiler               | Clang, QCC                  |
 * | configureArgs                | Configure arguments ('' when absent)         | -developer-build ...        |
 * | features                     | Features (a list; [] when absent)            | [Sccache, UseConfigure]     |
 * | platformDependency           | Platform dependency: the Id, a list of Ids, or null | ubuntu-22.04         |
 * | platformDependency.<prop>    | <prop> of the first dependency found (null when none) | platformDependency.target.osVersion |
 *
 * Why target.os is a family and target.osVersion the written value: the files test
 * `target.osVersion in [Android_ANY, QEMU, QNX_710, ...]` and `target.os equals QNX`, and
 * `host.os equals_property target.os` together with `target.osVersion not_in [QEMU, ...]` to mean
 * "a native build", which only makes sense if QEMU (Boot2Qt) targets count as Linux.
 */
import type { PlatformConfiguration } from './platform-configs';
import { CoinFileError, fieldPos } from './source-pos';

/** The property bag a condition reads: dotted names to a string, a list (features) or null (unset). */
export type ConfigProperties = Readonly<Record<string, string | readonly string[] | null>>;

/** The properties of one configuration itself; `platformDependency.<each of these>` reads its dependency. */
export const configPropertyNames = [
  'host.os',
  'host.osVersion',
  'host.arch',
  'host.compiler',
  'target.os',
  'target.osVersion',
  'target.arch',
  'target.compiler',
  'configureArgs',
  'features',
] as const;

/** What a VM template name says about the host. */
export interface HostTemplate {
  readonly os: string;
  readonly osVersion: string;
  readonly arch: string;
  readonly revision: number;
}

const hostOsNames: Readonly<Record<string, string>> = { linux: 'Linux', windows: 'Windows', macos: 'MacOS' };

/** Architecture spellings of templates and `Target arch` to the values conditions compare with. */
export const archNames: Readonly<Record<string, string>> = {
  x86: 'X86',
  x86_64: 'X86_64',
  amd64: 'X86_64',
  arm64: 'ARM64',
  aarch64: 'AARCH64',
  arm: 'ARM64', // macOS templates say "arm" for Apple silicon
  armv7: 'ARMV7',
  mips64: 'MIPS64',
  multi: 'Multi', // Android multi-ABI builds
};

/** `Target os` values to the OS family in target.os (others: the part before the first "_"). */
export const osFamilies: Readonly<Record<string, string>> = {
  Android_ANY: 'Android',
  IOS_ANY: 'IOS',
  QNX_710: 'QNX',
  QNX_800: 'QNX',
  QEMU: 'Linux', // Boot2Qt images run in QEMU
  IMX8: 'Linux', // Boot2Qt on i.MX 8 hardware
  WebAssembly: 'WebAssembly',
  INTEGRITY: 'INTEGRITY',
  VxWorks: 'VxWorks',
};

const templatePattern = /^qtci-(linux|windows|macos)-(.+)-([^-]+)-(\d+)$/;

/** Parse `qtci-linux-Ubuntu-22.04-x86_64-51`; undefined when the name has another shape. */
export function parseTemplate(template: string): HostTemplate | undefined {
  const match = templatePattern.exec(template);
  if (!match) return undefined;
  const [, os, version, arch, revision] = match as unknown as [string, string, string, string, string];
  const osName = hostOsNames[os]!;
  const osVersion =
    os === 'linux' ? version.replace(/[-.]/g, '_') : `${osName}_${version.replace(/[-.]/g, '_')}`;
  return { os: osName, osVersion, arch: normalizeArch(arch), revision: Number(revision) };
}

/** `arm64` -> `ARM64`, `ARMv7` -> `ARMV7`, `multi` -> `Multi`; unknown spellings upper-cased. */
export function normalizeArch(arch: string): string {
  return archNames[arch.toLowerCase()] ?? arch.toUpperCase();
}

/** `QNX_710` -> `QNX`, `Android_ANY` -> `Android`, `QEMU` -> `Linux`. */
export function targetOsFamily(targetOs: string): string {
  return osFamilies[targetOs] ?? targetOs.split('_')[0]!;
}

/** The properties of `config`; `dependency` finds a configuration by Id for platformDependency.*. */
export function configProperties(
  config: PlatformConfiguration,
  dependency: (id: string) => PlatformConfiguration | undefined = () => undefined,
): ConfigProperties {
  const own = ownProperties(config);
  const found = config.platformDependency.map(dependency).find((c) => c !== undefined);
  const fromDependency = found ? ownProperties(found) : undefined;
  const bag: Record<string, string | readonly string[] | null> = { ...own };
  const ids = config.platformDependency;
  bag.platformDependency = ids.length === 0 ? null : ids.length === 1 ? ids[0]! : ids;
  for (const name of configPropertyNames) bag[`platformDependency.${name}`] = fromDependency?.[name] ?? null;
  return bag;
}

function ownProperties(
  config: PlatformConfiguration,
): Record<(typeof configPropertyNames)[number], string | readonly string[]> {
  const host = parseTemplate(config.template);
  if (!host) {
    throw new CoinFileError(
      fieldPos(config.fields, 'Template'),
      `Template "${config.template}" is not of the form qtci-<linux|windows|macos>-<version>-<arch>-<revision>`,
    );
  }
  return {
    'host.os': host.os,
    'host.osVersion': host.osVersion,
    'host.arch': host.arch,
    'host.compiler': config.compiler,
    'target.os': config.targetOs === undefined ? host.os : targetOsFamily(config.targetOs),
    'target.osVersion': config.targetOs ?? host.osVersion,
    'target.arch': config.targetArch === undefined ? host.arch : normalizeArch(config.targetArch),
    'target.compiler': config.targetCompiler ?? config.compiler,
    configureArgs: config.configureArguments,
    features: config.features,
  };
}
