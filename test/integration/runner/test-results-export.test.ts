// An integration's test results leave the instance: GET /coin/api/tasks/ID/test-results as JSON
// lines or one JUnit XML document, and `coin task ID --test-results [--format junit]` to download
// them, on a real `coin run` whose test work item has a flaky test (RunQtUnitTest that fails once)
// and QtTest XML with a passed, a failed and a skipped function.
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectWorkingDir } from '../../../runner/client/working-dir-instance';
import { instancePaths } from '../../../runner/core/instance-api';
import { parseTestReport } from '../../../runner/core/test-report';
import type { TestResultFormat } from '../../../runner/core/test-results-export';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let coin: CoinProcess;
let work: string;
let taskId: string;

const moduleConfig = `version: 2
instructions:
  Build: []
  Test:
    - type: ScheduleUploadTestResults
    - type: RunQtUnitTest
      runTestCommand: "sh {{.SourceDir}}/tests/tst_flaky.sh {{.AgentWorkingDir}}/ran-once"
      directory: "{{.SourceDir}}/tests"
      testRepetitionAllowance: 2
    - type: ExecuteCommand
      command: "sh {{.SourceDir}}/tests/report.sh {{.AgentWorkingDir}}/testresults"
`;

// fails the first time (no marker yet), passes the second
const flakyScript = `if [ -e "$1" ]; then echo "PASS"; exit 0; fi
touch "$1"; echo "FAIL!  : tst_flaky::race() timed out"; exit 1
`;

const reportScript = `mkdir -p "$1"
cat > "$1/tst_parser.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<TestCase name="tst_Parser">
<TestFunction name="reads"><Incident type="pass" file="" line="0"/><Duration msecs="12"/></TestFunction>
<TestFunction name="quotes"><Incident type="fail" file="p.cpp" line="7"><Description><![CDATA[Expected "<a & b>" got 'a']]></Description></Incident><Duration msecs="3"/></TestFunction>
<TestFunction name="network"><Message type="skip" file="" line="0"><Description><![CDATA[no network here]]></Description></Message><Duration msecs="0"/></TestFunction>
</TestCase>
XML
`;

beforeAll(async () => {
  root = await makeTempDir('test-results-export-');
  work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/parser', {
    'coin/module_config.yaml': moduleConfig,
    'tests/tst_flaky.sh': flakyScript,
    'tests/report.sh': reportScript,
  });
  coin = await startCoin(work);
  const args = ['integrate', path.join(root.path, 'demo/parser'), '--ref', 'main', '--working-dir', work];
  const result = await runCoin([...args, '--wait', '--json'], { timeoutMs: 90_000 });
  expect(result.stderr).toBe('');
  taskId = (JSON.parse(result.stdout) as { id: string }).id;
});
afterAll(async () => {
  await coin.stop();
  await root.remove();
});

interface Line {
  task: string;
  project: string;
  workItem: string;
  kind: string;
  configuration: string;
  name: string;
  outcome: string;
  attempts: number;
  durationMs: number;
  message?: string;
}

test('the API exports every result as JSON lines, or as JUnit XML that reads back the same, as a download', async () => {
  const client = connectWorkingDir(work);
  const jsonl = await fetch(client.url(instancePaths.taskTestResults(taskId)));
  expect(jsonl.status).toBe(200);
  expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
  expect(jsonl.headers.get('content-disposition')).toBe(
    `attachment; filename="${taskId}-test-results.jsonl"`,
  );
  const lines = (await jsonl.text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  expect(lines.map((l) => `${l.name} ${l.outcome} ${l.attempts}`)).toEqual([
    'tst_flaky flaky 2',
    'tst_Parser::reads passed 1',
    'tst_Parser::quotes failed 1',
    'tst_Parser::network skipped 1',
  ]);
  expect(lines[0]).toMatchObject({
    task: taskId,
    project: 'demo/parser',
    kind: 'test',
    workItem: expect.stringContaining('.test.'),
  });
  expect(lines[2]!.message).toBe(`Expected "<a & b>" got 'a'`);

  const junit = await fetch(client.url(instancePaths.taskTestResults(taskId, 'junit')));
  expect(junit.headers.get('content-type')).toBe('application/xml; charset=utf-8');
  const xml = await junit.text();
  expect(xml).toMatch(
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="[^"]+" tests="4" failures="1" skipped="1" time="[\d.]+">/,
  );
  const back = parseTestReport(xml);
  expect(back.map((r) => [r.name, r.outcome, r.attempts, r.message, r.durationMs])).toEqual(
    lines.map((l) => [l.name, l.outcome, l.attempts, l.message, l.durationMs]),
  );
  // what a client accepting only XML gets without asking for a format
  const accepted = await fetch(client.url(instancePaths.taskTestResults(taskId)), {
    headers: { accept: 'application/xml' },
  });
  expect(await accepted.text()).toBe(xml);
});

test('an unknown task is 404 and an unknown format 400, each with a sentence', async () => {
  const client = connectWorkingDir(work);
  const missing = await fetch(client.url(instancePaths.taskTestResults('nope')));
  expect([missing.status, await missing.json()]).toEqual([404, { error: "no task 'nope'" }]);
  const bad = await fetch(client.url(instancePaths.taskTestResults(taskId, 'csv' as TestResultFormat)));
  expect([bad.status, await bad.json()]).toEqual([400, { error: 'format must be jsonl or junit' }]);
});

test('coin task ID --test-results downloads them (a short id works); --format junit for XML', async () => {
  const short = taskId.slice(0, 8);
  const [jsonl, junit, bad] = await Promise.all([
    runCoin(['task', short, '--working-dir', work, '--test-results']),
    runCoin(['task', short, '--working-dir', work, '--test-results', '--format', 'junit']),
    runCoin(['task', short, '--working-dir', work, '--test-results', '--format', 'csv']),
  ]);
  expect(jsonl.code).toBe(0);
  expect(
    jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as Line).name),
  ).toEqual(['tst_flaky', 'tst_Parser::reads', 'tst_Parser::quotes', 'tst_Parser::network']);
  expect(parseTestReport(junit.stdout).map((r) => r.outcome)).toEqual([
    'flaky',
    'passed',
    'failed',
    'skipped',
  ]);
  expect([bad.code, bad.stderr]).toEqual([2, "coin: --format takes jsonl or junit, got 'csv'\n"]);
});
