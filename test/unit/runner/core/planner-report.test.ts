// The report `coin plan` prints, on small in-memory modules: the starting environment of a phase,
// the walk on a simulated agent (variables set by earlier steps reach later commands, runtime
// conditions are evaluated against them), rejected configurations and planning errors.
import { describe, expect, test } from 'vitest';
import { IncludeResolver } from '../../../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../../../runner/core/coin-files/module-config';
import { filePlatforms } from '../../../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../../../runner/core/coin-files/platform-configs';
import { planReport, type PlanReportInput } from '../../../../runner/core/plan-report';
import { sampleAgent } from '../../../../runner/core/plan-simulation';
import { memoryPlatformConfigs, memoryRepos, yaml } from './coin-files/memory-files';

const platforms = yaml(
  'Version: 2',
  'Configurations:',
  '-',
  "    Id: 'linux'",
  "    Template: 'qtci-linux-Ubuntu-22.04-x86_64-51'",
  "    Compiler: 'GCC'",
  "    Features: ['UseConfigure']",
  "    Environment variables: ['ARGS=-DA=1 -DB=2', 'MORE={{.Env.ARGS}} -DC=3', 'HOME_COPY={{.Env.HOME}}']",
  '-',
  "    Id: 'windows'",
  "    Template: 'qtci-windows-11_23H2-x86_64-53'",
  "    Compiler: 'MSVC2022'",
  '-',
  "    Id: 'disabled'",
  "    Template: 'qtci-linux-Ubuntu-22.04-x86_64-51'",
  "    Compiler: 'GCC'",
  "    Features: ['Disable']",
);

function input(build: string[], extra: Partial<PlanReportInput> = {}): PlanReportInput {
  const config = yaml(
    'version: 2',
    'accept_configuration: {condition: property, property: features, not_contains_value: Disable}',
    'machine_type: {Build: {cores: 8}}',
    'instructions:',
    '  Build:',
    ...build.map((line) => `    ${line}`),
    '  Test: []',
  );
  const files = memoryRepos({ 'q/mod': { 'coin/module_config.yaml': config } });
  return {
    module: loadModuleConfig(new IncludeResolver(files), 'q/mod'),
    project: 'q/mod',
    platforms: filePlatforms(
      new PlatformConfigLoader(memoryPlatformConfigs({ 'mod.yaml': platforms })),
      'mod.yaml',
    ),
    phases: ['Build'],
    ...extra,
  };
}

function stepsOf(build: string[], extra: Partial<PlanReportInput> = {}) {
  const report = planReport(input(build, { configName: 'linux', ...extra }));
  return report.configurations[0]!.phases[0]!.steps;
}

describe('the sample agent', () => {
  test('has the layout of a Qt CI agent, per host OS', () => {
    expect(sampleAgent('Linux', 'qt/qtsvg', 8)).toEqual({
      SourceDir: '/home/qt/work/qt/qtsvg',
      BuildDir: '/home/qt/work/qt/qtsvg_build',
      InstallDir: '/home/qt/work/install',
      InstallRoot: '/home/qt/work/install-root',
      AgentWorkingDir: '/home/qt/work',
      NumCPU: 8,
      CoinDownloadURL: 'http://coin:8080/coin/files',
    });
    expect(sampleAgent('Windows', 'qt/qtsvg', 4).SourceDir).toBe('C:\\Users\\qt\\work\\qt\\qtsvg');
    expect(sampleAgent('MacOS', 'qt/qtsvg', 4).InstallDir).toBe('/Users/qt/work/install');
  });
});

describe('planReport', () => {
  test('rejects by accept_configuration with the trace, and plans the others', () => {
    const report = planReport(input(['- {type: ChangeDirectory, directory: x}']));
    expect(report.configurationCount).toBe(3);
    expect(report.configurations.map((c) => c.name)).toEqual(['linux', 'windows']);
    expect(report.rejected).toEqual([
      { name: 'disabled', trace: ['features does not contain Disable -> false (it is [Disable])'] },
    ]);
  });

  test('the environment starts with the agent, Coin, the configuration (rendered in order), then overrides', () => {
    const report = planReport(
      input(['- {type: ChangeDirectory, directory: x}'], {
        configName: 'linux',
        overrides: [
          ['ARGS', 'mine'],
          ['EXTRA', '1'],
        ],
      }),
    );
    const phase = report.configurations[0]!.phases[0]!;
    expect(phase.agent.NumCPU).toBe(8);
    expect(phase.environment.map((e) => `${e.from} ${e.name}=${e.value}`)).toEqual([
      'agent HOME=/home/qt',
      'coin TESTED_MODULE_COIN=mod',
      'coin TESTED_MODULE_REVISION_COIN=HEAD',
      'coin TESTED_MODULE_BRANCH_COIN=dev',
      'coin COIN_PLATFORM_ID=linux',
      'coin COIN_UNIQUE_JOB_ID=coin-plan.build.q_mod.linux',
      'coin TARGET_OS_COIN=',
      'coin MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH=q/mod/HEAD/linux',
      'coin MODULE_SOURCES_RELATIVE_STORAGE_PATH=q/mod/HEAD/sources.tar.gz',
      'coin CI_PATH_SEP=/',
      'configuration ARGS=-DA=1 -DB=2',
      'configuration MORE=-DA=1 -DB=2 -DC=3',
      'configuration HOME_COPY=/home/qt',
      'override ARGS=mine',
      'override EXTRA=1',
    ]);
  });

  test('variables set by earlier steps reach later commands; SplitAfterVariableSubstitution splits them', () => {
    const steps = stepsOf([
      '- {type: EnvironmentVariable, variableName: GEN, variableValue: Ninja}',
      '- {type: AppendToEnvironmentVariable, variableName: MORE, variableValue: " -DD=4"}',
      '- {type: SetBuildDirectory, directory: "{{.SourceDir}}_out"}',
      '- {type: ChangeDirectory, directory: "{{.BuildDir}}"}',
      '- type: ExecuteCommand',
      '  command: "cmake -G {{.Env.GEN}} {{.Env.MORE}} -j{{.NumCPU}}"',
      '  executeCommandArgumentSplitingBehavior: SplitAfterVariableSubstitution',
      '- {type: ExecuteCommand, command: "echo {{.Env.MORE}}"}',
    ]);
    expect(steps.map((s) => s.action)).toEqual([
      'GEN=Ninja',
      'MORE=$MORE + " -DD=4"',
      '/home/qt/work/q/mod_out',
      '/home/qt/work/q/mod_out',
      'cmake -G Ninja -DA=1 -DB=2 -DC=3 -DD=4 -j8',
      'echo "-DA=1 -DB=2 -DC=3 -DD=4"',
    ]);
    expect(steps[4]).toMatchObject({
      argv: ['cmake', '-G', 'Ninja', '-DA=1', '-DB=2', '-DC=3', '-DD=4', '-j8'],
      cwd: '/home/qt/work/q/mod_out',
      runs: true,
      reached: true,
    });
  });

  test('runtime conditions are evaluated against the simulated environment as it is at that step', () => {
    const steps = stepsOf([
      '- type: EnvironmentVariable',
      '  variableName: TIMEOUT',
      '  variableValue: "6000"',
      '  enable_if: {condition: runtime, env_var: TIMEOUT, equals_value: null}',
      '- type: Group',
      '  disable_if: {condition: runtime, env_var: TIMEOUT, equals_value: "6000"}',
      '  instructions:',
      '    - {type: EnvironmentVariable, variableName: NEVER, variableValue: set}',
      '- {type: ExecuteCommand, command: "echo {{.Env.NEVER}}{{.Env.TIMEOUT}}"}',
    ]);
    expect(steps.map((s) => [s.decision, s.simulated?.value, s.reached, s.runs])).toEqual([
      ['at runtime', true, true, true],
      ['at runtime', true, true, false],
      ['run', undefined, false, false],
      ['run', undefined, true, true],
    ]);
    expect(steps[1]!.simulated!.trace).toEqual(['disable_if: env TIMEOUT equals 6000 -> true (it is 6000)']);
    expect(steps[3]!.argv).toEqual(['echo', '6000']);
  });

  test('an --env override decides a runtime condition; executeOn: failure steps do not run', () => {
    const build = [
      '- type: EnvironmentVariable',
      '  variableName: X',
      '  variableValue: "1"',
      '  enable_if: {condition: runtime, env_var: CHOICE, equals_value: "yes"}',
      '- {type: ExecuteCommand, command: cleanup, executeOn: failure}',
    ];
    expect(stepsOf(build)[0]!.runs).toBe(false);
    const chosen = stepsOf(build, { overrides: [['CHOICE', 'yes']] });
    expect(chosen[0]!.runs).toBe(true);
    expect(chosen[1]).toMatchObject({
      runs: false,
      note: 'executeOn: failure (runs only after a failure)',
      action: 'cleanup',
    });
  });

  test('a template that cannot render is shown on its step, the plan goes on', () => {
    const steps = stepsOf([
      '- {type: EnvironmentVariable, variableName: B, variableValue: "{{slice .Env.TESTED_MODULE_BRANCH_COIN 5}}"}',
      '- {type: ExecuteCommand, command: ["echo", "{{.Env.B}}"]}',
    ]);
    expect(steps[0]!.error).toBe(
      'slice 5 is out of range for "dev" (length 3) in {{slice .Env.TESTED_MODULE_BRANCH_COIN 5}}',
    );
    expect(steps[1]!.argv).toEqual(['echo', '']);
  });

  test('Windows hosts get Windows paths and CI_PATH_SEP; a planning error stays on its configuration', () => {
    const report = planReport(
      input([
        '- {type: MakeDirectory, directory: "{{.InstallDir}}{{.Env.CI_PATH_SEP}}bin"}',
        '- type: Group',
        '  enable_if: {condition: property, property: features, contains_value: UseConfigure}',
        '  instructions:',
        '    - {type: ExcuteCommand, command: nmake}',
      ]),
    );
    const [linux, windows] = report.configurations;
    expect(windows!.error).toBeUndefined();
    expect(windows!.phases[0]!.steps[0]!.action).toBe('C:\\Users\\qt\\work\\install\\bin');
    expect(linux!.error).toBe(
      'q/mod/coin/module_config.yaml:10:18: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
    );
    expect(linux!.phases).toEqual([]);
  });
});
