/**
 * Which platform configurations a module is planned on, from qt5's `coin/platform_configs`.
 * No public source states Coin's rule; what follows is *inferred* from the files themselves:
 *
 * - a module's own file is `<repo>.yaml` (qtsvg.yaml, qtqa.yaml);
 * - a module without one is planned with `cmake_platforms.yaml`, the file that most module files
 *   consist of (`Include: [cmake_platforms.yaml]` and nothing else, as qtqa.yaml);
 * - `default.yaml` (two TestOnly configurations with the LicenseCheckV2 feature) is added to
 *   every module's set unless its file says `Module only: True`: qtqa accepts only configurations
 *   with LicenseCheck/LicenseCheckV2 and its own file has none, the self-contained
 *   nightly_ubuntu_22_04_xwayland.yaml lists its configurations under the comments
 *   `# cmake_platforms.yaml` and `# default.yaml`, and `Module only: True` appears exactly in the
 *   files of products that must not get them (qt-creator.yaml, pyside-setup.yaml, ...).
 *
 * `allPlatforms` is every configuration of the directory (what `coin plan --all-configs` plans,
 * and what an instance started with `--platform-configs` offers).
 */
import type { CoinFileWarning } from './coin-yaml';
import type { PlatformConfigLoader, PlatformConfigSet, PlatformConfiguration } from './platform-configs';

/** The file a module without its own is planned with (*inferred*). */
export const fallbackPlatformFile = 'cmake_platforms.yaml';

/** The file whose configurations every module gets unless its own file is `Module only` (*inferred*). */
export const defaultPlatformFile = 'default.yaml';

/** The configurations a plan covers and where they came from. */
export interface PlatformSelection {
  /** The files read, in order (the module's own or the fallback first). */
  readonly files: readonly string[];
  readonly configurations: readonly PlatformConfiguration[];
  /** Every configuration of the directory by Id: where platform dependencies are looked up. */
  readonly byId: ReadonlyMap<string, PlatformConfiguration>;
  /** What was decided for the module, in words (`qtfoo.yaml does not exist: ...`). */
  readonly notes: readonly string[];
  readonly warnings: readonly CoinFileWarning[];
}

/** Whether the directory has `name`. */
function exists(loader: PlatformConfigLoader, name: string): boolean {
  return loader.source.read(name) !== undefined;
}

/** Configurations of `sets` in order, each name once (the first occurrence wins). */
function merge(sets: readonly PlatformConfigSet[]): PlatformConfiguration[] {
  const seen = new Set<string>();
  return sets
    .flatMap((set) => set.configurations)
    .filter((config) => !seen.has(config.name) && seen.add(config.name));
}

function byIdOf(configurations: readonly PlatformConfiguration[]): Map<string, PlatformConfiguration> {
  return new Map(configurations.filter((c) => c.id !== undefined).map((c) => [c.id!, c]));
}

/**
 * The configurations Coin plans `repo` (the repository name, `qtsvg`) on; undefined when the
 * directory has neither its file nor the fallback.
 */
export function modulePlatforms(loader: PlatformConfigLoader, repo: string): PlatformSelection | undefined {
  const own = `${repo}.yaml`;
  const notes: string[] = [];
  let first = own;
  if (!exists(loader, own)) {
    if (!exists(loader, fallbackPlatformFile)) return undefined;
    first = fallbackPlatformFile;
    notes.push(
      `there is no ${own}: planned with ${fallbackPlatformFile}, as Coin does for a module without its own file (inferred: docs/cli/plan-and-lint.md)`,
    );
  }
  const sets = [loader.load(first)];
  if (sets[0]!.file.moduleOnly) {
    notes.push(`${first} says "Module only": ${defaultPlatformFile} is not added`);
  } else if (exists(loader, defaultPlatformFile) && first !== defaultPlatformFile) {
    sets.push(loader.load(defaultPlatformFile));
    notes.push(
      `${defaultPlatformFile} is added, as Coin adds it to every module's configurations (inferred: docs/cli/plan-and-lint.md)`,
    );
  }
  const configurations = merge(sets);
  return {
    files: sets.map((s) => s.name),
    configurations,
    byId: byIdOf(configurations),
    notes,
    warnings: sets.flatMap((s) => s.warnings),
  };
}

/** One named file, as given (`--platform-config-file`): its configurations and nothing added. */
export function filePlatforms(loader: PlatformConfigLoader, name: string): PlatformSelection {
  const set = loader.load(name);
  return {
    files: [name],
    configurations: set.configurations,
    byId: set.byId,
    notes: [],
    warnings: set.warnings,
  };
}

/**
 * Every configuration of every file in `names` (sorted by the caller), each name once: a
 * configuration several files include is taken from the first file that has it.
 */
export function allPlatforms(loader: PlatformConfigLoader, names: readonly string[]): PlatformSelection {
  const sets = names.map((name) => loader.load(name));
  const configurations = merge(sets);
  return {
    files: [...names],
    configurations,
    byId: byIdOf(configurations),
    notes: [`every configuration of the ${names.length} files of the directory`],
    warnings: sets.flatMap((s) => s.warnings),
  };
}
