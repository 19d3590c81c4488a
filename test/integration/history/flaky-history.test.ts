// Test history on a real `coin run`: a module whose test fails the first time it runs and passes
// when the same revision is integrated again (a flake). The instance stores each test case's
// outcome per integration; the second run makes the first failure flaky (failed, then passed at
// the same revision and configuration), so one of the test's three runs is flaky and it leads
// the flakiest tests. Then a commit that breaks the tool: "since green" names that commit and the
// test that newly fails, and `coin tasks --search` finds the failure by its text.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { failingTestModuleConfig } from '../runner/failing-test-module';
import { toolSource } from '../runner/demo-modules';

let root: TempDir;
let coin: CoinProcess;
let work: string;
const runs: { id: string; code: number }[] = [];

/** tests/tst_tool.sh: fails the first time (no marker yet), passes after; fails for good when the tool is broken. */
function flakyScript(marker: string): string {
  return `#!/bin/sh
out=$("$1")
mkdir -p "$2"
if [ "$out" != "tool works" ]; then status=fail; code=1
elif [ -f "${marker}" ]; then status=pass; code=0
else touch "${marker}"; status=fail; code=1; fi
[ $code = 1 ] && echo "FAIL!  : tst_Flaky::prints() Compared values are not the same"
cat > "$2/tst_flaky.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<TestCase name="tst_Flaky">
<TestFunction name="initTestCase"><Incident type="pass" file="" line="0"/></TestFunction>
<TestFunction name="prints"><Incident type="$status" file="t.sh" line="3"><Description><![CDATA[Compared values are not the same]]></Description></Incident></TestFunction>
</TestCase>
XML
exit $code
`;
}

async function integrate(repo: string): Promise<void> {
  const args = ['integrate', repo, '--ref', 'main', '--working-dir', work, '--wait', '--json'];
  const result = await runCoin(args, { timeoutMs: 120_000 });
  runs.push({ id: (JSON.parse(result.stdout) as { id: string }).id, code: result.code });
}

beforeAll(async () => {
  root = await makeTempDir('flaky-history-');
  work = path.join(root.path, 'work');
  const files = (source: string) => ({
    'coin/module_config.yaml': failingTestModuleConfig(),
    'tool.c': source,
    'tests/tst_tool.sh': flakyScript(path.join(root.path, 'ran-once')),
  });
  const repo = path.join(root.path, 'demo/flaky');
  await commitModule(root.path, 'demo/flaky', files(toolSource));
  coin = await startCoin(work);
  await integrate(repo); // fails: the flake
  await integrate(repo); // the same revision passes
  await commitModule(root.path, 'demo/flaky', files(toolSource.replace('tool works', 'tool broken')));
  await integrate(repo); // fails for real
}, 400_000);

afterAll(async () => {
  await coin?.stop();
  await root.remove();
});

test('a test that failed and then passed at the same revision is flaky: its rate counts that run', async () => {
  expect(runs.map((r) => r.code)).toEqual([1, 0, 1]);
  const history = await connectWorkingDir(work).testHistory('tst_Flaky::prints');
  const ours = history.runs.filter((r) => r.taskId !== runs[2]!.id);
  expect(ours.map((r) => [r.outcome, r.flaky])).toEqual([
    ['passed', false],
    ['failed', true],
  ]);
  const flakyRun = history.runs.find((r) => r.taskId === runs[0]!.id)!;
  expect(flakyRun.flaky).toBe(true);
  expect(history.summary.lastPass?.taskId).toBe(runs[1]!.id);
  expect(history.summary.firstFailing?.taskId).toBe(runs[2]!.id);
  // three runs: the flake, the pass and the real failure; one of them flaky
  expect(history.summary.flakyRate).toBeCloseTo(1 / 3);
  const flakiest = await connectWorkingDir(work).testList({ flaky: true });
  expect(flakiest.map((t) => [t.name, t.flaky])).toEqual([['tst_Flaky::prints', 1]]);
  const cli = await runCoin(['tests', '--flaky', '--working-dir', work]);
  expect(cli.stdout).toMatch(/tst_Flaky::prints\s+3\s+2\s+1\s+33%/);
});

test('since green names the commit in between and the test that newly fails', async () => {
  const answer = await connectWorkingDir(work).sinceGreen(runs[2]!.id);
  expect(answer.green?.id).toBe(runs[1]!.id);
  expect(answer.commits.map((c) => c.subject)).toEqual(['change']);
  expect(answer.newlyFailing).toEqual([
    {
      name: 'tst_Flaky::prints',
      configurationId: expect.any(String),
      message: 'Compared values are not the same',
    },
  ]);
  expect(answer.plans).toEqual([]);
});

test('coin tasks --search finds the failed integrations by their failure text and state', async () => {
  const cli = await runCoin([
    'tasks',
    '--failure',
    'tests of the tool',
    '--state',
    'Failed',
    '--json',
    '--working-dir',
    work,
  ]);
  const page = JSON.parse(cli.stdout) as { total: number; tasks: { id: string }[] };
  expect(page.tasks.map((t) => t.id)).toEqual([runs[2]!.id, runs[0]!.id]);
  const none = await runCoin(['tasks', '--failure', 'segmentation', '--json', '--working-dir', work]);
  expect((JSON.parse(none.stdout) as { total: number }).total).toBe(0);
});
