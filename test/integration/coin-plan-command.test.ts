// `coin plan` as a user runs it, on the real Coin files of qtsvg and qtdeclarative with qt5's
// platform configurations (test/helpers/qt-fixtures.ts): the summary, the steps with their
// decisions, rendered commands and time limits, --env and --json, rejections, bad input.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../runner/core/coin-files/module-config';
import { modulePlatforms } from '../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { planReport, type PlanReport } from '../../runner/core/plan-report';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { runCoin } from '../helpers/run-coin';
import { qtCoinFixtures } from '../helpers/qt-fixtures';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

// A real path: the CLI reports files by their resolved location.
const qt = qtCoinFixtures();
const fixtures = qt.dir;
const platformConfigDir = path.join(fixtures, 'qt/qt5/coin/platform_configs');

let includes: IncludeResolver;
let platforms: PlatformConfigLoader;
beforeAll(() => {
  includes = new IncludeResolver(new FsRepoResolver(fixtures));
  platforms = new PlatformConfigLoader(new FsPlatformConfigSource(platformConfigDir));
});

function reportOf(repo: string, configName?: string): PlanReport {
  const module = loadModuleConfig(includes, repo);
  const set = modulePlatforms(platforms, repo.split('/')[1]!)!;
  return planReport({ module, project: repo, platforms: set, configName, displayRoot: fixtures });
}

describe.skipIf(!qt.found)('coin plan (the command)', () => {
  let work: TempDir;
  beforeEach(async () => {
    work = await makeTempDir('plan-');
  });
  afterEach(async () => {
    await work.remove();
  });
  // generous: a test starts several at once, and the machine is shared
  const plan = (...args: string[]) =>
    runCoin(['plan', '--platform-configs', platformConfigDir, ...args], { timeoutMs: 120_000 });

  test('prints the steps of a phase with sources, decisions, reasons and rendered commands', async () => {
    const result = await plan(
      '--module',
      path.join(fixtures, 'qt/qtsvg'),
      '--config',
      'ubuntu-22.04',
      '--phase',
      'Build',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Plan of qt/qtsvg (qt/qtsvg/coin/module_config.yaml) with qt/qt5/coin/platform_configs: qtsvg.yaml + default.yaml',
      "note: default.yaml is added, as Coin adds it to every module's configurations (inferred: docs/cli/plan-and-lint.md)",
      '1 of 71 configurations considered: 1 accepted, 0 rejected by accept_configuration',
    ]);
    expect(result.stdout).toContain('work item (sample): coin-plan.build.qt_qtsvg.ubuntu-22.04');
    expect(result.stdout).toContain(
      'agent (sample): SourceDir=/home/qt/work/qt/qtsvg BuildDir=/home/qt/work/qt/qtsvg_build ' +
        'InstallDir=/home/qt/work/install InstallRoot=/home/qt/work/install-root AgentWorkingDir=/home/qt/work NumCPU=4',
    );
    const at = lines.findIndex((l) => l.includes('call_configure_module.yaml:4:5'));
    expect(lines[at]).toMatch(
      /^run +ExecuteCommand +qt\/qtbase\/coin\/instructions\/call_configure_module\.yaml:4:5$/,
    );
    // call_configure_module.yaml 4:5 sets maxTimeInSeconds: 6000, maxTimeBetweenOutput: 1200
    expect(lines.slice(at + 1, at + 4).map((l) => l.trim())).toEqual([
      'enable_if: features contains UseConfigure -> true (it is [Sccache, UseConfigure, DoNotRunTests, GenerateSBOM, VerifySBOM])',
      '$ /home/qt/work/install/bin/qt-configure-module /home/qt/work/qt/qtsvg -DCMAKE_C_COMPILER_LAUNCHER=sccache ' +
        '-DCMAKE_CXX_COMPILER_LAUNCHER=sccache -- -DFFMPEG_DIR= -DINPUT_headersclean=ON -DQT_DEPLOY_FFMPEG=TRUE',
      'limits: 6000 s in all, 1200 s without output',
    ]);
    const timeout = lines.findIndex((l) => l.includes('cmake_module_build_instructions.yaml:25:5'));
    expect(lines.slice(timeout, timeout + 4).map((l) => l.trim())).toEqual([
      'at runtime           EnvironmentVariable                qt/qtbase/coin/instructions/cmake_module_build_instructions.yaml:25:5',
      'at runtime (enable_if would be true with the simulated env, so it runs)',
      'enable_if: env CMAKE_BUILD_TIMEOUT equals null -> true (it is unset)',
      'CMAKE_BUILD_TIMEOUT=6000',
    ]);
  });

  test('--env changes the simulated environment, --json prints the same data', async () => {
    const result = await plan(
      ...['--module', path.join(fixtures, 'qt/qtdeclarative'), '--config', 'rhel-9.2', '--phase', 'build'],
      ...['--env', 'TESTED_MODULE_BRANCH_COIN=tqtc/6.8', '--json'],
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as PlanReport;
    const phase = report.configurations[0]!.phases[0]!;
    expect(phase.agent.NumCPU).toBe(8); // qtdeclarative's machine_type: Build: {cores: 8}
    expect(phase.environment.at(-1)).toEqual({
      name: 'TESTED_MODULE_BRANCH_COIN',
      value: 'tqtc/6.8',
      from: 'override',
    });
    // prepare_license_test.yaml: 5:7 takes the branch after "tqtc/" when the branch contains it.
    const branch = phase.steps.filter((s) => s.at?.endsWith('prepare_license_test.yaml:5:7'));
    expect(branch[0]).toMatchObject({
      decision: 'at runtime',
      runs: true,
      action: 'QTQA_LICHECK_BRANCH=6.8',
    });
  });

  test('accept_configuration rejections are listed with the condition trace', async () => {
    const dir = path.join(work.path, 'platform_configs');
    await mkdir(dir);
    await writeFile(
      path.join(dir, 'qtsvg.yaml'),
      [
        'Version: 2',
        'Configurations:',
        "- {Id: on, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [Sccache]}",
        "- {Id: off, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [Disable]}",
        '',
      ].join('\n'),
    );
    const result = await runCoin([
      'plan',
      '--module',
      path.join(fixtures, 'qt/qtsvg'),
      '--platform-configs',
      dir,
      '--phase',
      'Test',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(1, 9)).toEqual([
      '2 of 2 configurations considered: 1 accepted, 1 rejected by accept_configuration',
      '',
      'configuration  host                 compiler  target  Test steps  runs',
      '-------------  -------------------  --------  ------  ----------  ----',
      expect.stringMatching(/^on +Ubuntu_22_04 X86_64 +GCC +\d+ +\d+$/),
      '',
      'rejected by accept_configuration:',
      '  off: features does not contain Disable -> false (it is [Disable])',
    ]);
    expect(result.stdout).not.toContain('=== on: ');
  });

  test('leads with a summary table of every configuration; the steps only with --details', async () => {
    const svg = ['--module', path.join(fixtures, 'qt/qtsvg')];
    const [summary, details] = await Promise.all([plan(...svg), plan(...svg, '--details')]);
    expect(summary.code).toBe(0);
    const lines = summary.stdout.trimEnd().split('\n');
    // header, note, count, table (head, rule, 71 rows), and how to get the steps
    expect(lines.length).toBeLessThan(82);
    expect(lines[4]).toMatch(/^configuration +host +compiler +target +Build steps +runs +Test steps +runs$/);
    const ubuntu = lines.find((l) => l.startsWith('ubuntu-22.04 '))!.split(/ {2,}/);
    const counts = reportOf('qt/qtsvg', 'ubuntu-22.04').configurations[0]!.phases.map((p) => p.counts);
    // ubuntu-22.04 has DoNotRunTests: no test work item, '–'
    expect(ubuntu).toEqual([
      'ubuntu-22.04',
      'Ubuntu_22_04 X86_64',
      'GCC',
      String(counts[0]!.steps),
      String(counts[0]!.actions),
      '–',
      '–',
    ]);
    expect(lines.at(-1)).toBe(
      'The steps of each configuration: add --details, or --config ID for one configuration.',
    );
    expect(summary.stdout).not.toContain('=== ubuntu-22.04');
    // --details: the same summary first, then every configuration's steps
    expect(details.stdout.startsWith(lines.slice(0, -3).join('\n'))).toBe(true);
    expect(details.stdout.split('\n=== ').length - 1).toBe(71);
    expect(details.stdout).toContain(
      '--- Test on ubuntu-22.04: no work item (DoNotRunTests: no test work item)',
    );
    expect(details.stdout).toContain(
      '--- Build on ubuntu-22.04-x11-tests: no work item (TestOnly: its tests use the build of ubuntu-22.04)',
    );
    expect(details.stdout.split('\n').length).toBeGreaterThan(10_000);
  });

  test('bad input: one line on stderr, exit 2', async () => {
    await mkdir(path.join(work.path, 'qt/qtnone'), { recursive: true });
    await mkdir(path.join(work.path, 'qt/qtbad/coin'), { recursive: true });
    const bad = path.join(work.path, 'qt/qtbad/coin/module_config.yaml');
    await writeFile(bad, 'version: 2\ninstructions:\n  Build: [\n  Test: []\n');
    const svg = path.join(fixtures, 'qt/qtsvg');
    const emptyConfigs = path.join(work.path, 'empty_configs');
    await mkdir(emptyConfigs);
    const cases: [string[], string][] = [
      [
        ['--module', path.join(work.path, 'qt/qtnone')],
        `coin: ${work.path}/qt/qtnone has no coin/module_config.yaml (--module takes the root of a module's checkout, such as qt/qtsvg)`,
      ],
      [
        ['--module', svg, '--config', 'ubuntu-22.4'],
        'coin: qtsvg.yaml + default.yaml has no configuration "ubuntu-22.4"; did you mean "ubuntu-22.04"?',
      ],
      [
        ['--module', path.join(work.path, 'qt/qtbad'), '--platform-configs', emptyConfigs],
        `coin: ${emptyConfigs} has neither qtbad.yaml for qt/qtbad nor cmake_platforms.yaml; pass --platform-config-file NAME, or --all-configs for every configuration of the directory`,
      ],
      [
        ['--module', path.join(work.path, 'qt/qtbad'), '--platform-config-file', 'qtsvg'],
        `coin: ${bad}:4:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ],
      [
        ['--module', svg, '--phase', 'Deploy'],
        "coin: --phase takes a phase of qt/qtsvg: Build, Test; got 'Deploy'",
      ],
      [
        ['--module', svg, '--all-configs', '--platform-config-file', 'qt5'],
        'coin: --all-configs and --platform-config-file exclude each other',
      ],
      [['--module', svg, '--env', 'FOO'], "coin: --env takes NAME=VALUE, got 'FOO'"],
    ];
    const results = await Promise.all(cases.map(([args]) => plan(...args)));
    results.forEach((result, i) => {
      expect(result.stderr, cases[i]![1]).toBe(`${cases[i]![1]}\n`);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    });
    const far = await plan('--module', svg, '--config', 'zzz');
    expect(far.stderr).toMatch(
      /^coin: qtsvg\.yaml \+ default\.yaml has no configuration "zzz"; its configurations are: qemu-armv7-developer-build, .*, ubuntu-24.04-x64-license-check\n$/,
    );
  });

  test('an unknown instruction type reached by one configuration: that plan stops, the others print, exit 2', async () => {
    const module = path.join(work.path, 'qt/qtx');
    await mkdir(path.join(module, 'coin'), { recursive: true });
    await writeFile(
      path.join(module, 'coin/module_config.yaml'),
      [
        'version: 2',
        'instructions:',
        '  Build:',
        '    - {type: ExecuteCommand, command: make}',
        '    - type: Group',
        '      enable_if: {condition: property, property: host.os, equals_value: Windows}',
        '      instructions:',
        '        - {type: ExcuteCommand, command: nmake}',
        '  Test: []',
        '',
      ].join('\n'),
    );
    const result = await plan(
      ...['--module', module, '--platform-config-file', 'qtsvg.yaml', '--phase', 'Build', '--details'],
    );
    expect(result.code).toBe(2);
    const errors = result.stderr.trim().split('\n');
    expect(errors.length).toBeGreaterThan(5);
    expect(errors).toContain(
      `coin: windows-11_23H2-msvc2022: ${module}/coin/module_config.yaml:8:18: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?`,
    );
    expect(result.stdout).toContain('--- Build on ubuntu-22.04: 2 steps (1 run, 1 skipped, 0 at runtime)');
    // the summary names the configurations whose plan stopped
    expect(result.stdout).toMatch(
      /\nwindows-11_23H2-msvc2022 +Windows_11_23H2 X86_64 +MSVC2022 +– +– +planning stopped: .*module_config\.yaml:8:18: unknown instruction type "ExcuteCommand"/,
    );
  });
});
