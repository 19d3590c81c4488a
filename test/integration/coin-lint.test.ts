// `coin lint` as a user runs it: on the real Coin files of qt5, qtbase, qtsvg, qtdeclarative and
// qtshadertools (test/helpers/qt-fixtures.ts), and on a tree with one of each kind of mistake, all
// of them reported in one run.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCoin } from '../helpers/run-coin';
import { qtCoinFixtures } from '../helpers/qt-fixtures';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

// A real path: the CLI reports files by their resolved location.
const qt = qtCoinFixtures();
const fixtures = qt.dir;
const typo =
  'qt/qtbase/coin/instructions/prepare_elinux_build_environment.yaml:18:13: ' +
  'warning: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?';
// The real file writes 755 and then runs chmod 755: read as octal, and lint says so.
const fileMode755 =
  'qt/qtbase/coin/instructions/cmake_setup_running_qnxqemu_tests_env_vars.yaml:30:15: warning: ' +
  'fileMode 755 is not a decimal mode (over 511); it is read as octal 0755: write 493 or 0755';

describe.skipIf(!qt.found)('coin lint on the real Qt files', () => {
  test('every repository at once: no errors, the ExcuteCommand typo and stale platform Ids as warnings', async () => {
    const repos = ['qt/qt5', 'qt/qtbase', 'qt/qtsvg', 'qt/qtdeclarative', 'qt/qtshadertools'];
    const result = await runCoin(['lint', ...repos], { cwd: fixtures });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain(typo);
    expect(lines).toContain(
      'qt/qt5/coin/platform_configs/tqtc-qtpip.yaml:4:25: warning: cmake_platforms.yaml has no configuration "windows-10_22h2-msvc2019"',
    );
    expect(lines).toContain(fileMode755);
    expect(lines.filter((l) => l.includes(': error: '))).toEqual([]);
    // Every YAML file of the fixtures was looked at: 82 instruction files, 5 module configs,
    // 3 dependencies.yaml and 117 platform configuration files.
    expect(lines.at(-1)).toBe('0 errors, 11 warnings in 207 files');
  });

  test('a coin/instructions directory, a coin/ directory or a platform_configs directory alone', async () => {
    const instructions = await runCoin(['lint', 'qt/qtbase/coin/instructions'], { cwd: fixtures });
    expect(instructions.stdout).toBe(`${fileMode755}\n${typo}\n0 errors, 2 warnings in 77 files\n`);
    const coinDir = await runCoin(['lint', path.join(fixtures, 'qt/qtsvg/coin')]);
    expect(coinDir.stdout).toBe(`${path.join(fixtures, fileMode755)}\n0 errors, 1 warning in 2 files\n`);
    const platforms = await runCoin(['lint', 'qt/qt5/coin/platform_configs', '--json'], { cwd: fixtures });
    expect(platforms.code).toBe(0);
    const report = JSON.parse(platforms.stdout);
    expect(report).toMatchObject({ errors: 0, warnings: 9, files: 117 });
    expect(report.problems[0]).toEqual({
      severity: 'warning',
      file: path.join(fixtures, 'qt/qt5/coin/platform_configs/cmake_platforms_qemu_vxworks_tests.yaml'),
      line: 10,
      column: 26,
      message:
        'platform dependency "vxworks-imx6-buildtest" of "vxworks-imx6-tests" is not a configuration of ' +
        'cmake_platforms_qemu_vxworks_tests.yaml or its includes',
    });
  });
});

describe('coin lint on a tree full of mistakes', () => {
  let work: TempDir;
  beforeEach(async () => {
    work = await makeTempDir('lint-');
  });
  afterEach(async () => {
    await work.remove();
  });

  async function write(relative: string, ...lines: string[]): Promise<void> {
    const file = path.join(work.path, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, lines.join('\n') + '\n');
  }

  test('reports every problem at once with file:line:column, counts at the end, exit 1', async () => {
    const repo = 'qt/qtbroken';
    await write(
      `${repo}/coin/module_config.yaml`,
      'version: 2',
      'instrutions: []',
      'instructions:',
      '  Build:',
      '    - !include "{{qt/qtbroken}}/build.yaml"',
      '  Test: []',
    );
    await write(
      `${repo}/coin/instructions/build.yaml`,
      'type: Group',
      'instructions:',
      '  - type: ExcuteCommand',
      '    command: make',
      '  - type: ExecuteCommand',
      '    comand: make',
      '  - type: ExecuteCommand',
      '    command: "make -j{{.NumCPUs}}"',
      '  - type: EnvironmentVariable',
      '    variableName: A',
      '    variableValue: b',
      '    enable_if:',
      '      condition: property',
      '      property: host.os',
      '      equals_vale: Linux',
    );
    await write(
      `${repo}/coin/instructions/duplicate.yaml`,
      'type: ChangeDirectory',
      'directory: a',
      'directory: b',
    );
    await write(`${repo}/coin/instructions/syntax.yaml`, 'type: Group', 'instructions: [', '  - x');
    await write(
      `${repo}/coin/instructions/include.yaml`,
      'type: Group',
      'instructions:',
      '  - !include "{{qt/qtbase}}/none.yaml"',
    );
    await write(
      `${repo}/coin/instructions/sub/both.yaml`,
      'type: ChangeDirectory',
      'directory: x',
      'enable_if: {condition: property, property: host.os, equals_value: Linux}',
      'disable_if: {condition: property, property: host.os, equals_value: Windows}',
    );
    await write(`${repo}/dependencies.yaml`, 'dependencies:', '  ../qtbase:', '    required: true');
    await write(
      `${repo}/coin/platform_configs/qtbroken.yaml`,
      'Version: 2',
      'Configurations:',
      "- {Id: a, Template: 'qtci-plan9-1-x86_64-1', Compiler: GCC, Environment variables: ['X={{.Env.Y']}",
    );
    await write(
      `${repo}/coin/platform_configs/other.yaml`,
      'Version: 2',
      'Configurations:',
      '- {Id: b, Compiler: GCC}',
    );

    const result = await runCoin(['lint', repo], { cwd: work.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const instructions = `${repo}/coin/instructions`;
    expect(result.stdout.trim().split('\n')).toEqual([
      `${instructions}/build.yaml:3:11: warning: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?`,
      `${instructions}/build.yaml:5:11: warning: ExecuteCommand needs "command"`,
      `${instructions}/build.yaml:6:13: warning: ExecuteCommand has no field "comand", did you mean command?`,
      `${instructions}/build.yaml:8:14: error: unknown template field .NumCPUs in {{.NumCPUs}} (known: .SourceDir, ` +
        '.BuildDir, .InstallDir, .InstallRoot, .AgentWorkingDir, .CoinDownloadURL, .NumCPU, .Env)',
      `${instructions}/build.yaml:15:20: error: unknown field 'equals_vale' in a property condition; did you mean 'equals_value'?`,
      `${instructions}/duplicate.yaml:3:1: error: duplicate key "directory" (first at ${work.path}/${instructions}/duplicate.yaml:2:1)`,
      `${instructions}/include.yaml:3:14: error: !include "{{qt/qtbase}}/none.yaml": ${work.path}/qt/qtbase/coin/instructions/none.yaml does not exist`,
      `${instructions}/sub/both.yaml:4:13: error: ChangeDirectory has both enable_if and disable_if; keep one of them`,
      expect.stringMatching(new RegExp(`^${instructions}/syntax.yaml:\\d+:\\d+: error: YAML syntax error: `)),
      `${repo}/coin/module_config.yaml:2:14: warning: module_config.yaml has no key "instrutions", did you mean instructions?`,
      `${repo}/coin/platform_configs/other.yaml:3:3: error: other.yaml Configurations[0].Template: Invalid input: expected string, received undefined`,
      `${repo}/coin/platform_configs/qtbroken.yaml:3:21: error: Template "qtci-plan9-1-x86_64-1" is not of the form qtci-<linux|windows|macos>-<version>-<arch>-<revision>`,
      `${repo}/coin/platform_configs/qtbroken.yaml:3:84: error: unclosed template action {{.Env.Y`,
      `${repo}/dependencies.yaml:3:5: error: dependencies.yaml dependencies.../qtbase.ref: Invalid input: expected string, received undefined`,
      '10 errors, 4 warnings in 9 files',
    ]);
  });

  test('usage errors: a missing directory, or one without Coin files', async () => {
    const missing = await runCoin(['lint', path.join(work.path, 'nothing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`coin: ${work.path}/nothing is not a directory\n`);
    const empty = await runCoin(['lint', work.path]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      `coin: ${work.path} holds no Coin files (give a repository with coin/, a coin/ directory or a platform_configs directory)\n`,
    );
    const none = await runCoin(['lint']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("error: missing required argument 'dir'");
  });
});
