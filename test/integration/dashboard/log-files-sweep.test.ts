// A restarted instance removes the files of work items that no longer exist (discarded after an
// interruption): the log, its batch times and its test results, and keeps those of the others.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startCoin } from '../../helpers/coin-process';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;

beforeEach(async () => {
  root = await makeTempDir('log-sweep-');
});

afterEach(async () => {
  await root.remove();
});

/** A working directory with one finished work item; returns its id. */
function seedFinishedWorkItem(work: string): string {
  const store = SqliteStore.open(work);
  const task = store.createTask({
    type: 'Integration',
    project: 'demo/kept',
    branch: 'dev',
    sha: 'a'.repeat(40),
  });
  const id = `${task.id}.build.demo_kept.linux`;
  store.createWorkItems(task.id, [{ id, kind: 'build', configurationId: 'linux' }]);
  store.setWorkItemState(id, 'Running', {});
  store.setWorkItemState(id, 'Done', {});
  store.setTaskState(task.id, 'Running');
  store.setTaskState(task.id, 'Passed');
  store.close();
  return id;
}

test('the log, times and test results of a work item that is gone are removed at start, others kept', async () => {
  const work = path.join(root.path, 'work');
  const logs = path.join(work, 'logs');
  await mkdir(logs, { recursive: true });
  const kept = seedFinishedWorkItem(work);
  const filesOf = (id: string) =>
    ['log', 'times', 'tests.json'].map((ext) => path.join(logs, `${id}.${ext}`));
  for (const file of [...filesOf('gone'), ...filesOf(kept)]) await writeFile(file, 'written by a run\n');
  const coin = await startCoin(work);
  try {
    expect(filesOf('gone').filter((file) => existsSync(file))).toEqual([]);
    expect(filesOf(kept).filter((file) => !existsSync(file))).toEqual([]);
    expect(coin.output()).toMatch(/"sweptLogs":3/);
  } finally {
    await coin.stop();
  }
});
