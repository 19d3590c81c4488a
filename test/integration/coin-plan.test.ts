// `coin plan` on the real Coin files of qtsvg, qtdeclarative and qtshadertools with qt5's
// platform configurations (test/helpers/qt-fixtures.ts): every configuration plans, plans differ
// where the configurations differ, golden step lists checked by reading the YAML by hand, and
// the command as a user runs it, bad input included.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../runner/core/coin-files/module-config';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { planReport, type PlanReport, type PlanStep } from '../../runner/core/plan-report';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { runCoin } from '../helpers/run-coin';
import { qtCoinFixtures } from '../helpers/qt-fixtures';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

// A real path: the CLI reports files by their resolved location.
const qt = qtCoinFixtures();
const fixtures = qt.dir;
const platformConfigDir = path.join(fixtures, 'qt/qt5/coin/platform_configs');
const qtbaseInstructions = 'qt/qtbase/coin/instructions/';

let includes: IncludeResolver;
let platforms: PlatformConfigLoader;
beforeAll(() => {
  includes = new IncludeResolver(new FsRepoResolver(fixtures));
  platforms = new PlatformConfigLoader(new FsPlatformConfigSource(platformConfigDir));
});

function reportOf(
  repo: string,
  configName?: string,
  phases: ('Build' | 'Test')[] = ['Build', 'Test'],
): PlanReport {
  const module = loadModuleConfig(includes, repo);
  const set = platforms.load(`${repo.split('/')[1]}.yaml`);
  return planReport({ module, project: repo, platforms: set, configName, phases, displayRoot: fixtures });
}

function stepsOf(repo: string, config: string, phase: 'Build' | 'Test'): PlanStep[] {
  return reportOf(repo, config, [phase]).configurations[0]!.phases[0]!.steps;
}

/** `<decision> <indent><type> <file:line:col in qtbase's instructions> <action>`. */
function shown(step: PlanStep): string {
  const at = step.at!.replace(qtbaseInstructions, '');
  return `${step.decision} ${'  '.repeat(step.depth)}${step.type} ${at}${step.action ? ` ${step.action}` : ''}`;
}

const ranSteps = (steps: PlanStep[], types: string[]) =>
  steps
    .filter((s) => s.runs && types.includes(s.type))
    .map((s) => `${s.at!.replace(qtbaseInstructions, '')} ${s.action}`);

describe.skipIf(!qt.found)('coin plan on every configuration of the real modules (in process)', () => {
  test.each([
    ['qt/qtsvg', 69],
    ['qt/qtdeclarative', 71],
    ['qt/qtshadertools', 69],
  ])('%s plans Build and Test on all %i configurations that accept it', (repo, count) => {
    const report = reportOf(repo);
    expect(report.rejected).toEqual([]); // no real configuration has the Disable feature
    expect(report.configurations).toHaveLength(count);
    for (const config of report.configurations) {
      expect(config.error, config.name).toBeUndefined();
      expect(config.phases.map((p) => p.phase)).toEqual(['Build', 'Test']);
      const [build, test] = config.phases;
      expect(build!.counts.actions, config.name).toBeGreaterThan(10);
      expect(test!.counts.actions, config.name).toBeGreaterThan(0);
      expect(config.phases.flatMap((p) => p.steps).every((s) => s.at !== null && !s.at.startsWith('/'))).toBe(
        true,
      );
    }
    // Configurations differ, so do their plans: far more distinct Build plans than one.
    const distinct = new Set(report.configurations.map((c) => c.phases[0]!.steps.map(shown).join('\n')));
    expect(distinct.size).toBeGreaterThan(count / 3);
  });

  test('UseConfigure calls qt-configure-module, its absence the qt-cmake-private script', () => {
    // call_configure_module.yaml: the command at 4:5 is enabled by "features contains UseConfigure"
    // and passes CMake arguments after "--"; the one at 15:5 is disabled by it. The executable comes
    // from prepare_configure_module_executable.yaml: bin/qt-configure-module with UseConfigure,
    // libexec/qt-cmake-private without (on Linux). Only TestOnly configurations lack UseConfigure.
    const configured = ranSteps(stepsOf('qt/qtsvg', 'ubuntu-22.04', 'Build'), ['ExecuteCommand']);
    expect(configured).toContain(
      'call_configure_module.yaml:4:5 /home/qt/work/install/bin/qt-configure-module /home/qt/work/qt/qtsvg ' +
        '-DCMAKE_C_COMPILER_LAUNCHER=sccache -DCMAKE_CXX_COMPILER_LAUNCHER=sccache -- ' +
        '-DFFMPEG_DIR= -DINPUT_headersclean=ON -DQT_DEPLOY_FFMPEG=TRUE',
    );
    const cmake = ranSteps(stepsOf('qt/qtsvg', 'ubuntu-22.04-x11-tests', 'Build'), ['ExecuteCommand']);
    expect(cmake.filter((s) => s.startsWith('call_configure_module'))).toEqual([
      'call_configure_module.yaml:15:5 /home/qt/work/install/libexec/qt-cmake-private /home/qt/work/qt/qtsvg ' +
        '-DCMAKE_C_COMPILER_LAUNCHER=sccache -DCMAKE_CXX_COMPILER_LAUNCHER=sccache',
    ]);
    for (const config of reportOf('qt/qtsvg', undefined, ['Build']).configurations) {
      const ran = config.phases[0]!.steps.filter((s) => s.runs).map((s) => s.at);
      const useConfigure = config.features.includes('UseConfigure');
      if (ran.includes(`${qtbaseInstructions}call_configure_module.yaml:4:5`))
        expect(useConfigure).toBe(true);
      if (ran.includes(`${qtbaseInstructions}call_configure_module.yaml:15:5`))
        expect(useConfigure).toBe(false);
    }
  });

  test('Windows MSVC configurations write and use prefix.bat; others never do', () => {
    // prepare_building_env.yaml 217:7 (WriteFile prefix.bat) and 232:7 (ENV_PREFIX=prefix.bat) are
    // enabled by "host.os equals Windows and host.compiler contains MSVC"; 244:7 (ENV_PREFIX="")
    // is disabled by the same condition.
    for (const config of reportOf('qt/qtshadertools', undefined, ['Build']).configurations) {
      const steps = config.phases[0]!.steps;
      const wrote = steps.some(
        (s) => s.runs && s.at === `${qtbaseInstructions}prepare_building_env.yaml:217:7`,
      );
      const msvcOnWindows = config.properties['host.os'] === 'Windows' && config.compiler.includes('MSVC');
      expect(wrote, config.name).toBe(msvcOnWindows);
    }
  });

  test('golden: qtsvg Test on sles-15_sp5-static (DisableTests) only sets the Dummy variable', () => {
    // qtsvg's Test is coin_module_test_template_v3.yaml then coin_module_test_docs.yaml.
    // - template 3:5: the test Group has "disable_if: features contains DisableTests"; sles has it.
    // - template 23:5: "Dummy=dummy" has no condition.
    // - docs 1:1: "enable_if: features contains TestDocs and host.os equals target.os"; no TestDocs.
    expect(stepsOf('qt/qtsvg', 'sles-15_sp5-static', 'Test').map(shown)).toEqual([
      'run Group coin_module_test_template_v3.yaml:1:1',
      'skipped   Group coin_module_test_template_v3.yaml:3:5',
      'run   EnvironmentVariable coin_module_test_template_v3.yaml:23:5 Dummy=dummy',
      'skipped Group coin_module_test_docs.yaml:1:1',
    ]);
  });

  test('golden: qtsvg Test on documentation-warnings (TestDocs) builds the docs', () => {
    // documentation-warnings: Ubuntu 22.04, GCC, features [Sccache, TestOnly, TestDocs, ...].
    // coin_module_test_docs.yaml: the Group's enable_if (TestDocs, host.os = target.os = Linux)
    // holds; then in order: QDOC_NOLINKERRORS=1 (3:5), QDOC_ENABLE_WARNINGLIMIT=1 (6:5),
    // SetBuildDirectory {{.SourceDir}} (9:5), ChangeDirectory {{.BuildDir}} (11:5) which is now the
    // source directory, "cp -rfs /opt/qt-doctools/. {{.InstallDir}}" (13:5), COIN_CMAKE_ARGS (17:5),
    // call_cmake.yaml (3:5 Windows only, 13:5 disabled on Windows: runs; its command has no
    // SplitAfterVariableSubstitution, so COIN_CMAKE_ARGS stays one argument), then generate_docs (21:5).
    const steps = stepsOf('qt/qtsvg', 'documentation-warnings', 'Test');
    const docs = steps.slice(
      steps.findIndex((s) => s.at === `${qtbaseInstructions}coin_module_test_docs.yaml:1:1`),
    );
    expect(docs.map(shown)).toEqual([
      'run Group coin_module_test_docs.yaml:1:1',
      'run   EnvironmentVariable coin_module_test_docs.yaml:3:5 QDOC_NOLINKERRORS=1',
      'run   EnvironmentVariable coin_module_test_docs.yaml:6:5 QDOC_ENABLE_WARNINGLIMIT=1',
      'run   SetBuildDirectory coin_module_test_docs.yaml:9:5 /home/qt/work/qt/qtsvg',
      'run   ChangeDirectory coin_module_test_docs.yaml:11:5 /home/qt/work/qt/qtsvg',
      'run   ExecuteCommand coin_module_test_docs.yaml:13:5 cp -rfs /opt/qt-doctools/. /home/qt/work/install',
      'run   EnvironmentVariable coin_module_test_docs.yaml:17:5 COIN_CMAKE_ARGS="-DQT_BUILD_TESTS=OFF /home/qt/work/qt/qtsvg"',
      'run   Group call_cmake.yaml:1:1',
      'skipped     ExecuteCommand call_cmake.yaml:3:5',
      'run     ExecuteCommand call_cmake.yaml:13:5 /home/qt/work/install/bin/qt-cmake "-DQT_BUILD_TESTS=OFF /home/qt/work/qt/qtsvg"',
      'run   ExecuteCommand coin_module_test_docs.yaml:21:5 cmake --build . --target generate_docs -v',
    ]);
    expect(docs.every((s) => s.decision === 'skipped' || s.runs)).toBe(true);
  });

  test('golden: qtshadertools Build on windows-11_23H2-msvc2022 runs these commands and Windows-only steps', () => {
    // Read by hand from qtbase's coin_module_build_template_v2.yaml and what it includes, for
    // Template qtci-windows-11_23H2-x86_64-53, Compiler MSVC2022, features [Sccache,
    // DebugAndRelease, UseConfigure, Packaging, GenerateSBOM, VerifySBOM]:
    // - prepare_building_env.yaml 217:7 WriteFile prefix.bat (Windows and MSVC); the filename is a
    //   plain YAML scalar, so its doubled backslashes are literal;
    // - prepare_license_test.yaml 32:7 (Windows): cmd.exe; branch "dev" (not tqtc/); the git daemon
    //   variable comes from provisioning, so it renders empty here;
    // - call_configure_module.yaml 4:5 (UseConfigure) with CONFIGURE_EXECUTABLE = the .bat of
    //   prepare_configure_module_executable.yaml 20:9 and ENV_PREFIX = c:\users\qt\prefix.bat;
    // - cmake_module_build_instructions.yaml 39:5 the build; call_host_install.yaml 14:5 twice (not
    //   qtbase: 3:5 is enabled only when TESTED_MODULE_COIN contains qtbase), without and with
    //   DESTDIR, LIBEXEC dir = bin on Windows (60:5); 80:5 SignPackage (Windows, Packaging, X86_64);
    //   96:5 UploadArtifact;
    // - cmake_build_and_upload_test_artifacts_host.yaml (no DisableTests): call_cmake_for_standalone_tests
    //   17:5 (the Windows one) and the tests' build at cmake_build_and_upload_test_artifacts.yaml 52:5.
    const steps = stepsOf('qt/qtshadertools', 'windows-11_23H2-msvc2022', 'Build');
    const prefix = 'c:\\users\\qt\\prefix.bat';
    const work = 'C:\\Users\\qt\\work';
    expect(ranSteps(steps, ['ExecuteCommand', 'WriteFile', 'SignPackage', 'UploadArtifact'])).toEqual([
      'prepare_building_env.yaml:217:7 filename=c:\\\\users\\\\qt\\\\prefix.bat fileMode=420',
      'prepare_license_test.yaml:32:7 cmd.exe /C "git clone --depth=1 -b dev git:///qt-project/qt/qtqa qt/qtqa-latest ' +
        '||git clone --depth=1 -b dev git:///qt-project/qt/qtqa qt/qtqa-latest"',
      `call_configure_module.yaml:4:5 ${prefix} ${work}\\install\\bin\\qt-configure-module.bat ${work}\\qt\\qtshadertools ` +
        '-DCMAKE_C_COMPILER_LAUNCHER=sccache -DCMAKE_CXX_COMPILER_LAUNCHER=sccache -- -DFFMPEG_DIR= ' +
        '-DQT_DEPLOY_FFMPEG=TRUE -DFEATURE_clangcpp=OFF -DINPUT_headersclean=ON',
      `cmake_module_build_instructions.yaml:39:5 ${prefix} cmake --build . --parallel -v`,
      `call_host_install.yaml:14:5 ${prefix} cmake -DQT_BUILD_DIR=${work}\\qt\\qtshadertools_build ` +
        `-P ${work}\\install\\bin\\qt-cmake-private-install.cmake`,
      `call_host_install.yaml:14:5 ${prefix} cmake -DQT_BUILD_DIR=${work}\\qt\\qtshadertools_build ` +
        `-P ${work}\\install\\bin\\qt-cmake-private-install.cmake`,
      `cmake_module_build_instructions.yaml:80:5 directory=${work}\\install-root/${work}`,
      `cmake_module_build_instructions.yaml:96:5 archiveDirectory=${work}\\install-root/${work} transferType=UploadModuleBuildArtifact`,
      `call_cmake_for_standalone_tests.yaml:17:5 ${prefix} ${work}\\install\\bin\\qt-internal-configure-tests ` +
        `-S ${work}\\qt\\qtshadertools -B .`,
      `cmake_build_and_upload_test_artifacts.yaml:52:5 ${prefix} cmake --build . --parallel -v`,
    ]);
    // The same steps on Linux: no prefix.bat, no signing, bash instead of cmd.exe.
    const linux = ranSteps(stepsOf('qt/qtshadertools', 'ubuntu-22.04', 'Build'), [
      'WriteFile',
      'SignPackage',
    ]);
    expect(linux).toEqual([]);
  });
});

describe.skipIf(!qt.found)('coin plan (the command)', () => {
  let work: TempDir;
  beforeEach(async () => {
    work = await makeTempDir('plan-');
  });
  afterEach(async () => {
    await work.remove();
  });
  const plan = (...args: string[]) => runCoin(['plan', '--platform-configs', platformConfigDir, ...args]);

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
    expect(lines.slice(0, 2)).toEqual([
      'Plan of qt/qtsvg (qt/qtsvg/coin/module_config.yaml) with qt/qt5/coin/platform_configs/qtsvg.yaml',
      '1 of 69 configurations considered: 1 accepted, 0 rejected by accept_configuration',
    ]);
    expect(result.stdout).toContain(
      'agent (sample): SourceDir=/home/qt/work/qt/qtsvg BuildDir=/home/qt/work/qt/qtsvg_build ' +
        'InstallDir=/home/qt/work/install InstallRoot=/home/qt/work/install-root AgentWorkingDir=/home/qt/work NumCPU=4',
    );
    const at = lines.findIndex((l) => l.includes('call_configure_module.yaml:4:5'));
    expect(lines[at]).toMatch(
      /^run +ExecuteCommand +qt\/qtbase\/coin\/instructions\/call_configure_module\.yaml:4:5$/,
    );
    expect(lines.slice(at + 1, at + 3).map((l) => l.trim())).toEqual([
      'enable_if: features contains UseConfigure -> true (it is [Sccache, UseConfigure, DoNotRunTests, GenerateSBOM, VerifySBOM])',
      '$ /home/qt/work/install/bin/qt-configure-module /home/qt/work/qt/qtsvg -DCMAKE_C_COMPILER_LAUNCHER=sccache ' +
        '-DCMAKE_CXX_COMPILER_LAUNCHER=sccache -- -DFFMPEG_DIR= -DINPUT_headersclean=ON -DQT_DEPLOY_FFMPEG=TRUE',
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
    // header, count, table (head, rule, 69 rows), and how to get the steps
    expect(lines.length).toBeLessThan(80);
    expect(lines[3]).toMatch(/^configuration +host +compiler +target +Build steps +runs +Test steps +runs$/);
    const ubuntu = lines.find((l) => l.startsWith('ubuntu-22.04 '))!.split(/ {2,}/);
    const counts = reportOf('qt/qtsvg', 'ubuntu-22.04').configurations[0]!.phases.map((p) => p.counts);
    expect(ubuntu).toEqual([
      'ubuntu-22.04',
      'Ubuntu_22_04 X86_64',
      'GCC',
      String(counts[0]!.steps),
      String(counts[0]!.actions),
      String(counts[1]!.steps),
      String(counts[1]!.actions),
    ]);
    expect(lines.at(-1)).toBe(
      'The steps of each configuration: add --details, or --config ID for one configuration.',
    );
    expect(summary.stdout).not.toContain('=== ubuntu-22.04');
    // --details: the same summary first, then every configuration's steps
    expect(details.stdout.startsWith(lines.slice(0, -3).join('\n'))).toBe(true);
    expect(details.stdout.split('\n=== ').length - 1).toBe(69);
    expect(details.stdout.split('\n').length).toBeGreaterThan(10_000);
  });

  test('bad input: one line on stderr, exit 2', async () => {
    await mkdir(path.join(work.path, 'qt/qtnone'), { recursive: true });
    await mkdir(path.join(work.path, 'qt/qtbad/coin'), { recursive: true });
    const bad = path.join(work.path, 'qt/qtbad/coin/module_config.yaml');
    await writeFile(bad, 'version: 2\ninstructions:\n  Build: [\n  Test: []\n');
    const svg = path.join(fixtures, 'qt/qtsvg');
    const cases: [string[], string][] = [
      [
        ['--module', path.join(work.path, 'qt/qtnone')],
        `coin: ${work.path}/qt/qtnone has no coin/module_config.yaml (--module takes the root of a module's checkout, such as qt/qtsvg)`,
      ],
      [
        ['--module', svg, '--config', 'ubuntu-22.4'],
        'coin: qtsvg.yaml has no configuration "ubuntu-22.4"; did you mean "ubuntu-22.04"?',
      ],
      [
        ['--module', path.join(work.path, 'qt/qtbad')],
        `coin: ${platformConfigDir} has no qtbad.yaml for qt/qtbad; pass --platform-config-file NAME to plan with another file (such as qt5.yaml)`,
      ],
      [
        ['--module', path.join(work.path, 'qt/qtbad'), '--platform-config-file', 'qtsvg'],
        `coin: ${bad}:4:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ],
      [['--module', svg, '--phase', 'Deploy'], "coin: --phase takes Build or Test, got 'Deploy'"],
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
      /^coin: qtsvg\.yaml has no configuration "zzz"; its configurations are: qemu-armv7-developer-build, .*, vxworks-x86_64-tests\n$/,
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
