// `coin plan` in process on the real Coin files of qtsvg, qtdeclarative and qtshadertools with
// qt5's platform configurations (test/helpers/qt-fixtures.ts): every configuration plans, each
// phase makes a work item or says why not, plans differ where the configurations differ, and
// golden step lists checked by reading the YAML by hand. The command itself:
// coin-plan-command.test.ts; phases, products and configuration choice: coin-plan-phases.test.ts.
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { IncludeResolver } from '../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../runner/core/coin-files/module-config';
import { filePlatforms, modulePlatforms } from '../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import { planReport, type PlanReport, type PlanStep } from '../../runner/core/plan-report';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../runner/node/coin-files/fs-repo-resolver';
import { qtCoinFixtures } from '../helpers/qt-fixtures';

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

/** The plan of `repo` on its configurations as Coin picks them, or on one file's (`file`). */
function reportOf(repo: string, configName?: string, phases?: string[], file?: string): PlanReport {
  const module = loadModuleConfig(includes, repo);
  const set = file ? filePlatforms(platforms, file) : modulePlatforms(platforms, repo.split('/')[1]!)!;
  return planReport({ module, project: repo, platforms: set, configName, phases, displayRoot: fixtures });
}

function stepsOf(repo: string, config: string, phase: string, file?: string): PlanStep[] {
  return reportOf(repo, config, [phase], file).configurations[0]!.phases[0]!.steps;
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
    ['qt/qtsvg', 71],
    ['qt/qtdeclarative', 73],
    ['qt/qtshadertools', 71],
  ])(
    '%s plans Build and Test on all %i configurations that accept it (its file and default.yaml)',
    (repo, count) => {
      const report = reportOf(repo);
      expect(report.platformConfigFiles).toEqual([`${repo.split('/')[1]}.yaml`, 'default.yaml']);
      expect(report.rejected).toEqual([]); // no real configuration has the Disable feature
      expect(report.configurations).toHaveLength(count);
      for (const config of report.configurations) {
        expect(config.error, config.name).toBeUndefined();
        expect(config.phases.map((p) => p.phase)).toEqual(['Build', 'Test']);
        const [build, test] = config.phases;
        // a phase without a work item says why; the features decide (configuration-verdicts.ts)
        const testOnly = config.features.includes('TestOnly');
        expect(build!.absent !== null, config.name).toBe(testOnly);
        if (build!.absent === null) expect(build!.counts.actions, config.name).toBeGreaterThan(10);
        if (testOnly && config.platformDependency.length > 0)
          expect(build!.absent).toMatch(/^TestOnly: its tests use the build of /);
        if (test!.absent === null) expect(test!.counts.actions, config.name).toBeGreaterThan(0);
        else
          expect(test!.absent).toMatch(
            /^(DisableTests|DoNotRunTests|DoNotRunTestsButCreateTestWorkItem): no test work item$/,
          );
        expect(
          config.phases.flatMap((p) => p.steps).every((s) => s.at !== null && !s.at.startsWith('/')),
        ).toBe(true);
      }
      // Configurations differ, so do their plans: far more distinct Build plans than one.
      const builds = report.configurations.filter((c) => c.phases[0]!.absent === null);
      const distinct = new Set(builds.map((c) => c.phases[0]!.steps.map(shown).join('\n')));
      expect(distinct.size).toBeGreaterThan(builds.length / 3);
    },
  );

  test('UseConfigure calls qt-configure-module, its absence the qt-cmake-private script', () => {
    // call_configure_module.yaml: the command at 4:5 is enabled by "features contains UseConfigure"
    // and passes CMake arguments after "--"; the one at 15:5 is disabled by it. The executable comes
    // from prepare_configure_module_executable.yaml: bin/qt-configure-module with UseConfigure,
    // libexec/qt-cmake-private without (on Linux). In qtsvg's own set only TestOnly configurations
    // lack UseConfigure, and they build nothing (their tests use another configuration's build).
    const configured = ranSteps(stepsOf('qt/qtsvg', 'ubuntu-22.04', 'Build'), ['ExecuteCommand']);
    expect(configured).toContain(
      'call_configure_module.yaml:4:5 /home/qt/work/install/bin/qt-configure-module /home/qt/work/qt/qtsvg ' +
        '-DCMAKE_C_COMPILER_LAUNCHER=sccache -DCMAKE_CXX_COMPILER_LAUNCHER=sccache -- ' +
        '-DFFMPEG_DIR= -DINPUT_headersclean=ON -DQT_DEPLOY_FFMPEG=TRUE',
    );
    // qt-creator.yaml#3 (RHEL 8.10, no UseConfigure, not TestOnly)
    const cmake = ranSteps(stepsOf('qt/qtsvg', 'qt-creator.yaml#3', 'Build', 'qt-creator.yaml'), [
      'ExecuteCommand',
    ]);
    expect(cmake.filter((s) => s.startsWith('call_configure_module'))).toEqual([
      'call_configure_module.yaml:15:5 /home/qt/work/install/libexec/qt-cmake-private /home/qt/work/qt/qtsvg ' +
        '-DCMAKE_C_COMPILER_LAUNCHER=sccache -DCMAKE_CXX_COMPILER_LAUNCHER=sccache',
    ]);
    for (const config of reportOf('qt/qtsvg', undefined, ['Build']).configurations) {
      const ran = config.phases[0]!.steps.filter((s) => s.runs).map((s) => s.at);
      if (config.phases[0]!.absent !== null) expect(ran).toEqual([]);
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

  test('golden: qtsvg on sles-15_sp5-static (DisableTests) has no test work item, and says so', () => {
    const [build, test] = reportOf('qt/qtsvg', 'sles-15_sp5-static').configurations[0]!.phases;
    expect(build).toMatchObject({ absent: null, workItem: 'coin-plan.build.qt_qtsvg.sles-15_sp5-static' });
    expect(test).toMatchObject({ absent: 'DisableTests: no test work item', steps: [], instructions: [] });
  });

  test('golden: qtsvg Test with TestDocs builds the docs', () => {
    // nightly_ubuntu_22_04_xwayland.yaml#1: Ubuntu 22.04, GCC, features [Sccache, TestDocs, UseConfigure, ...].
    // coin_module_test_docs.yaml: the Group's enable_if (TestDocs, host.os = target.os = Linux)
    // holds; then in order: QDOC_NOLINKERRORS=1 (3:5), QDOC_ENABLE_WARNINGLIMIT=1 (6:5),
    // SetBuildDirectory {{.SourceDir}} (9:5), ChangeDirectory {{.BuildDir}} (11:5) which is now the
    // source directory, "cp -rfs /opt/qt-doctools/. {{.InstallDir}}" (13:5), COIN_CMAKE_ARGS (17:5),
    // call_cmake.yaml (3:5 Windows only, 13:5 disabled on Windows: runs; its command has no
    // SplitAfterVariableSubstitution, so COIN_CMAKE_ARGS stays one argument), then generate_docs (21:5).
    const file = 'nightly_ubuntu_22_04_xwayland.yaml';
    const steps = stepsOf('qt/qtsvg', `${file}#1`, 'Test', file);
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
