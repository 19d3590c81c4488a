// Every phase a module declares runs, in Coin's order: a qtqa-shaped module (accepted only on
// configurations with the LicenseCheck or LicenseCheckV2 feature, `LicenseCheck:` declared before
// Build, with a license check of our own) gets a licensecheck work item where it is accepted and
// nothing elsewhere; the check runs before the build, and a failing check stops what follows.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let work: string;
let coin: CoinProcess;

const platformConfigs = `Version: 2
Configurations:
- Id: 'license-check'
  Template: 'qtci-linux-Debian-12-x86_64-0'
  Compiler: 'GCC'
  Features: ['TestOnly', 'LicenseCheckV2']
- Id: 'license-legacy'
  Template: 'qtci-linux-Debian-12-x86_64-0'
  Compiler: 'GCC'
  Features: ['LicenseCheck']
- Id: 'plain'
  Template: 'qtci-linux-Debian-12-x86_64-0'
  Compiler: 'GCC'
  Features: ['Sccache']
`;

const moduleConfig = `version: 2
accept_configuration:
  condition: or
  conditions:
    - {condition: property, property: features, contains_value: LicenseCheck}
    - {condition: property, property: features, contains_value: LicenseCheckV2}
instructions:
  LicenseCheck:
    - type: ChangeDirectory
      directory: "{{.SourceDir}}"
    - type: ExecuteCommand
      command: "sh check-licenses.sh src"
      maxTimeInSeconds: 60
      userMessageOnFailure: "A source file has no license header."
  Build:
    - type: ExecuteCommand
      command: "sh -c \\"echo building on $COIN_PLATFORM_ID\\""
  Test:
    - type: ExecuteCommand
      command: "sh -c \\"echo testing on $COIN_PLATFORM_ID\\""
`;

// Every file under the directory must carry an SPDX license line.
const checkScript = `set -e
count=0
for file in $(find "$1" -type f | sort); do
  count=$((count + 1))
  if ! grep -q 'SPDX-License-Identifier:' "$file"; then
    echo "no license header: $file"
    exit 1
  fi
done
echo "license headers checked in $count files"
`;

beforeAll(async () => {
  root = await makeTempDir('module-phases-');
  work = path.join(root.path, 'work');
  const configs = path.join(root.path, 'platform_configs');
  await mkdir(configs);
  await writeFile(path.join(configs, 'phases.yaml'), platformConfigs);
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
  workItems: { id: string; kind: string; configuration: string; state: string; started: string | null }[];
}

async function integrate(project: string): Promise<TaskJson> {
  const configs = ['license-check', 'license-legacy', 'plain'].flatMap((c) => ['--config', c]);
  const args = ['integrate', path.join(root.path, project), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, ...configs, '--wait', '--json'], { timeoutMs: 90_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as TaskJson;
}

const logOf = async (task: TaskJson, kind: string, configuration: string) => {
  const item = task.workItems.find((w) => w.kind === kind && w.configuration === configuration)!;
  return (await runCoin(['task', task.id, '--working-dir', work, '--log', item.id])).stdout;
};

test('the LicenseCheck phase runs where the module is accepted, first, and nowhere else', async () => {
  await commitModule(root.path, 'demo/qa', {
    'coin/module_config.yaml': moduleConfig,
    'check-licenses.sh': checkScript,
    'src/a.c': '// SPDX-License-Identifier: BSD-3-Clause\nint a;\n',
    'src/b.c': '/* SPDX-License-Identifier: MIT */\nint b;\n',
  });
  const task = await integrate('demo/qa');
  expect(task.state, task.reason ?? '').toBe('Passed');
  expect(task.workItems.map((w) => `${w.kind} ${w.configuration}: ${w.state}`).sort()).toEqual([
    'build license-legacy: Done',
    'licensecheck license-check: Done',
    'licensecheck license-legacy: Done',
    'test license-check: Done',
    'test license-legacy: Done',
  ]);
  // plain has no LicenseCheck feature: the module is not accepted there, so nothing runs on it
  expect(task.workItems.some((w) => w.configuration === 'plain')).toBe(false);
  const check = await logOf(task, 'licensecheck', 'license-legacy');
  expect(check).toContain('license headers checked in 2 files');
  // Coin's order: the check before the build, the build before the test
  const started = (kind: string) =>
    Date.parse(task.workItems.find((w) => w.kind === kind && w.configuration === 'license-legacy')!.started!);
  expect(started('licensecheck')).toBeLessThanOrEqual(started('build'));
  expect(started('build')).toBeLessThanOrEqual(started('test'));
  expect(await logOf(task, 'test', 'license-check')).toContain('testing on license-check');
});

test('a failing license check fails the integration and what follows it does not run', async () => {
  await commitModule(root.path, 'demo/qa-bad', {
    'coin/module_config.yaml': moduleConfig,
    'check-licenses.sh': checkScript,
    'src/a.c': '// SPDX-License-Identifier: BSD-3-Clause\nint a;\n',
    'src/b.c': 'int b; /* no license */\n',
  });
  const task = await integrate('demo/qa-bad');
  expect(task.state).toBe('Failed');
  const legacy = task.workItems.filter((w) => w.configuration === 'license-legacy');
  expect(legacy.map((w) => `${w.kind}: ${w.state}`).sort()).toEqual([
    'build: Cancelled',
    'licensecheck: Failed',
    'test: Cancelled',
  ]);
  expect(task.reason).toContain('A source file has no license header.');
  expect(await logOf(task, 'licensecheck', 'license-legacy')).toContain('no license header: src/b.c');
});
