// The loader against the real Coin files of Qt's public repositories (test/helpers/qt-fixtures.ts),
// read from the filesystem through the node resolvers: every file loads, every include resolves,
// the platform configurations add up, and lint finds the real `ExcuteCommand` typo.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { configProperties } from '../../runner/core/coin-files/config-properties';
import { formatWarning, IncludeDirective } from '../../runner/core/coin-files/coin-yaml';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { InstructionTreeBuilder } from '../../runner/core/coin-files/instruction-tree';
import {
  lintInstructionFiles,
  lintModuleConfig,
  loadModuleConfig,
  parseModuleDependencies,
} from '../../runner/core/coin-files/module-config';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { posOf } from '../../runner/core/coin-files/source-pos';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { qtCoinFixtures } from '../helpers/qt-fixtures';

const qt = qtCoinFixtures();
const fixtures = qt.dir;
const describeWithQt = describe.skipIf(!qt.found);
const platformConfigDir = path.join(fixtures, 'qt/qt5/coin/platform_configs');
const modules = ['qt/qt5', 'qt/qtbase', 'qt/qtsvg', 'qt/qtdeclarative', 'qt/qtshadertools'];

function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** `qt/qtbase` and `coin/instructions/x.yaml` of a fixture file. */
function repoAndPath(file: string): [string, string] {
  const parts = path.relative(fixtures, file).split(path.sep);
  return [parts.slice(0, 2).join('/'), parts.slice(2).join('/')];
}

function containsInclude(value: unknown, seen = new Set<object>()): boolean {
  if (value instanceof IncludeDirective) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).some((v) => containsInclude(v, seen));
}

describeWithQt('the real Coin files of qt/qt5, qtbase, qtsvg, qtdeclarative and qtshadertools', () => {
  const files = new FsRepoResolver(fixtures);
  const source = new FsPlatformConfigSource(platformConfigDir);
  let includes: IncludeResolver;
  let platforms: PlatformConfigLoader;

  beforeAll(() => {
    expect(fs.existsSync(platformConfigDir)).toBe(true);
    includes = new IncludeResolver(files);
    platforms = new PlatformConfigLoader(source);
  });

  test('every YAML file loads without error, each by the loader of its kind', () => {
    const all = yamlFilesUnder(fixtures);
    const kinds = { instructions: 0, moduleConfig: 0, dependencies: 0, platformConfigs: 0 };
    const builder = new InstructionTreeBuilder();
    for (const file of all) {
      const [repo, relative] = repoAndPath(file);
      if (relative.startsWith('coin/instructions/')) {
        const loaded = includes.load(repo, relative);
        builder.instruction(loaded.value, posOf(loaded.value));
        kinds.instructions++;
      } else if (relative === 'coin/module_config.yaml') {
        loadModuleConfig(includes, repo);
        kinds.moduleConfig++;
      } else if (relative === 'dependencies.yaml') {
        parseModuleDependencies(file, fs.readFileSync(file, 'utf8'));
        kinds.dependencies++;
      } else if (relative.startsWith('coin/platform_configs/')) {
        platforms.load(path.basename(file));
        kinds.platformConfigs++;
      } else {
        throw new Error(`no loader for ${file}`);
      }
    }
    expect(kinds).toEqual({ instructions: 82, moduleConfig: 5, dependencies: 3, platformConfigs: 117 });
    expect(Object.values(kinds).reduce((a, b) => a + b)).toBe(all.length);
  });

  test('the qt5 platform configuration files declare 150 configurations, Ids unique per file', () => {
    const names = source.names();
    const parsed = names.map((name) => platforms.file(name));
    expect(names).toHaveLength(117);
    expect(parsed.filter((f) => f.aliasOf).map((f) => [f.name, f.aliasOf])).toEqual([
      ['ogl-runtime.yaml', 'qt5.yaml'],
      ['qt3d-runtime.yaml', 'qt5.yaml'],
    ]);
    const declared = parsed.flatMap((f) => f.configurations);
    expect(declared).toHaveLength(150);
    expect(declared.filter((c) => c.id === undefined)).toHaveLength(28);
    for (const file of parsed) {
      const ids = file.configurations.flatMap((c) => (c.id === undefined ? [] : [c.id]));
      expect(new Set(ids).size, file.name).toBe(ids.length);
    }
    expect(parsed.filter((f) => f.moduleOnly)).toHaveLength(29);
    expect(parsed.filter((f) => f.overrides.length > 0).map((f) => f.name)).toEqual([
      'qtbase.yaml',
      'qtsvg.yaml',
    ]);
    expect(parsed.flatMap((f) => f.warnings)).toEqual([]);
  });

  test("a module's set follows includes and overrides, and every configuration has properties", () => {
    const qtbase = platforms.load('qtbase.yaml');
    expect(qtbase.configurations).toHaveLength(78);
    expect(qtbase.warnings).toEqual([]);
    expect(qtbase.byId.get('vxworks-imx6-tests')?.features).toContain('InsignificantTests');
    expect(platforms.load('qt5.yaml').configurations).toHaveLength(65);
    expect(platforms.load('ogl-runtime.yaml').configurations).toHaveLength(65);
    for (const name of source.names()) {
      const set = platforms.load(name);
      for (const config of set.configurations) {
        const props = configProperties(config, (id) => set.byId.get(id));
        expect(props['host.os'], `${name} ${config.name}`).toMatch(/^(Linux|Windows|MacOS)$/);
      }
    }
    const android = configProperties(qtbase.byId.get('android-9-x86-on-linux')!, (id) => qtbase.byId.get(id));
    expect(android).toMatchObject({
      'host.os': 'Linux',
      'target.os': 'Android',
      'target.osVersion': 'Android_ANY',
      'target.arch': 'X86',
      platformDependency: 'rhel-8.10',
      'platformDependency.target.osVersion': 'RHEL_8_10',
    });
  });

  test('stale Ids in real Include maps are warnings, not failures', () => {
    expect(platforms.load('tqtc-qtpip.yaml').warnings.map(formatWarning)).toEqual([
      `${platformConfigDir}/tqtc-qtpip.yaml:4:25: cmake_platforms.yaml has no configuration "windows-10_22h2-msvc2019"`,
    ]);
  });

  test('every module config resolves all its includes; qtsvg, qtdeclarative and qtshadertools from qtbase', () => {
    for (const repo of modules) {
      const config = loadModuleConfig(includes, repo);
      expect(containsInclude(includes.load(repo, 'coin/module_config.yaml').value), repo).toBe(false);
      expect(config.instructions.Build.length, repo).toBeGreaterThan(0);
      expect(config.acceptConfiguration, repo).toEqual({
        condition: 'property',
        property: 'features',
        not_contains_value: 'Disable',
      });
      // qtbase's templates reach its QNX setup, whose real file writes fileMode 755; qt5 has its own.
      expect(lintModuleConfig(config).map(formatWarning), repo).toEqual(
        repo === 'qt/qt5'
          ? []
          : [
              `${fixtures}/qt/qtbase/coin/instructions/cmake_setup_running_qnxqemu_tests_env_vars.yaml:30:15: ` +
                'fileMode 755 is not a decimal mode (over 511); it is read as octal 0755: write 493 or 0755',
            ],
      );
    }
    for (const repo of ['qt/qtsvg', 'qt/qtdeclarative', 'qt/qtshadertools']) {
      const build = loadModuleConfig(includes, repo).instructions.Build[0]!;
      expect(build.pos?.file).toBe(
        path.join(fixtures, 'qt/qtbase/coin/instructions/coin_module_build_template_v2.yaml'),
      );
      const deps = parseModuleDependencies(
        'd',
        fs.readFileSync(path.join(fixtures, repo, 'dependencies.yaml'), 'utf8'),
      );
      expect(deps.map((d) => d.module)).toContain('qtbase');
    }
    expect(loadModuleConfig(includes, 'qt/qtbase').machineType).toEqual({
      Build: { cores: 8 },
      Test: { cores: 4 },
    });
  });

  test('a warm load parses nothing: the include cache serves every file', () => {
    const cold = new IncludeResolver(files);
    loadModuleConfig(cold, 'qt/qtdeclarative');
    const parsedCold = cold.stats.filesParsed;
    expect(parsedCold).toBeGreaterThan(20);
    loadModuleConfig(cold, 'qt/qtsvg');
    expect(cold.stats.filesParsed).toBe(parsedCold + 1);
    loadModuleConfig(cold, 'qt/qtsvg');
    expect(cold.stats.filesParsed).toBe(parsedCold + 1);
  });

  test('lint of the whole qtbase tree finds the real ExcuteCommand typo with its file:line', () => {
    const paths = files.listYamlFiles('qt/qtbase', 'coin/instructions');
    expect(paths).toContain('coin/instructions/debian/prepare_debian_env.yaml');
    const warnings = lintInstructionFiles(includes, 'qt/qtbase', paths).map(formatWarning);
    expect(warnings).toEqual([
      `${fixtures}/qt/qtbase/coin/instructions/cmake_setup_running_qnxqemu_tests_env_vars.yaml:30:15: ` +
        'fileMode 755 is not a decimal mode (over 511); it is read as octal 0755: write 493 or 0755',
      `${fixtures}/qt/qtbase/coin/instructions/prepare_elinux_build_environment.yaml:18:13: ` +
        'unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    ]);
    expect(
      lintInstructionFiles(includes, 'qt/qt5', files.listYamlFiles('qt/qt5', 'coin/instructions')),
    ).toEqual([]);
  });

  test('the filesystem resolver stays inside its root', () => {
    expect(files.read('qt/qtbase', '../../../../etc/passwd')).toBeUndefined();
    expect(files.read('qt/qtbase', 'coin/instructions/none.yaml')).toBeUndefined();
    expect(files.describe('qt/qtbase', 'coin/x.yaml')).toBe(path.join(fixtures, 'qt/qtbase/coin/x.yaml'));
    expect(source.read('../module_config.yaml')).toBeUndefined();
  });
});
