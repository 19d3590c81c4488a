// `coin plan` and `coin lint` on what a module declares beyond Build and Test, as a user runs
// them: a qtqa-shaped module (accepted only with the LicenseCheck/LicenseCheckV2 features, with a
// `LicenseCheck:` phase before Build), which configurations a plan covers (the module's own file,
// the cmake_platforms.yaml fallback, default.yaml, `Module only`, --all-configs), and the product
// a module is released with (coin/product_dependencies.yaml).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allPlatforms, modulePlatforms } from '../../runner/core/coin-files/module-platforms';
import { PlatformConfigLoader } from '../../runner/core/coin-files/platform-configs';
import type { PlanReport } from '../../runner/core/plan-report';
import { FsPlatformConfigSource } from '../../runner/node/coin-files/fs-platform-config-source';
import { qtCoinFixtures } from '../helpers/qt-fixtures';
import { runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';

let tree: TempDir;
let configs: string;

const linux = (id: string, features: string[]) =>
  `- {Id: '${id}', Template: 'qtci-linux-Ubuntu-22.04-x86_64-51', Compiler: GCC, Features: [${features.join(', ')}]}`;

const qtqaConfig = [
  'version: 2',
  'accept_configuration:',
  '  condition: or',
  '  conditions:',
  '    - {condition: property, property: features, contains_value: LicenseCheck}',
  '    - {condition: property, property: features, contains_value: LicenseCheckV2}',
  'instructions:',
  '  LicenseCheck:',
  '    - type: ChangeDirectory',
  '      directory: "{{.SourceDir}}"',
  '    - type: ExecuteCommand',
  '      command: "perl tests/prebuild/license/tst_licenses.pl {{.Env.QT_MODULE_TO_TEST}}"',
  '      maxTimeInSeconds: 7200',
  '      maxTimeBetweenOutput: 120',
  '  Build: []',
  '  Test: []',
  '',
].join('\n');

const plan = (...args: string[]) => runCoin(['plan', ...args], { timeoutMs: 120_000 });

beforeAll(async () => {
  tree = await makeTempDir('plan-phases-');
  configs = path.join(tree.path, 'platform_configs');
  await mkdir(configs);
  const files: Record<string, string[]> = {
    'cmake_platforms.yaml': [linux('ubuntu', ['Sccache']), linux('ubuntu-legacy-check', ['LicenseCheck'])],
    'default.yaml': [linux('license-check', ['TestOnly', 'LicenseCheckV2'])],
  };
  for (const [name, lines] of Object.entries(files)) {
    await writeFile(path.join(configs, name), ['Version: 2', 'Configurations:', ...lines, ''].join('\n'));
  }
  await writeFile(
    path.join(configs, 'qtcreator.yaml'),
    ['Version: 2', 'Module only: True', 'Configurations:', linux('creator-check', ['LicenseCheck']), ''].join(
      '\n',
    ),
  );
  for (const repo of ['qtqa', 'qtcreator']) {
    await mkdir(path.join(tree.path, 'qt', repo, 'coin'), { recursive: true });
    await writeFile(path.join(tree.path, 'qt', repo, 'coin/module_config.yaml'), qtqaConfig);
  }
  await writeFile(
    path.join(tree.path, 'qt/qtqa/coin/product_dependencies.yaml'),
    'dependencies:\n  ../qt5.git:\n    ref: "6.8"\n',
  );
});
afterAll(async () => {
  await tree.remove();
});

describe('coin plan of a module with a LicenseCheck phase', () => {
  const qtqa = () => path.join(tree.path, 'qt/qtqa');

  test('a module without its own file: cmake_platforms.yaml and default.yaml, said so; the phase leads', async () => {
    const result = await plan('--module', qtqa(), '--platform-configs', configs);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Plan of qt/qtqa (qt/qtqa/coin/module_config.yaml) with platform_configs: cmake_platforms.yaml + default.yaml',
      'note: there is no qtqa.yaml: planned with cmake_platforms.yaml, as Coin does for a module without its own file (inferred: docs/cli/plan-and-lint.md)',
      "note: default.yaml is added, as Coin adds it to every module's configurations (inferred: docs/cli/plan-and-lint.md)",
      'released with qt/qt5 at 6.8 (qt/qtqa/coin/product_dependencies.yaml:3:5)',
      '3 of 3 configurations considered: 2 accepted, 1 rejected by accept_configuration',
    ]);
    expect(lines[6]).toMatch(
      /^configuration +host +compiler +target +LicenseCheck steps +runs +Build steps +runs +Test steps +runs$/,
    );
    // the TestOnly configuration without a platform dependency builds nothing
    expect(
      lines
        .find((l) => l.startsWith('license-check '))!
        .split(/ {2,}/)
        .slice(3),
    ).toEqual(['2', '2', '–', '–', '0', '0']);
    expect(
      lines
        .find((l) => l.startsWith('ubuntu-legacy-check '))!
        .split(/ {2,}/)
        .slice(3),
    ).toEqual(['2', '2', '0', '0', '0', '0']);
    expect(result.stdout).toContain('  ubuntu: or -> false');
  });

  test('--phase LicenseCheck shows its steps, rendered commands and time limits; --json the product', async () => {
    const args = ['--module', qtqa(), '--platform-configs', configs, '--config', 'license-check'];
    const [text, json] = await Promise.all([
      plan(...args, '--phase', 'licensecheck', '--env', 'QT_MODULE_TO_TEST=/src/qtbase'),
      plan(...args, '--json', '--instructions'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '--- LicenseCheck on license-check: 2 steps (2 run, 0 skipped, 0 at runtime)',
    );
    expect(text.stdout).toContain('work item (sample): coin-plan.licensecheck.qt_qtqa.license-check');
    const command = text.stdout.split('\n').findIndex((l) => /^run +ExecuteCommand/.test(l));
    expect(
      text.stdout
        .split('\n')
        .slice(command + 1, command + 3)
        .map((l) => l.trim()),
    ).toEqual([
      '$ perl tests/prebuild/license/tst_licenses.pl /src/qtbase',
      'limits: 7200 s in all, 120 s without output',
    ]);
    expect(text.stdout).not.toContain('--- Build on');
    const report = JSON.parse(json.stdout) as PlanReport;
    expect(report.phases).toEqual(['LicenseCheck', 'Build', 'Test']);
    expect(report.product).toEqual({
      file: 'qt/qtqa/coin/product_dependencies.yaml',
      products: [
        {
          path: '../qt5.git',
          project: 'qt/qt5',
          ref: '6.8',
          at: 'qt/qtqa/coin/product_dependencies.yaml:3:5',
        },
      ],
    });
    const [check, build] = report.configurations[0]!.phases;
    expect(build).toMatchObject({
      absent: 'TestOnly without a platform dependency: no build, later phases run on the sources',
    });
    expect(check!.instructions.map((i) => i.type)).toEqual([
      ...Array(9).fill('EnvironmentVariable'), // what Coin sets (no platform dependency)
      'ChangeDirectory',
      'ExecuteCommand',
    ]);
    expect(check!.steps.find((s) => s.type === 'ExecuteCommand')!.limits).toEqual({
      maxTimeInSeconds: 7200,
      maxTimeBetweenOutput: 120,
      fromDefaults: [],
    });
  });

  test('Module only: no default.yaml; --platform-config-file: that file alone; --all-configs: every file', async () => {
    const creator = path.join(tree.path, 'qt/qtcreator');
    const [own, one, all] = await Promise.all([
      plan('--module', creator, '--platform-configs', configs),
      plan('--module', qtqa(), '--platform-configs', configs, '--platform-config-file', 'default'),
      plan('--module', qtqa(), '--platform-configs', configs, '--all-configs'),
    ]);
    expect(own.stdout.split('\n').slice(0, 3)).toEqual([
      'Plan of qt/qtcreator (qt/qtcreator/coin/module_config.yaml) with platform_configs: qtcreator.yaml',
      'note: qtcreator.yaml says "Module only": default.yaml is not added',
      '1 of 1 configurations considered: 1 accepted, 0 rejected by accept_configuration',
    ]);
    expect(one.stdout).toContain('with platform_configs: default.yaml\nreleased with');
    expect(one.stdout).toContain('1 of 1 configurations considered: 1 accepted');
    expect(all.stdout).toContain('note: every configuration of the 3 files of the directory');
    expect(all.stdout).toContain(
      '4 of 4 configurations considered: 3 accepted, 1 rejected by accept_configuration',
    );
  });

  test('a module no configuration accepts: the plan says so and how to see more', async () => {
    const result = await plan(
      '--module',
      qtqa(),
      '--platform-configs',
      configs,
      '--platform-config-file',
      'cmake_platforms',
      '--config',
      'ubuntu',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '1 of 2 configurations considered: 0 accepted, 1 rejected by accept_configuration\n' +
        'No configuration accepts the module; --all-configs plans every configuration of the directory.',
    );
  });
});

describe('product_dependencies.yaml and phases in coin lint and coin plan', () => {
  test('a malformed file stops the plan with its place; lint reports it and notes two products', async () => {
    const repo = path.join(tree.path, 'qt/qtwebengine');
    await mkdir(path.join(repo, 'coin'), { recursive: true });
    await writeFile(
      path.join(repo, 'coin/module_config.yaml'),
      [
        'version: 2',
        'instructions:',
        '  Build: []',
        '  Test: []',
        '  Deploy:',
        '    - {type: ExcuteCommand, command: x}',
        '',
      ].join('\n'),
    );
    const products = path.join(repo, 'coin/product_dependencies.yaml');
    await writeFile(products, 'dependencies:\n  ../qt5.git:\n    branch: "6.8"\n');
    const bad = await plan('--module', repo, '--platform-configs', configs);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `coin: ${products}:3:5: product_dependencies.yaml dependencies.../qt5.git.ref: Invalid input\n`,
    );
    const badLint = await runCoin(['lint', repo]);
    expect(badLint.code).toBe(1);
    expect(badLint.stdout).toContain('product_dependencies.yaml dependencies.../qt5.git.ref: Invalid input');

    await writeFile(
      products,
      'dependencies:\n  ../qt5.git:\n    ref: "6.8"\n  ../tqtc-qt5.git:\n    ref: "6.8"\n',
    );
    const lint = await runCoin(['lint', repo, '--json']);
    const messages = (JSON.parse(lint.stdout) as { problems: { line: number; message: string }[] }).problems;
    expect(messages.map((p) => `${p.line}: ${p.message}`)).toEqual([
      // the instructions of a phase other than Build and Test are linted too
      '6: phase "Deploy" is not one Coin is known to run (LicenseCheck, Build, Test): it is planned and run as its own work item',
      '6: unknown instruction type "ExcuteCommand", did you mean ExecuteCommand?',
      '5: product_dependencies.yaml names 2 products; a module is released with one (every real file names one)',
    ]);
  });
});

const qt = qtCoinFixtures();

describe.skipIf(!qt.found)('which configurations a plan covers, on qt5’s real platform_configs', () => {
  test('each fixture module has its own file plus default.yaml; --all-configs is every configuration', () => {
    const source = new FsPlatformConfigSource(path.join(qt.dir, 'qt/qt5/coin/platform_configs'));
    const loader = new PlatformConfigLoader(source);
    const counts = ['qtsvg', 'qtdeclarative', 'qtshadertools', 'qtbase', 'qt5', 'qtqa', 'qtnew'].map(
      (repo) => {
        const selection = modulePlatforms(loader, repo)!;
        return `${repo}: ${selection.files.join(' + ')} = ${selection.configurations.length}`;
      },
    );
    expect(counts).toEqual([
      'qtsvg: qtsvg.yaml + default.yaml = 71',
      'qtdeclarative: qtdeclarative.yaml + default.yaml = 73',
      'qtshadertools: qtshadertools.yaml + default.yaml = 71',
      'qtbase: qtbase.yaml + default.yaml = 80',
      'qt5: qt5.yaml + default.yaml = 67',
      'qtqa: qtqa.yaml + default.yaml = 65',
      'qtnew: cmake_platforms.yaml + default.yaml = 65',
    ]);
    // qtqa accepts only LicenseCheck/LicenseCheckV2 configurations: its own file has none, default.yaml two
    const qtqa = modulePlatforms(loader, 'qtqa')!.configurations.filter((c) =>
      c.features.some((f) => f.startsWith('LicenseCheck')),
    );
    expect(qtqa.map((c) => `${c.name} (${c.source})`)).toEqual([
      'ubuntu-22.04-license-check (default.yaml)',
      'ubuntu-24.04-x64-license-check (default.yaml)',
    ]);
    const all = allPlatforms(loader, source.names());
    expect(all.configurations.length).toBe(145);
    expect(new Set(all.configurations.map((c) => c.name)).size).toBe(145);
  });
});
