// Short ids as git takes them: the exact id wins, else a unique start; work items also by their
// name within the task.
import { expect, test } from 'vitest';
import { matchShortId, pickWorkItem, workItemName } from '../../../../runner/cli/short-ids';
import type { WorkItemRecord } from '../../../../runner/core/records';

const task = '9f86d081-884c-4d63-9f3b-1a2b3c4d5e6f';
const item = (name: string): WorkItemRecord => ({
  id: `${task}.${name}`,
  taskId: task,
  kind: name.startsWith('test') ? 'test' : 'build',
  configurationId: 'linux',
  buildKey: null,
  dependsOn: [],
  state: 'Done',
  reused: false,
  agentId: null,
  created: '2026-12-04T00:00:00Z',
  started: null,
  finished: null,
  failureReason: null,
  failureKind: null,
});
const items = ['build.qt_qtbase.linux', 'build.qt_qtsvg.linux', 'test.qt_qtsvg.linux'].map(item);

test('an exact id wins over the ids it starts; otherwise every id it starts', () => {
  expect(matchShortId('ab', ['ab', 'abc'], (s) => [s])).toEqual(['ab']);
  expect(matchShortId('a', ['ab', 'abc', 'b'], (s) => [s])).toEqual(['ab', 'abc']);
  expect(matchShortId('c', ['ab'], (s) => [s])).toEqual([]);
});

test('a work item by a unique start of its name within the task or of its full id', () => {
  expect(workItemName(items[2]!)).toBe('test.qt_qtsvg.linux');
  expect(pickWorkItem('test', task, items).id).toBe(`${task}.test.qt_qtsvg.linux`);
  expect(pickWorkItem('build.qt_qtb', task, items).id).toBe(`${task}.build.qt_qtbase.linux`);
  expect(pickWorkItem(`${task}.build.qt_qts`, task, items).id).toBe(`${task}.build.qt_qtsvg.linux`);
});

test('an ambiguous or unknown work item names the candidates in one line', () => {
  expect(() => pickWorkItem('build', task, items)).toThrow(
    "work item 'build' is ambiguous in task 9f86d081: build.qt_qtbase.linux, build.qt_qtsvg.linux",
  );
  expect(() => pickWorkItem(task, task, items)).toThrow(
    /ambiguous in task 9f86d081: build\.qt_qtbase\.linux, /,
  );
  expect(() => pickWorkItem('deploy', task, items)).toThrow(
    "task 9f86d081 has no work item 'deploy'; its work items are build.qt_qtbase.linux, build.qt_qtsvg.linux, test.qt_qtsvg.linux",
  );
  const many = Array.from({ length: 8 }, (_, i) => item(`build.m${i}.linux`));
  expect(() => pickWorkItem('build', task, many)).toThrow(/build\.m4\.linux and 3 more$/);
  expect(() => pickWorkItem('x', task, [])).toThrow(
    "task 9f86d081 has no work item 'x'; it has no work items yet",
  );
});
