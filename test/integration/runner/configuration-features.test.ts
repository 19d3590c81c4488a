// Coin's configuration Features applied by the run, not only shown by the plan: a TestOnly
// configuration tests on the build of its platform dependency, DoNotRunTests has no test item,
// and failures on Insignificant / InsignificantTests configurations do not fail the integration.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let work: string;
let coin: CoinProcess;

function configuration(id: string, features: string[], extra: string[] = []): string {
  return [
    `- Id: '${id}'`,
    "  Template: 'qtci-linux-Debian-12-x86_64-0'",
    "  Compiler: 'GCC'",
    `  Features: [${features.map((f) => `'${f}'`).join(', ')}]`,
    "  Configure arguments: ''",
    ...extra,
  ].join('\n');
}

const platformConfigs = [
  'Version: 2',
  'Configurations:',
  configuration('base', [], ['  Environment variables: []']),
  configuration(
    'base-tests',
    ['TestOnly'],
    ["  Environment variables: ['SUITE=second']", "  Platform dependency: 'base'"],
  ),
  configuration('shaky', ['Insignificant'], ["  Environment variables: ['FAIL_BUILD=1']"]),
  configuration('shaky-tests', ['InsignificantTests'], ["  Environment variables: ['FAIL_TEST=1']"]),
  configuration('no-tests', ['DoNotRunTests'], ['  Environment variables: []']),
  '',
].join('\n');

const moduleConfig = `version: 2
instructions:
  Build:
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/build.sh {{.InstallDir}}"
      userMessageOnFailure: "The build failed."
    - type: UploadArtifact
      archiveDirectory: "{{.InstallDir}}"
      transferType: UploadModuleBuildArtifact
  Test:
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/check.sh {{.InstallDir}}"
      userMessageOnFailure: "The tests failed."
`;

const buildScript = `set -e
test -z "$FAIL_BUILD" || { echo "FAIL: the build breaks on $COIN_PLATFORM_ID"; exit 1; }
mkdir -p "$1"
echo "built on $COIN_PLATFORM_ID" > "$1/built-on.txt"
`;

const checkScript = `set -e
built=$(cat "$1/built-on.txt")
echo "testing $COIN_PLATFORM_ID \${SUITE:-first} on: $built"
test -z "$FAIL_TEST" || { echo "FAIL!  : tst_feature::check() broke on $COIN_PLATFORM_ID"; exit 1; }
`;

beforeAll(async () => {
  root = await makeTempDir('configuration-features-');
  work = path.join(root.path, 'work');
  const configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  await writeFile(path.join(configs, 'features.yaml'), platformConfigs);
  await commitModule(root.path, 'demo/features', {
    'coin/module_config.yaml': moduleConfig,
    'build.sh': buildScript,
    'check.sh': checkScript,
  });
  coin = await startCoin(work, ['--platform-configs', configs]);
});
afterAll(async () => {
  expect(await coin.stop()).toBe(0);
  await root.remove();
});

interface TaskJson {
  id: string;
  state: string;
  reason: string | null;
  workItems: { id: string; kind: string; configuration: string; state: string; reused: boolean }[];
}

test('TestOnly tests on its dependency’s build, DoNotRunTests has no test, insignificant failures pass', async () => {
  const configs = ['base', 'base-tests', 'shaky', 'shaky-tests', 'no-tests'].flatMap((c) => ['--config', c]);
  const args = ['integrate', path.join(root.path, 'demo/features'), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, ...configs, '--wait', '--json'], { timeoutMs: 90_000 });
  expect(result.stderr).toBe('');
  const task = JSON.parse(result.stdout) as TaskJson;
  expect(task.state, task.reason ?? '').toBe('Passed');
  const items = task.workItems.map((w) => `${w.kind} ${w.configuration}: ${w.state}`).sort();
  expect(items).toEqual([
    'build base: Done',
    'build no-tests: Done',
    'build shaky-tests: Done',
    'build shaky: Insignificant',
    'test base-tests: Done',
    'test base: Done',
    'test shaky-tests: Insignificant',
    'test shaky: Insignificant',
  ]);

  const log = async (kind: string, configuration: string) => {
    const item = task.workItems.find((w) => w.kind === kind && w.configuration === configuration)!;
    return (await runCoin(['task', task.id, '--working-dir', work, '--log', item.id])).stdout;
  };
  // The TestOnly configuration ran as itself (its own variables) on what `base` built.
  expect(await log('test', 'base-tests')).toContain('testing base-tests second on: built on base');
  expect(await log('test', 'shaky-tests')).toContain('FAIL!  : tst_feature::check() broke on shaky-tests');
  expect(await log('build', 'shaky')).toContain('FAIL: the build breaks on shaky');
});

test('machine_type: a phase asking for 1 core sees 1 CPU; one asking for more than the machine has is told so', async () => {
  const available = os.availableParallelism();
  await commitModule(root.path, 'demo/sized', {
    'coin/module_config.yaml': [
      'version: 2',
      'machine_type:',
      '  Build:',
      '    cores: 1',
      '  Test:',
      `    cores: ${available + 6}`,
      'instructions:',
      '  Build:',
      '    - type: ExecuteCommand',
      '      command: "sh -c \\"echo build sees $(nproc) CPUs, NumCPU {{.NumCPU}}\\""',
      '  Test:',
      '    - type: ExecuteCommand',
      '      command: "sh -c \\"echo test sees $(nproc) CPUs, NumCPU {{.NumCPU}}\\""',
      '',
    ].join('\n'),
  });
  const args = ['integrate', path.join(root.path, 'demo/sized'), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, '--config', 'base', '--wait', '--json'], { timeoutMs: 90_000 });
  const task = JSON.parse(result.stdout) as TaskJson;
  expect(task.state, task.reason ?? '').toBe('Passed');
  const log = async (kind: string) => {
    const item = task.workItems.find((w) => w.kind === kind)!;
    return (await runCoin(['task', task.id, '--working-dir', work, '--log', item.id])).stdout;
  };
  const build = await log('build');
  expect(build).toContain('build sees 1 CPUs, NumCPU 1');
  if (available > 1) expect(build).toContain("machine_type asks for 1 of this machine's");
  const test = await log('test');
  expect(test).toContain(`machine_type asks for ${available + 6} cores; this machine has ${available}`);
  expect(test).toContain(`test sees ${available} CPUs, NumCPU ${available}`);
});
