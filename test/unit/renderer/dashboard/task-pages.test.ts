import { expect, test } from 'vitest';
import type { StoreEvent, Task } from '../../../../renderer/src/dashboard/api-types';
import { TaskPages } from '../../../../renderer/src/dashboard/task-pages';

function task(id: string): Task {
  return {
    id,
    type: 'Integration',
    project: 'qt/qtbase',
    branch: 'dev',
    sha: null,
    testedChanges: [],
    state: 'Initializing',
    created: '2026-11-28T00:00:00.000Z',
    started: null,
    finished: null,
    source: {},
    resultReason: null,
  };
}

const event = (kind: string, subject: string, payload: Record<string, unknown> = {}): StoreEvent => ({
  seq: 1,
  time: '2026-11-28T01:00:00.000Z',
  kind,
  subject,
  payload,
});

test('rows come from the pages fetched so far; missing pages are asked for', () => {
  const pages = new TaskPages(10);
  expect(pages.pagesToFetch(0, 25)).toEqual([0, 1, 2]);
  pages.store(1, { total: 30, start: 10, tasks: Array.from({ length: 10 }, (_, i) => task(`t${10 + i}`)) });
  expect(pages.rowAt(12)?.id).toBe('t12');
  expect(pages.rowAt(3)).toBeUndefined();
  expect(pages.pagesToFetch(0, 25)).toEqual([0, 2]);
});

test('a state change patches the row at once; a new task makes the loaded pages stale', () => {
  const pages = new TaskPages(10);
  pages.store(0, { total: 1, start: 0, tasks: [task('a')] });
  expect(pages.apply(event('task.state', 'a', { from: 'Initializing', to: 'Running' }))).toBe('changed');
  expect(pages.rowAt(0)).toMatchObject({ state: 'Running', started: '2026-11-28T01:00:00.000Z' });
  expect(pages.apply(event('task.state', 'a', { to: 'Failed', reason: 'build broke' }))).toBe('changed');
  expect(pages.rowAt(0)).toMatchObject({
    state: 'Failed',
    finished: '2026-11-28T01:00:00.000Z',
    resultReason: 'build broke',
  });
  expect(pages.apply(event('workItem.state', 'w'))).toBe('none');
  expect(pages.apply(event('task.created', 'b'))).toBe('refetch');
  pages.invalidate();
  expect(pages.pagesToFetch(0, 5)).toEqual([0]);
  expect(pages.rowAt(0)?.id).toBe('a');
});

test('under a state filter a state change moves the task out of the list: refetch', () => {
  const pages = new TaskPages(10);
  pages.store(0, { total: 1, start: 0, tasks: [task('a')] });
  expect(pages.apply(event('task.state', 'a', { to: 'Running' }), true)).toBe('refetch');
});

test('a page that was in flight while the list changed stays stale', () => {
  const pages = new TaskPages(10);
  const generation = pages.generation;
  pages.invalidate();
  pages.store(0, { total: 1, start: 0, tasks: [task('a')] }, generation);
  expect(pages.pagesToFetch(0, 0)).toEqual([0]);
});
