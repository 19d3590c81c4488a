// The log's fast path end to end: a command's output goes from a real agent as bytes through the
// instance into the log file, and the file holds exactly what the command printed: carriage
// returns, bytes that are not UTF-8, a 300 KB line and a hidden text's neighbours untouched; and
// stdout and stderr interleaved in the order the command wrote them (the agent's spool file).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { instancePaths } from '../../../runner/core/instance-api';
import { LogLineIndex } from '../../../runner/node/store/log-line-index';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let coin: CoinProcess | undefined;
beforeEach(async () => {
  root = await makeTempDir('log-fast-path-');
});
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  await root.remove();
});

/** Output no line-by-line text path would keep as it is. */
function awkwardOutput(): Buffer {
  const parts = [
    Buffer.from('progress 10%\rprogress 50%\rprogress 100%\r\n'),
    Buffer.from([0xff, 0xfe, 0x80, 0x41, 0x0a]), // not UTF-8
    Buffer.from('ünïcödé, tabs\tand \x1b[31mcolours\x1b[0m\n'),
    Buffer.from(`${'x'.repeat(300_000)}\n`), // longer than a pipe's chunk
  ];
  for (let i = 0; i < 20_000; i++) parts.push(Buffer.from(`line ${i} ${randomBytes(8).toString('hex')}\n`));
  parts.push(Buffer.from('\n\n\r\nthe end\n'));
  return Buffer.concat(parts);
}

/** A build step running `command`, in module_config.yaml's words. */
const executeCommand = (command: string) => `    - type: ExecuteCommand
      command: "${command}"
`;

/**
 * Commits `demo/<name>` with `file` and a build of `steps` (module_config.yaml lines), integrates
 * it on a new instance with one agent, and returns the build's id, its log file and the
 * instance's port (the integration must pass).
 */
async function buildLogOf(name: string, file: { name: string; bytes: Buffer | string }, steps: string) {
  const work = path.join(root.path, 'work');
  const project = path.join(root.path, 'demo', name);
  // Written first, committed with the module (commitModule takes text files).
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, file.name), file.bytes);
  await commitModule(root.path, `demo/${name}`, {
    'coin/module_config.yaml': `version: 2
instructions:
  Build:
${steps}  Test: []
`,
  });
  coin = await startCoin(work, ['--max-agents', '1']);
  const run = await runCoin(
    ['integrate', project, '--ref', 'main', '--working-dir', work, '--wait', '--json'],
    {
      timeoutMs: 120_000,
    },
  );
  expect(run.stderr).toBe('');
  const task = JSON.parse(run.stdout) as { state: string; workItems: { id: string; kind: string }[] };
  expect(task.state).toBe('Passed');
  const build = task.workItems.find((w) => w.kind === 'build')!;
  return {
    id: build.id,
    port: coin.port,
    file: path.join(work, 'logs', `${build.id.replace(/[^A-Za-z0-9._-]/g, '_')}.log`),
  };
}

test('a log written through the fast path holds the bytes the command printed, and its line index', async () => {
  const output = awkwardOutput();
  const { file: logFile } = await buildLogOf(
    'printer',
    { name: 'out.bin', bytes: output },
    executeCommand('cat {{.SourceDir}}/out.bin'),
  );
  const log = await readFile(logFile);
  const at = log.indexOf(output);
  expect(at, 'the output appears whole and unchanged in the log').toBeGreaterThan(0);
  expect(log.indexOf(output, at + 1), 'and only once').toBe(-1);
  expect(log.subarray(0, at).toString()).toContain('+ cat ');

  // The checkpoints kept at the end agree with a scan of the file.
  let newlines = 0;
  for (let i = log.indexOf(10); i !== -1; i = log.indexOf(10, i + 1)) newlines++;
  const kept = await new LogLineIndex().lines(logFile, 15_000, 2);
  expect(kept.total).toBe(newlines);
  expect(kept.lines[0]).toMatch(/^line \d+ [0-9a-f]{16}$/);
});

test('stdout and stderr reach the log in the order the command wrote them, as `> file 2>&1` keeps them', async () => {
  // Alternating streams, each write a whole line, with pauses so the agent reads in between.
  const script =
    'i=0; while [ $i -lt 3000 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); ' +
    'case $i in *00) sleep 0.01;; esac; done';
  const scriptFile = path.join(root.path, 'both.sh');
  await writeFile(scriptFile, script);
  const direct = path.join(root.path, 'direct.out');
  expect(spawnSync('sh', ['-c', `sh ${scriptFile} > ${direct} 2>&1`]).status).toBe(0);
  const expected = await readFile(direct);
  const { file } = await buildLogOf(
    'streams',
    { name: 'both.sh', bytes: script },
    executeCommand('sh {{.SourceDir}}/both.sh'),
  );
  const log = await readFile(file);
  expect(log.indexOf(expected), 'both streams, interleaved line by line as written').toBeGreaterThan(0);
});

test('an agent on this machine writes the log itself: output before a hidden text goes straight in, after it masked', async () => {
  // The first command writes into the log file directly; once WriteFile has made a hidden text
  // known, a command's output goes through the agent, which masks it before appending.
  const secret = `tok-${randomBytes(6).toString('hex')}-secret`;
  const before = `${'before the secret '.repeat(3)}\n`.repeat(2000);
  const build = await buildLogOf(
    'masked',
    { name: 'before.txt', bytes: before },
    `${executeCommand('cat {{.SourceDir}}/before.txt')}    - type: WriteFile
      filename: "{{.AgentWorkingDir}}/token"
      fileContents: "${secret}"
      fileMode: 384
      hiddenContent: true
${executeCommand("sh -c 'echo token is $(cat {{.AgentWorkingDir}}/token); echo done'")}`,
  );
  const log = await readFile(build.file, 'utf8');
  // the sources came from the instance's unpacked tree, not a download and unpack of its own
  expect(log).toMatch(/^sources copied into /m);
  expect(log.indexOf(before), 'the first command wrote whole').toBeGreaterThan(0);
  expect(log).not.toContain(secret);
  expect(log).toContain('token is ***\ndone\n');
  // the log as the dashboard serves it has every line, counted by the instance as it read them
  const served = await fetch(
    `http://127.0.0.1:${build.port}/coin/${instancePaths.workItemLogLines(build.id, { from: 0, count: 3 })}`,
  );
  expect(served.status).toBe(200);
  const page = (await served.json()) as { total: number };
  expect(page.total).toBe(log.split('\n').length - 1);
});
