// A test work item that fails, on a real `coin run`: it is a test failure (not a build one) with
// the failing test case and its message from the parsed results, the command is kept apart, the
// first error is QtTest's FAIL! line (not the echoed command line) and no test is named by a path.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { failingTestModule } from './failing-test-module';

let root: TempDir;
let coin: CoinProcess;
let work: string;
let taskId: string;
let exitCode: number;
let json: {
  id: string;
  workItems: { id: string; kind: string; failure: null | { kind: string; failedTests?: unknown[] } }[];
};

/** The instance's API, through the client `coin task` uses. */
const api = () => connectWorkingDir(work);

beforeAll(async () => {
  root = await makeTempDir('test-failure-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', failingTestModule());
  coin = await startCoin(work);
  const args = ['integrate', path.join(root.path, 'demo/tool'), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, '--wait', '--json'], { timeoutMs: 90_000 });
  exitCode = result.code;
  json = JSON.parse(result.stdout) as typeof json;
  taskId = json.id;
});

afterAll(async () => {
  await coin.stop();
  await root.remove();
});

const testItem = () => json.workItems.find((w) => w.kind === 'test')!;

describe('a failing test work item', () => {
  test('is a test failure with the failing test case and its message, the command apart', async () => {
    expect(exitCode).toBe(1);
    expect(json.workItems.find((w) => w.kind === 'build')!.failure).toBeNull();
    const detail = await api().taskDetail(taskId);
    expect(detail.workItems.find((w) => w.id === testItem().id)!.failureKind).toBe('test');
    expect(detail.failures).toEqual([
      {
        workItemId: testItem().id,
        kind: 'test',
        failedTests: [{ name: 'tst_Tool::prints', message: 'Compared values are not the same', attempts: 1 }],
        failedTestCount: 1,
        message: 'The tests of the tool failed.',
        cause: 'command exited with code 1',
        command: expect.stringMatching(
          /^sh \/.*\/tests\/tst_tool\.sh \/.*\/install\/bin\/tool \/.*\/testresults --fail-fast$/,
        ),
        at: expect.stringMatching(/^demo\/tool@[0-9a-f]{12}:coin\/module_config\.yaml:\d+:\d+$/),
      },
    ]);
    expect(testItem().failure).toMatchObject({ kind: 'test', failedTests: detail.failures![0]!.failedTests });
  });

  test('its first error is the FAIL! line, not the echoed command line that says --fail-fast', async () => {
    const id = testItem().id;
    const line = (await api().firstError(id))!;
    const page = await api().logLines(id, { from: 0, count: 500 });
    expect(page.lines[line]).toBe('FAIL!  : tst_Tool::prints() Compared values are not the same');
    const echoed = page.lines.findIndex((l) => l.startsWith('+ sh ') && l.endsWith('--fail-fast'));
    expect(echoed).toBeGreaterThan(-1);
    expect(echoed).toBeLessThan(line);
  });

  test('its test results are named by test case, never by a path', async () => {
    const tests = await api().tests(testItem().id);
    expect(tests.map((t) => `${t.name} ${t.outcome}`)).toEqual([
      'tst_Tool::initTestCase passed',
      'tst_Tool::prints failed',
    ]);
  });

  test('coin task says it once: the failing test first, the command on its own line', async () => {
    const shown = await runCoin(['task', taskId.slice(0, 8), '--working-dir', work]);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toBe(`Task ${taskId}  Failed`);
    expect(lines.slice(2, 6)).toEqual([
      '',
      'Test failure: tst_Tool::prints failed: Compared values are not the same',
      expect.stringMatching(/^ {2}the change built, its tests failed; in test demo\/tool on local-\S+$/),
      '  The tests of the tool failed. (command exited with code 1)',
    ]);
    expect(shown.stdout.match(/tst_tool\.sh/g)).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('  $ '))).toMatch(/^ {2}\$ sh \/.*--fail-fast$/);
  });
});
