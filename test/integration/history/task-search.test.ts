// Task search on a real SQLite store: every filter alone and together, the full-text index kept
// by the schema's triggers as tasks and work items change, and what is not matched.
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { TaskSearchQuery } from '../../../runner/core/instance-api';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let temp: TempDir;
let store: SqliteStore;
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeEach(async () => {
  temp = await makeTempDir('task-search-');
  clock = Date.parse('2026-01-01T00:00:00Z');
  store = SqliteStore.open(temp.path, { now: () => new Date((clock += 60_000)) });
});

afterEach(async () => {
  store.close();
  await temp.remove();
});

/** A finished integration; a failure goes to a work item and the task's reason, as the runner writes them. */
function integration(project: string, branch: string, sha: string, failure?: string, change?: number) {
  const testedChanges = change
    ? [{ kind: 'gerrit-change', change, patchSet: 1, subject: `Change ${change}` }]
    : [];
  const task = store.createTask({ type: 'Integration', project, branch, sha, testedChanges });
  store.createWorkItems(task.id, [{ id: `${task.id}-build`, kind: 'build', configurationId: 'linux-gcc' }]);
  store.setTaskState(task.id, 'Running');
  store.setWorkItemState(`${task.id}-build`, 'Running');
  if (failure) {
    store.setWorkItemState(`${task.id}-build`, 'Failed', { failureReason: failure, failureKind: 'build' });
    store.setTaskState(task.id, 'Failed', `build linux-gcc: ${failure}`);
  } else {
    store.setWorkItemState(`${task.id}-build`, 'Done');
    store.setTaskState(task.id, 'Passed');
  }
  return task.id;
}

const ids = (query: TaskSearchQuery) => store.history.search.search(query).tasks.map((t) => t.id);

test('each filter finds exactly the tasks it names, newest first', () => {
  const a = integration('qt/qtbase', 'dev', 'a'.repeat(40), 'undefined reference to QString::arg');
  const b = integration('qt/qtsvg', 'dev', 'b'.repeat(40));
  const c = integration('qt/qtbase', '6.8', 'c'.repeat(40), 'tst_qfile crashed', 12345);
  const d = integration('qt/qtdeclarative', 'dev', 'abc'.padEnd(40, '0'), undefined, 1234);
  expect(ids({})).toEqual([d, c, b, a]);
  expect(ids({ project: 'qtbase' })).toEqual([c, a]);
  expect(ids({ project: 'QTB' })).toEqual([c, a]);
  expect(ids({ branch: 'dev' })).toEqual([d, b, a]);
  expect(ids({ sha: 'AB' })).toEqual([d]);
  expect(ids({ sha: 'a' })).toEqual([d, a]);
  expect(ids({ change: '1234' })).toEqual([d]);
  expect(ids({ change: '12345' })).toEqual([c]);
  expect(ids({ state: 'Failed' })).toEqual([c, a]);
  expect(ids({ failure: 'qstring::ARG' })).toEqual([a]);
  expect(ids({ failure: 'crashed tst_' })).toEqual([c]);
  expect(ids({ failure: 'reference', project: 'qtsvg' })).toEqual([]);
  expect(ids({ text: 'qfile' })).toEqual([c]);
  expect(ids({ project: 'qt', state: 'Passed', branch: 'dev' })).toEqual([d, b]);
});

test('the date range bounds the creation time, and pages count every match', () => {
  const made = Array.from({ length: 5 }, (_, i) => integration('qt/qtbase', 'dev', `${i}`.repeat(40)));
  const created = made.map((id) => store.getTask(id)!.created);
  expect(ids({ after: created[1], before: created[4] })).toEqual([made[3], made[2]]);
  const page = store.history.search.search({ project: 'qtbase', start: 1, max: 2 });
  expect(page.total).toBe(5);
  expect(page.tasks.map((t) => t.id)).toEqual([made[3], made[2]]);
});

test('a failure written after the task finished is found, and a short word still matches', () => {
  const id = integration('qt/qtbase', 'dev', 'd'.repeat(40));
  expect(ids({ failure: 'flaky' })).toEqual([]);
  const other = store.createTask({
    type: 'Integration',
    project: 'qt/qtbase',
    branch: 'dev',
    sha: 'e'.repeat(40),
  });
  store.createWorkItems(other.id, [{ id: 'x-test', kind: 'test', configurationId: 'win' }]);
  store.setTaskState(other.id, 'Running');
  store.setWorkItemState('x-test', 'Running');
  store.setWorkItemState('x-test', 'Failed', { failureReason: 'flaky network: git fetch timed out' });
  expect(ids({ failure: 'flaky network' })).toEqual([other.id]);
  expect(ids({ failure: 'git' })).toEqual([other.id]);
  expect(ids({ failure: 'ne' })).toEqual([other.id]);
  expect(ids({ text: 'qtbase' })).toEqual([other.id, id]);
});
