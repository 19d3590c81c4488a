// The guide's restart semantics: killing the instance mid-integration discards the interrupted
// work item, re-queues the task, keeps (and reuses) what had finished, and leaves no agent behind.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { commitModule, startCoin } from '../../helpers/coin-process';
import { runGit } from '../../helpers/git-repo';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { dependsOnTool, toolModuleConfig, toolSource } from './demo-modules';

let root: TempDir;
beforeEach(async () => {
  root = await makeTempDir('restart-');
});
afterEach(async () => {
  await root.remove();
});

interface Detail {
  task: { id: string; state: string };
  workItems: { id: string; kind: string; state: string; reused: boolean; finished: string | null }[];
}

async function detail(work: string, id: string): Promise<Detail> {
  const result = await runCoin(['task', id, '--working-dir', work, '--json']);
  const json = JSON.parse(result.stdout) as { state: string; id: string; workItems: Detail['workItems'] };
  return { task: { id: json.id, state: json.state }, workItems: json.workItems };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Pids of agent processes of this working directory still alive (they are re-parented when coin dies). */
function agentPids(work: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(path.join(work, 'agents')))
        pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

test('SIGKILL during a build: the restarted instance re-runs the task, reuses finished work, leaves no agent', async () => {
  const work = path.join(root.path, 'work');
  await commitModule(root.path, 'demo/tool', {
    'coin/module_config.yaml': toolModuleConfig(),
    'tool.c': toolSource,
  });
  const toolSha = await runGit(path.join(root.path, 'demo/tool'), ['rev-parse', 'HEAD']);
  // The consumer's build prints, then sleeps long enough to be killed in the middle.
  const slow = `    - type: ExecuteCommand\n      command: "sh -c 'echo building; sleep 4'"\n`;
  await commitModule(root.path, 'demo/slow', {
    'coin/module_config.yaml': toolModuleConfig(slow),
    'tool.c': toolSource,
    'dependencies.yaml': dependsOnTool(toolSha),
  });

  let coin = await startCoin(work, ['--max-agents', '1']);
  const submitted = await runCoin([
    'integrate',
    path.join(root.path, 'demo/slow'),
    '--ref',
    'main',
    '--working-dir',
    work,
    '--json',
  ]);
  const taskId = (JSON.parse(submitted.stdout) as { id: string }).id;
  const toolBuild = await until('the dependency build to finish and the module build to run', async () => {
    const d = await detail(work, taskId);
    const [dep, own] = d.workItems;
    return dep?.state === 'Done' && own?.state === 'Running' ? dep : undefined;
  });
  await coin.kill();
  // Orphaned agents notice their instance is gone and exit; none may survive the restart.
  coin = await startCoin(work, ['--max-agents', '1']);
  expect(coin.output()).toMatch(/"requeuedTasks":1,"discardedWorkItems":\d+/);
  const final = await until('the re-queued task to finish', async () => {
    const d = await detail(work, taskId);
    return ['Passed', 'Failed'].includes(d.task.state) ? d : undefined;
  });
  expect(final.task.state).toBe('Passed');
  const dep = final.workItems.find((w) => w.id === toolBuild.id)!;
  expect(dep, 'the finished dependency build survived the crash untouched').toMatchObject({
    state: 'Done',
    finished: toolBuild.finished,
  });
  expect(final.workItems.map((w) => w.state)).toEqual(['Done', 'Done', 'Done']);

  expect(await coin.stop()).toBe(0);
  expect(agentPids(work)).toEqual([]);
  const db = new Database(path.join(work, 'coin.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
});
