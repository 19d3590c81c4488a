// The work units of an integration from loaded modules (runner/core/integration-units.ts): one
// per phase a module declares, chained in run order, minus what the configuration's Features take
// away, each with the instruction list of the one evaluator (phase-instructions.ts).
import { describe, expect, test } from 'vitest';
import { configProperties } from '../../../../runner/core/coin-files/config-properties';
import { IncludeResolver } from '../../../../runner/core/coin-files/include-resolver';
import { loadModuleConfig } from '../../../../runner/core/coin-files/module-config';
import { parsePlatformConfigFile } from '../../../../runner/core/coin-files/platform-configs';
import { integrationUnits, type ModuleAtRevision } from '../../../../runner/core/integration-units';
import { coinVariables, resolvePhase } from '../../../../runner/core/phase-instructions';
import { configurationPhases } from '../../../../runner/core/phase-work';
import { memoryRepos, yaml } from './coin-files/memory-files';

const configurations = parsePlatformConfigFile(
  'all.yaml',
  'all.yaml',
  yaml(
    'Version: 2',
    'Configurations:',
    "- {Id: linux, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [LicenseCheck]}",
    "- {Id: tests, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [TestOnly, LicenseCheck, Insignificant], Platform dependency: linux}",
    "- {Id: sources, Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [TestOnly, LicenseCheckV2]}",
    "- {Id: windows, Template: 'qtci-windows-11_23H2-x86_64-53', Compiler: MSVC2022, Features: [LicenseCheck, DisableTests], Environment variables: ['A=1']}",
  ),
).configurations;

function moduleAt(project: string, phases: string[], dependencies: string[] = []): ModuleAtRevision {
  const text = yaml(
    'version: 2',
    'machine_type: {LicenseCheck: {cores: 1}}',
    'instructions:',
    ...phases.map((p) => `  ${p}: [{type: ExecuteCommand, command: "echo ${p}"}]`),
  );
  const files = memoryRepos({ [project]: { 'coin/module_config.yaml': text } });
  const module = loadModuleConfig(new IncludeResolver(files), project);
  return { project, path: `/src/${project}`, sha: `sha-of-${project}`, module, dependencies };
}

const request = { taskId: 't', branch: 'dev', configurations, searchRoots: [] };

describe('integrationUnits', () => {
  test('each configuration gets its phases in run order, each waiting for the one before', () => {
    const qa = moduleAt('q/qa', ['Test', 'LicenseCheck', 'Build', 'Deploy']);
    const units = integrationUnits(request, qa, new Map());
    const of = (config: string) =>
      units
        .filter((u) => u.configuration === config)
        .map((u) => `${u.kind} <- ${u.dependsOn.join(',') || '-'}`);
    expect(qa.module.phases).toEqual(['LicenseCheck', 'Build', 'Test', 'Deploy']);
    expect(of('linux')).toEqual([
      'licensecheck <- -',
      'build <- t.licensecheck.q_qa.linux',
      'test <- t.build.q_qa.linux',
      'deploy <- t.test.q_qa.linux',
    ]);
    // TestOnly on linux: no build of its own; its check, then its test on linux's build
    expect(of('tests')).toEqual([
      'licensecheck <- -',
      'test <- t.build.q_qa.linux,t.licensecheck.q_qa.tests',
      'deploy <- t.test.q_qa.tests',
    ]);
    // TestOnly without a platform dependency: the later phases run on the sources
    expect(of('sources')).toEqual([
      'licensecheck <- -',
      'test <- t.licensecheck.q_qa.sources',
      'deploy <- t.test.q_qa.sources',
    ]);
    expect(units.find((u) => u.id === 't.test.q_qa.sources')!.inputs).toEqual([]);
    // DisableTests: no test; the phase after it follows the build
    expect(of('windows')).toEqual([
      'licensecheck <- -',
      'build <- t.licensecheck.q_qa.windows',
      'deploy <- t.build.q_qa.windows',
    ]);
    const check = units.find((u) => u.id === 't.licensecheck.q_qa.linux')!;
    expect(check).toMatchObject({ cores: 1, buildKey: null, inputs: [], insignificant: false });
    // Insignificant: every item of `tests` is insignificant; linux's build it uses is not
    expect(units.filter((u) => u.configuration === 'tests').every((u) => u.insignificant)).toBe(true);
    expect(units.find((u) => u.id === 't.build.q_qa.linux')!.insignificant).toBe(false);
  });

  test('a dependency gets its build only; the build key does not change with the task', () => {
    const base = moduleAt('q/base', ['LicenseCheck', 'Build', 'Test']);
    const app = moduleAt('q/app', ['Build', 'Test'], ['q/base']);
    const modules = new Map([['q/base', base]]);
    const only = { ...request, configurations: [configurations[0]!] };
    const units = integrationUnits(only, app, modules);
    expect(units.map((u) => u.id)).toEqual([
      't.build.q_base.linux',
      't.build.q_app.linux',
      't.test.q_app.linux',
    ]);
    const again = integrationUnits({ ...only, taskId: 'other' }, app, modules);
    expect(again.map((u) => u.buildKey)).toEqual(units.map((u) => u.buildKey));
    expect(units[1]!.inputs.map((i) => i.key)).toEqual([units[0]!.buildKey]);
  });

  test('a TestOnly configuration on a configuration the instance does not have is refused, naming it', () => {
    const lonely = { ...request, configurations: [configurations[1]!] };
    expect(() => integrationUnits(lonely, moduleAt('q/qa', ['Build', 'Test']), new Map())).toThrow(
      'configuration tests is TestOnly on "linux", which is not a configuration of this instance',
    );
  });
});

describe('the one evaluator', () => {
  test('Coin variables follow the configuration: CI_PATH_SEP by host, a storage path per platform dependency', () => {
    const run = { project: 'q/qa', revision: 'abc', branch: 'dev', taskId: 't' };
    const lookup = (id: string) => configurations.find((c) => c.id === id);
    const vars = (i: number) =>
      Object.fromEntries(
        coinVariables(run, configurations[i]!, configProperties(configurations[i]!, lookup), 'job').map(
          (v) => [v.name, v.value],
        ),
      );
    expect(vars(3)).toMatchObject({
      CI_PATH_SEP: '\\',
      MODULE_SOURCES_RELATIVE_STORAGE_PATH: 'q/qa/abc/sources.tar.gz',
    });
    expect(vars(1)).toMatchObject({
      CI_PATH_SEP: '/',
      MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH: 'q/qa/abc/tests',
      QT_CI_ARTIFACT_ID_PATH_linux: 'q/qa/abc/linux',
    });
    const resolved = resolvePhase(
      moduleAt('q/qa', ['Build', 'Test']).module,
      'Build',
      configurations[3]!,
      configProperties(configurations[3]!),
      run,
    );
    expect(resolved.jobId).toBe('t.build.q_qa.windows');
    expect(resolved.instructions.slice(-2).map((i) => [i.type, i.at, i.fields])).toEqual([
      ['EnvironmentVariable', '<configuration windows>', { variableName: 'A', variableValue: '1' }],
      ['ExecuteCommand', 'q/qa/coin/module_config.yaml:4:11', { command: 'echo Build' }],
    ]);
  });

  test('configurationPhases says why a configuration has no work item of a phase', () => {
    const qa = moduleAt('q/qa', ['LicenseCheck', 'Build', 'Test']).module;
    expect(configurationPhases(qa, configurations[3]!).map((p) => [p.phase, p.absent])).toEqual([
      ['LicenseCheck', null],
      ['Build', null],
      ['Test', 'DisableTests: no test work item'],
    ]);
    expect(configurationPhases(qa, configurations[1]!)[1]).toMatchObject({
      phase: 'Build',
      buildOf: 'linux',
      absent: 'TestOnly: its tests use the build of linux',
    });
  });
});
