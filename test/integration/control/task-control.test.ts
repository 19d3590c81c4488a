// Integration control against a real `coin run`, real agents and real processes: a cancelled
// integration leaves no process of its work items (checked in /proc) and no artifact of them;
// retry runs only the failed item; re-run links; priority and dequeue change the queue; a cancel
// cut short by kill -9 is finished at the next start; each action is in the audit trail.
import Database from 'better-sqlite3';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { commitModule, startCoin, type CoinProcess } from '../../helpers/coin-process';
import { runGit } from '../../helpers/git-repo';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { toolModuleConfig, toolSource } from '../runner/demo-modules';
import { processesOf, slowModule } from './control-fixtures';

let root: TempDir;
let coin: CoinProcess | undefined;
beforeEach(async () => {
  root = await makeTempDir('task-control-');
});
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  await root.remove();
});

interface Item {
  id: string;
  kind: string;
  state: string;
  reused: boolean;
}
interface Detail {
  id: string;
  state: string;
  started: string | null;
  finished: string | null;
  reason: string | null;
  sha: string | null;
  workItems: Item[];
}

async function coinJson<T>(work: string, args: string[]): Promise<T> {
  const result = await runCoin([...args, '--working-dir', work, '--json'], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`coin ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const detail = (work: string, id: string) => coinJson<Detail>(work, ['task', id]);

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function integrate(work: string, repo: string, ref: string): Promise<string> {
  const args = ['integrate', repo, '--ref', ref, '--branch', 'main'];
  return (await coinJson<{ id: string }>(work, args)).id;
}

function artifactCount(work: string): number {
  const db = new Database(path.join(work, 'coin.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The cancels the last start finished (its store.recovered event). */
function finishedAtStart(work: string): unknown {
  const db = new Database(path.join(work, 'coin.db'), { readonly: true });
  try {
    const row = db
      .prepare("SELECT payload FROM events WHERE kind = 'store.recovered' ORDER BY seq DESC LIMIT 1")
      .get() as { payload: string };
    return (JSON.parse(row.payload) as { finishedCancels: unknown }).finishedCancels;
  } finally {
    db.close();
  }
}

/** A task's stored source (the link of a re-run or retry is there). */
function sourceOf(work: string, id: string): Record<string, unknown> {
  const db = new Database(path.join(work, 'coin.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT source FROM tasks WHERE id = ?').get(id) as { source: string };
    return JSON.parse(row.source) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

interface Audit {
  entries: {
    actor: string;
    origin: string;
    action: string;
    subject: string;
    details: Record<string, unknown>;
  }[];
}

test('cancel stops every process of a running item and keeps nothing; priority and dequeue order the queue', async () => {
  const work = path.join(root.path, 'work');
  const repo = path.join(root.path, 'demo/mod');
  await commitModule(root.path, 'demo/mod', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  await runGit(repo, ['checkout', '-q', '-b', 'slow']);
  await commitModule(root.path, 'demo/mod', slowModule(3017));
  coin = await startCoin(work, ['--max-agents', '1']);
  const slow = await integrate(work, repo, 'slow');
  const [b, c, d] = [
    await integrate(work, repo, 'main'),
    await integrate(work, repo, 'main'),
    await integrate(work, repo, 'main'),
  ];
  await until('the child and grandchild to sleep', () =>
    processesOf('sleep 3017').length === 2 ? true : undefined,
  );

  expect((await runCoin(['priority', c, '5', '--working-dir', work])).stdout).toContain('Initializing');
  expect((await runCoin(['dequeue', d, '--working-dir', work])).code).toBe(0);
  const cancelled = await runCoin(['cancel', slow, '--reason', 'blocks the queue', '--working-dir', work], {
    timeoutMs: 60_000,
  });
  expect(cancelled.stdout).toContain(`task ${slow} is Cancelled`);

  expect(processesOf('sleep 3017'), 'no process of the cancelled item is alive').toEqual([]);
  const gone = await detail(work, slow);
  expect(gone.state).toBe('Cancelled');
  expect(gone.reason).toMatch(
    new RegExp(`cancelled by ${userInfo().username} \\(cli\\) at .*: blocks the queue`),
  );
  expect(gone.workItems.map((w) => w.state)).toEqual(['Cancelled', 'Cancelled']);
  const log = await runCoin(['task', slow, '--log', 'build', '--working-dir', work]);
  expect(log.stdout, 'the log is readable up to the cut').toContain('started');

  const [done1, done2] = await Promise.all(
    [c, b].map((id) =>
      until(`${id} to pass`, async () =>
        ((t) => (t.state === 'Passed' ? t : undefined))(await detail(work, id)),
      ),
    ),
  );
  expect(done1!.started! <= done2!.started!, 'the task with priority 5 started first').toBe(true);
  expect((await detail(work, d)).reason).toContain('dequeued');
  expect(artifactCount(work), 'only the passed build is stored, not the cancelled half one').toBe(1);

  const audit = await coinJson<Audit>(work, ['audit']);
  expect(audit.entries.map((e) => [e.action, e.subject, e.origin, e.actor])).toEqual([
    ['cancel', slow, 'cli', userInfo().username],
    ['dequeue', d, 'cli', userInfo().username],
    ['priority', c, 'cli', userInfo().username],
  ]);
}, 180_000);

test('retry runs only the failed item; rerun makes a linked task at the same revision', async () => {
  const work = path.join(root.path, 'work');
  const flag = path.join(root.path, 'flag');
  const config = toolModuleConfig().replace(
    'command: "{{.InstallDir}}/bin/tool"',
    `command: "test -e ${flag}"`,
  );
  await commitModule(root.path, 'demo/flaky', { 'coin/module_config.yaml': config, 'tool.c': toolSource });
  coin = await startCoin(work, ['--max-agents', '1']);
  const first = await integrate(work, path.join(root.path, 'demo/flaky'), 'main');
  const failed = await until('the first run to fail', async () =>
    ((t) => (t.state === 'Failed' ? t : undefined))(await detail(work, first)),
  );
  expect(failed.workItems.map((w) => [w.kind, w.state])).toEqual([
    ['build', 'Done'],
    ['test', 'Failed'],
  ]);
  await writeFile(flag, 'now it passes');

  const retry = await coinJson<{ newTaskId: string }>(work, ['retry', first]);
  const second = await until('the retry to pass', async () =>
    ((t) => (t.state === 'Passed' ? t : undefined))(await detail(work, retry.newTaskId)),
  );
  expect(sourceOf(work, second.id).retryOf).toBe(first);
  const executed = second.workItems.filter((w) => !w.reused);
  expect(
    executed.map((w) => w.kind),
    'only the failed test ran again',
  ).toEqual(['test']);
  expect(second.workItems.find((w) => w.kind === 'build')).toMatchObject({
    state: 'Done',
    reused: true,
  });

  const rerun = await coinJson<{ newTaskId: string }>(work, ['rerun', retry.newTaskId]);
  const third = await until('the re-run to pass', async () =>
    ((t) => (t.state === 'Passed' ? t : undefined))(await detail(work, rerun.newTaskId)),
  );
  expect(sourceOf(work, third.id).rerunOf).toBe(retry.newTaskId);
  expect(third.sha).toBe(failed.sha);
  expect(third.workItems.find((w) => w.kind === 'build')?.reused, 'the build is reused by its key').toBe(
    true,
  );
  expect((await runCoin(['retry', third.id, '--working-dir', work])).stderr).toContain(
    'no failed or cancelled work item',
  );

  const audit = await coinJson<Audit>(work, ['audit']);
  expect(audit.entries.map((e) => [e.action, e.subject, e.details.newTaskId])).toEqual([
    ['rerun', retry.newTaskId, rerun.newTaskId],
    ['retry', first, retry.newTaskId],
  ]);
}, 180_000);

test('kill -9 while a cancel waits for its commands: the next start finishes the cancel, no process survives', async () => {
  const work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/stubborn', slowModule(3019, true));
  coin = await startCoin(work, ['--max-agents', '1']);
  const id = await integrate(work, path.join(root.path, 'demo/stubborn'), 'main');
  await until('the commands to sleep', () => (processesOf('sleep 3019').length === 2 ? true : undefined));
  // The commands ignore SIGTERM, so the cancel waits out its grace period: the kill lands inside it.
  const cancelling = runCoin(['cancel', id, '--working-dir', work], { timeoutMs: 60_000 });
  await until('the cancel request to be stored', () => {
    const db = new Database(path.join(work, 'coin.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT cancel_requested FROM task_controls WHERE task_id = ?').get(id);
      return row ? true : undefined;
    } finally {
      db.close();
    }
  });
  await coin.kill();
  expect((await cancelling).code).not.toBe(0);

  coin = await startCoin(work, ['--max-agents', '1']);
  const ended = await detail(work, id);
  expect(ended.state).toBe('Cancelled');
  expect(finishedAtStart(work), 'the kill landed inside the cancel; the start finished it').toEqual([id]);
  expect(ended.reason).toContain(`cancelled by ${userInfo().username} (cli)`);
  expect(ended.workItems.every((w) => w.state === 'Cancelled' || w.state === 'Done')).toBe(true);
  await until(
    'the stubborn commands to be gone',
    () => (processesOf('sleep 3019').length === 0 ? true : undefined),
    20_000,
  );
  expect(artifactCount(work)).toBe(0);
}, 180_000);
