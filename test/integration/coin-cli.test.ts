// The `coin` CLI as a user runs it: a real process, a real machine check, and against a real
// running instance: short ids, plain errors, and what `integrate --wait` shows on a terminal
// (a pseudo-terminal from util-linux `script`) and elsewhere.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { commitModule, startCoin, type CoinProcess } from '../helpers/coin-process';
import { checkoutCoin, runCoin } from '../helpers/run-coin';
import { makeTempDir, type TempDir } from '../helpers/temp-dir';
import { consumerModuleConfig, dependsOnTool } from './runner/demo-modules';
import { failingTestModule } from './runner/failing-test-module';

let work: TempDir;
beforeEach(async () => {
  work = await makeTempDir('cli-');
});
afterEach(async () => {
  await work.remove();
});

describe('coin CLI', () => {
  test('--version prints the package version', async () => {
    const result = await runCoin(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^coin ${pkg.version.replaceAll('.', '\\.')}( \\([0-9a-f]+\\))?\\n$`),
    );
  });

  test('doctor prints a table and exits 0 on a machine that can run Coin', async () => {
    const result = await runCoin(['doctor', '--working-dir', work.path, '--min-free-gb', '0']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/status\s+check\s+required\s+detail/);
    expect(result.stdout).toMatch(/ok\s+git\s+yes\s+git version \d+\.\d+/);
    expect(result.stdout).toContain('This machine can run a Coin instance.');
  });

  test('doctor exits 1 and marks the row when the working directory cannot be used', async () => {
    const file = path.join(work.path, 'plain-file');
    await writeFile(file, 'x');
    const result = await runCoin(['doctor', '--working-dir', path.join(file, 'work'), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: { id: string }) => c.id === 'working-dir')).toMatchObject({
      status: 'fail',
    });
  });

  test('doctor exits 1 when the disk has less free space than required', async () => {
    const result = await runCoin(['doctor', '--working-dir', work.path, '--min-free-gb', '100000000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+free disk/);
    expect(result.stdout).toContain('Something required is missing');
  });

  test('usage errors are one line on stderr and exit 2', async () => {
    const bad = await runCoin(['doctor', '--min-free-gb', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("coin: --min-free-gb must be a number >= 0, got 'lots'");
    const unknown = await runCoin(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});

/** `script` (util-linux) runs a command on a pseudo-terminal: how a person at a terminal runs coin. */
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('coin integrate, coin tasks and coin task against a running instance', () => {
  let root: TempDir;
  let instanceDir: string;
  let coin: CoinProcess;
  const repo = (project: string) => path.join(root.path, project);
  const integrateArgs = (project: string) => [
    'integrate',
    repo(project),
    '--ref',
    'main',
    '--working-dir',
    instanceDir,
  ];

  beforeAll(async () => {
    root = await makeTempDir('cli-instance-');
    instanceDir = path.join(root.path, 'work');
    // the tool's build takes 2 s, so a person watching sees it run
    const toolSha = await commitModule(root.path, 'demo/tool', failingTestModule(2));
    await commitModule(root.path, 'demo/app', {
      'coin/module_config.yaml': consumerModuleConfig(),
      'dependencies.yaml': dependsOnTool(toolSha),
    });
    coin = await startCoin(instanceDir);
  });

  afterAll(async () => {
    await coin.stop();
    await root.remove();
  });

  test.skipIf(!hasScript)(
    'integrate --wait on a terminal: work items as they start and end with times, a live status line, a summary',
    async () => {
      const { command, env } = checkoutCoin();
      const line = [...command, ...integrateArgs('demo/tool'), '--wait'].map((a) => `'${a}'`).join(' ');
      const result = spawnSync('script', ['-qec', line, '/dev/null'], {
        env,
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(result.status).toBe(1); // the test fails
      const text = result.stdout;
      // what the terminal shows at the end: each line after its last "go to column 1, clear"
      const lines = text.split(/\r?\n/).map((l) => l.split('\r\x1b[K').at(-1)!);
      expect(lines.some((l) => /^\[\d+:\d\d\] ▶ build demo\/tool on \S+ started on local-\S+$/.test(l))).toBe(
        true,
      );
      // The build sleeps 2 s: its end says how long it ran, and meanwhile the status line counted.
      expect(text).toMatch(/\[\d+:\d\d\] ✔ build demo\/tool on \S+ done in (?:[2-9]|\d\d+)\.\d s\r?\n/);
      // the status line is redrawn in place: carriage return, erase the line (ESC [ K), the text
      const redrawn = /\r\x1b\[K\[\d+:\d\d\] running: build demo\/tool on \S+ 0:01 \(1 queued\)/; // eslint-disable-line no-control-regex -- ESC
      expect(text).toMatch(redrawn);
      expect(text).toMatch(
        /\[\d+:\d\d\] ✖ test demo\/tool on \S+ failed in \d+\.\d s: Test failure: tst_Tool::prints failed: Compared values are not the same\r?\n/,
      );
      expect(text).toMatch(
        /\[\d+:\d\d\] Task [0-9a-f]{8} Failed after [^:]+: 2 work items, 1 done, 1 failed\. Test failure: tst_Tool::prints failed/,
      );
    },
  );

  test('integrate --wait elsewhere: the same lines without a status line; --json prints only the JSON', async () => {
    const plain = await runCoin([...integrateArgs('demo/tool'), '--wait'], { timeoutMs: 90_000 });
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toContain('\r');
    expect(plain.stderr).toMatch(/^\[\d+:\d\d\] ♻ build demo\/tool on \S+ reused an earlier build$/m);
    expect(plain.stderr).toMatch(
      /^\[\d+:\d\d\] Task [0-9a-f]{8} Failed after [^:]+: 2 work items, 1 done \(1 reused\), 1 failed\. Test failure: /m,
    );
    expect(plain.stdout).toMatch(/^Task [0-9a-f-]{36} {2}Failed\n/);
    const quiet = await runCoin([...integrateArgs('demo/tool'), '--wait', '--json'], { timeoutMs: 90_000 });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout)).toMatchObject({ state: 'Failed' });
  });

  test('coin task takes any unique start of an id, lists the work items --log takes, and reads logs by them', async () => {
    const submitted = JSON.parse(
      (await runCoin([...integrateArgs('demo/app'), '--wait', '--json'])).stdout,
    ) as {
      id: string;
      workItems: { id: string; kind: string }[];
    };
    const short = submitted.id.slice(0, 8);
    const listed = await runCoin(['tasks', '--working-dir', instanceDir]);
    expect(listed.stdout).toMatch(new RegExp(`^${short} +demo/app +main +Passed `, 'm'));
    const shown = await runCoin(['task', short, '--working-dir', instanceDir]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^build\.demo_tool\.\S+ +Done \(reused\)/m);
    expect(shown.stdout).toMatch(/^build\.demo_app\.\S+ +Done +\d+\.\d s$/m);
    expect(shown.stdout).toMatch(/^test\.demo_app\.\S+ +Done +\d+\.\d s$/m);
    expect(shown.stdout).toContain(`Read a log: coin task ${short} --log build.demo_tool.`);
    const testItem = submitted.workItems.find((w) => w.kind === 'test')!;
    for (const name of ['test', testItem.id, testItem.id.slice(0, 45)]) {
      const log = await runCoin(['task', short, '--working-dir', instanceDir, '--log', name]);
      expect(log.code, name).toBe(0);
      expect(log.stdout).toContain('built with the tool');
    }
    const full = await runCoin(['task', submitted.id, '--working-dir', instanceDir, '--json']);
    expect(JSON.parse(full.stdout)).toMatchObject({ id: submitted.id, state: 'Passed' });
  });

  test('a bad or ambiguous id is one line that says what there is, never a raw HTTP answer', async () => {
    const { id } = JSON.parse((await runCoin([...integrateArgs('demo/app'), '--json'])).stdout) as {
      id: string;
    };
    const logOf = (name: string) =>
      runCoin(['task', id.slice(0, 8), '--working-dir', instanceDir, '--log', name]);
    const ambiguous = await logOf('build');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(
      new RegExp(
        `^coin: work item 'build' is ambiguous in task ${id.slice(0, 8)}: build\\.demo_tool\\.\\S+, build\\.demo_app\\.\\S+\\n$`,
      ),
    );
    const missing = await logOf('nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^coin: task [0-9a-f]{8} has no work item 'nope'; its work items are build\.demo_tool\.\S+, build\.demo_app\.\S+, test\.demo_app\.\S+\n$/,
    );
    const unknown = await runCoin(['task', 'zzzz', '--working-dir', instanceDir, '--log', 'test']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `coin: no task id starts with 'zzzz' (coin tasks --working-dir ${instanceDir} lists them)\n`,
    );
    for (const result of [ambiguous, missing, unknown]) expect(result.stderr).not.toMatch(/HTTP|\{"error"/);
  });

  test('a task id start shared by several tasks is an error listing them', async () => {
    // Task ids are random: submit until two share their first character (at most 17 are needed).
    const ids: string[] = [];
    let shared: string | undefined;
    while (!shared) {
      const { id } = JSON.parse((await runCoin([...integrateArgs('demo/app'), '--json'])).stdout) as {
        id: string;
      };
      shared = ids.find((other) => other[0] === id[0]);
      ids.push(id);
    }
    const result = await runCoin(['task', shared[0]!, '--working-dir', instanceDir]);
    expect(result.code).toBe(2);
    const line = result.stderr.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(
      new RegExp(
        `^coin: task id '${shared[0]}' is ambiguous: \\d+ tasks start with it: .*; give more of it$`,
      ),
    );
    expect(line).toContain(`${shared} (demo/app main)`);
  });
});
