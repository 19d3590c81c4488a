// The agent's executor on modules of our own, loaded and planned the way the instance does it:
// the real loader (includes, platform configurations, configuration properties), planPhase, then
// executeInstructions in a temp work area with a real-tar artifact channel. The every-instruction
// module uses every instruction type an agent here can run; its Test phase installs what its
// Build uploaded. The failing-command module shows what the user sees when a command fails or
// hangs.
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecutionContext } from '../../../runner/agent/execution-context';
import { executeInstructions, type ExecutionResult } from '../../../runner/agent/instruction-executor';
import { configProperties, type ConfigProperties } from '../../../runner/core/coin-files/config-properties';
import { IncludeResolver } from '../../../runner/core/coin-files/include-resolver';
import { instructionCatalogue } from '../../../runner/core/coin-files/instruction-catalogue';
import { loadModuleConfig } from '../../../runner/core/coin-files/module-config';
import {
  PlatformConfigLoader,
  type PlatformConfiguration,
} from '../../../runner/core/coin-files/platform-configs';
import type { PlannedInstruction } from '../../../runner/core/planned-instruction';
import { acceptsConfiguration, planPhase } from '../../../runner/core/planner';
import { childEnv } from '../../../runner/node/child-env';
import { FsPlatformConfigSource } from '../../../runner/node/coin-files/fs-platform-config-source';
import { FsRepoResolver } from '../../../runner/node/coin-files/fs-repo-resolver';
import { LocalArtifactChannel } from '../../helpers/local-artifact-channel';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const fixtures = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'modules');
const includes = new IncludeResolver(new FsRepoResolver(fixtures));
const platforms = new PlatformConfigLoader(
  new FsPlatformConfigSource(path.join(fixtures, 'platform_configs')),
);
const secretSeed = 'k9QzX2';

function configuration(id: string): { config: PlatformConfiguration; properties: ConfigProperties } {
  const set = platforms.load('every-instruction.yaml');
  const config = set.byId.get(id)!;
  return { config, properties: configProperties(config, (dep) => set.byId.get(dep)) };
}

/** What the instance puts in front of a plan: CI variables, then the configuration's own (templates). */
function environmentSteps(project: string, config: PlatformConfiguration): PlannedInstruction[] {
  const ci: [string, string][] = [
    ['TESTED_MODULE_COIN', project.split('/')[1]!],
    ['COIN_PLATFORM_ID', config.name],
    ['MODULE_ARTIFACTS_RELATIVE_STORAGE_PATH', `${project}/0123abcd/${config.name}`],
    ['CI_PATH_SEP', '/'],
    ['SECRET_SEED', secretSeed],
  ];
  const own = config.environmentVariables.map((e) => [
    e.slice(0, e.indexOf('=')),
    e.slice(e.indexOf('=') + 1),
  ]);
  return [...ci, ...own].map(([variableName, variableValue]) => ({
    type: 'EnvironmentVariable',
    at: `<configuration ${config.name}>`,
    fields: { variableName, variableValue },
    executeOn: 'success',
  }));
}

interface PhaseRun {
  result: ExecutionResult;
  ctx: ExecutionContext;
  log: string;
  lines: string[];
}

/** Plan `phase` of `project` on local-linux and run it in a fresh work area under `root`. */
async function runPhase(
  root: string,
  project: string,
  phase: 'Build' | 'Test',
  channel: LocalArtifactChannel,
): Promise<PhaseRun> {
  const { config, properties } = configuration('local-linux');
  const plan = planPhase(loadModuleConfig(includes, project), phase, properties);
  const work = path.join(root, phase.toLowerCase());
  const dirs = {
    agentWorkingDir: work,
    sourceDir: path.join(work, project.split('/')[1]!),
    buildDir: path.join(work, 'build'),
    installDir: path.join(work, 'install'),
    installRoot: path.join(work, 'install-root'),
  };
  await mkdir(work, { recursive: true });
  await cp(path.join(fixtures, project), dirs.sourceDir, { recursive: true });
  const lines: string[] = [];
  const ctx: ExecutionContext = {
    env: childEnv(),
    cwd: dirs.sourceDir,
    dirs,
    numCpu: 2,
    coinDownloadUrl: 'http://127.0.0.1:1/coin/download',
    artifacts: channel,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    uploaded: [],
  };
  const result = await executeInstructions([...environmentSteps(project, config), ...plan.instructions], ctx);
  return { result, ctx, lines, log: lines.join('\n') };
}

function typesIn(list: readonly PlannedInstruction[]): Set<string> {
  const types = new Set<string>();
  const visit = (i: PlannedInstruction) => {
    types.add(i.type);
    i.instructions?.forEach(visit);
  };
  list.forEach(visit);
  return types;
}

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('the every-instruction module on a local agent', () => {
  let root: TempDir;
  let channel: LocalArtifactChannel;
  let build: PhaseRun;
  let tests: PhaseRun;

  beforeAll(async () => {
    root = await makeTempDir('every-instruction-');
    channel = new LocalArtifactChannel(path.join(root.path, 'store'), {
      'coin-admin/helper-sources@main': path.join(fixtures, 'coin-admin/helper-sources'),
    });
    build = await runPhase(root.path, 'coin-admin/every-instruction', 'Build', channel);
    tests = await runPhase(root.path, 'coin-admin/every-instruction', 'Test', channel);
  });
  afterAll(() => root.remove());

  test('it is planned on the accepting configuration only and uses every type an agent here can run', () => {
    const module = loadModuleConfig(includes, 'coin-admin/every-instruction');
    expect(acceptsConfiguration(module, configuration('local-linux').properties).value).toBe(true);
    expect(acceptsConfiguration(module, configuration('disabled-windows').properties).value).toBe(false);
    const { properties } = configuration('local-linux');
    const used = typesIn([
      ...planPhase(module, 'Build', properties).instructions,
      ...planPhase(module, 'Test', properties).instructions,
    ]);
    const runnable = [...instructionCatalogue.keys()].filter(
      (t) => t !== 'SignPackage' && t !== 'UpdateRepo',
    );
    expect([...used].sort()).toEqual(runnable.sort());
  });

  test('Build and Test run to completion', () => {
    expect(build.result.failure).toBeNull();
    expect(tests.result.failure).toBeNull();
  });

  test('environment instructions: set, append, prepend, parsed from a file, from a sourced script', () => {
    const src = build.ctx.dirs.sourceDir;
    expect(build.ctx.env).toMatchObject({
      BUILD_FLAVOUR: 'release-lto',
      QT_REPO_MODULE_VERSION: '6.11.0',
      FROM_SCRIPT: 'sourced',
      TOOLS_SETUP_DONE: 'yes',
      GREETING: 'hello from every-instruction',
    });
    expect(build.ctx.env.PATH!.startsWith(`${src}/tools:`)).toBe(true);
    expect(build.lines).toContain('setting up the build environment (sourced)');
    expect(build.lines).toContain('coin-greet: environment was sourced, flavour release-lto');
  });

  test('directories and files: build directory, modes, rename, the hidden secret never logged', async () => {
    const { buildDir, sourceDir, agentWorkingDir, installDir } = build.ctx.dirs;
    expect(buildDir).toBe(`${sourceDir}_build`);
    expect(build.ctx.cwd).toBe(buildDir);
    expect(await readFile(path.join(buildDir, 'version.h'), 'utf8')).toContain(
      '#define MODULE_VERSION "6.11.0"',
    );
    expect(await modeOf(path.join(buildDir, 'version.h'))).toBe(0o644);
    expect(await modeOf(path.join(buildDir, 'build.sh'))).toBe(0o755);
    expect(await modeOf(path.join(agentWorkingDir, 'credentials.sh'))).toBe(0o600);
    expect(await readFile(path.join(agentWorkingDir, 'credentials.sh'), 'utf8')).toBe(
      `export UPLOAD_TOKEN=tok-${secretSeed}-5f3a9c\n`,
    );
    expect(build.log).not.toContain(secretSeed);
    expect(build.lines).toContain('***');
    expect(build.log).toMatch(/credentials\.sh \(\d+ bytes, mode 0600, content hidden\)/);
    expect(existsSync(path.join(installDir, 'bin', 'hello'))).toBe(true);
    expect(existsSync(path.join(buildDir, 'hello'))).toBe(false);
    expect(await readFile(path.join(buildDir, 'doc_build_filter'), 'utf8')).toBe('global.css\n');
  });

  test('commands: templated limits, ignored exit code, conditions, a failure reset by its fallback', () => {
    const { buildDir, agentWorkingDir } = build.ctx.dirs;
    expect(build.lines).toContain('compiled hello (release-lto)');
    expect(build.lines).toContain('(exit code 3 ignored: ignoreExitCode)');
    expect(existsSync(path.join(buildDir, 'runtime-disabled'))).toBe(false);
    expect(existsSync(path.join(buildDir, 'windows-only'))).toBe(false);
    expect(build.log).toContain('FAILED ExecuteCommand');
    expect(build.lines).toContain('the error of "Copy build log" is reset (resetError: target)');
    expect(existsSync(path.join(agentWorkingDir, 'logs', 'build.log.tmp'))).toBe(true);
    expect(existsSync(path.join(buildDir, 'failure-only'))).toBe(false);
  });

  test('uploads: the install, only the new docs, a named artifact, the tests', async () => {
    const contents = (type: string) => channel.contents(channel.ofType(type)[0]!.key);
    expect(await contents('UploadModuleBuildArtifact')).toEqual(['bin/hello']);
    expect(await contents('UploadModuleDocumentation')).toEqual(['index.html']);
    expect(channel.ofType('GenericArtifactWithName').map((a) => a.name)).toEqual([
      'tools_every-instruction.tar.gz',
    ]);
    expect(await contents('GenericArtifactWithName')).toEqual(['coin-greet', 'env-setup.sh']);
    expect(await contents('UploadModuleTestsArtifact')).toEqual(['tst_flaky']);
    expect(build.ctx.uploaded).toHaveLength(4);
  });

  test('installs: the build, the named artifact, the tests, a source archive', () => {
    const { agentWorkingDir, installDir, sourceDir } = tests.ctx.dirs;
    expect(existsSync(path.join(installDir, 'bin', 'hello'))).toBe(true);
    expect(existsSync(path.join(agentWorkingDir, 'tools', 'coin-greet'))).toBe(true);
    expect(existsSync(path.join(`${sourceDir}_standalone_tests`, 'tst_flaky'))).toBe(true);
    expect(channel.sourceRequests).toEqual(['coin-admin/helper-sources@main']);
    expect(tests.lines).toContain('hello from every-instruction, version 6.11.0');
    expect(tests.lines).toContain('greeting has version 6.11.0');
  });

  test('tests: the flaky test is recorded as flaky, its report is read and uploaded', async () => {
    expect(tests.result.testResults).toEqual([
      // named after the test program, not the command line; the command is in the log once
      expect.objectContaining({
        name: 'tst_flaky',
        outcome: 'flaky',
        attempts: 2,
        message: 'command exited with code 1',
      }),
      { name: 'tst_flaky::initTestCase', outcome: 'passed', attempts: 1, durationMs: 1 },
      { name: 'tst_flaky::sometimes', outcome: 'passed', attempts: 1, durationMs: 2 },
      {
        name: 'tst_flaky::network',
        outcome: 'skipped',
        attempts: 1,
        durationMs: 0,
        message: 'no network here',
      },
    ]);
    expect(tests.lines).toContain('tests: 2 passed, 1 flaky, 0 failed, 1 skipped');
    const [results] = channel.ofType('UploadTestResults');
    expect(await channel.contents(results!.key)).toEqual(['tst_flaky.junit.xml']);
    expect(tests.ctx.uploaded).toEqual([results!.key]);
  });
});

describe('the failing-command module on a local agent', () => {
  test('a failing build shows its userMessageOnFailure; executeOn always still runs', async () => {
    const root = await makeTempDir('failing-command-');
    try {
      const channel = new LocalArtifactChannel(path.join(root.path, 'store'));
      const build = await runPhase(root.path, 'coin-admin/failing-command', 'Build', channel);
      expect(build.result.passed).toBe(false);
      expect(build.result.failure).toEqual({
        kind: 'build',
        message:
          'Failed to build sources. In the current state bug can be everywhere. (command exited with code 2: ' +
          "sh -c echo compiling; echo 'main.c:3: error: expected ; before }' >&2; exit 2)",
        at: expect.stringMatching(/coin-admin\/failing-command\/coin\/module_config\.yaml:\d+:\d+$/),
      });
      expect(build.lines).toContain('main.c:3: error: expected ; before }');
      expect(existsSync(path.join(build.ctx.dirs.agentWorkingDir, 'cleanup-ran'))).toBe(true);
      expect(existsSync(path.join(build.ctx.dirs.agentWorkingDir, 'never'))).toBe(false);
    } finally {
      await root.remove();
    }
  });

  test('a command silent for longer than its templated limit is killed, and the failure names the limit', async () => {
    const root = await makeTempDir('failing-command-');
    try {
      const started = Date.now();
      const run = await runPhase(
        root.path,
        'coin-admin/failing-command',
        'Test',
        new LocalArtifactChannel(path.join(root.path, 'store')),
      );
      expect(run.result.failure?.message).toBe(
        'The device did not answer. (command exceeded maxTimeBetweenOutput (1 s) and was killed with its children: ' +
          'sh -c echo waiting for a device; sleep 30)',
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await root.remove();
    }
  });
});
