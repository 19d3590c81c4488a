// The instance contract's pure parts: the paths clients ask for, the socket's address and
// messages, the query the task list sends and the store filters it becomes, and the schemas that
// tell a good answer from a bad one.
import { describe, expect, test } from 'vitest';
import {
  asRootUrl,
  eventSocketUrl,
  instancePaths,
  instanceRootUrl,
  instanceRoutes,
  integrationRequestSchema,
  isTaskEvent,
  parseEventSocketMessage,
  queryString,
  routeUrl,
  storeTaskFilters,
  taskDetailSchema,
  taskListQuerySchema,
  type StoreEvent,
} from '../../../../runner/core/instance-api';

const root = 'http://127.0.0.1:8080/coin/';
const at = '2026-01-01T10:00:00.000Z';

describe('paths', () => {
  test('are relative to the root URL and encode what they carry', () => {
    expect(new URL(instancePaths.tasks({ max: 1 }), root).href).toBe(`${root}api/tasks?max=1`);
    expect(instancePaths.tasks()).toBe('api/tasks');
    expect(instancePaths.tasks({ project: 'qt/qt base', state: 'Running', start: 0, searchText: '' })).toBe(
      'api/tasks?project=qt%2Fqt%20base&state=Running&start=0',
    );
    expect(instancePaths.taskDetail('a&b')).toBe('api/taskDetail?id=a%26b');
    expect(instancePaths.workItemLogLines('t.build/x', { tail: 50, count: 50 })).toBe(
      'api/workitems/t.build%2Fx/log/lines?tail=50&count=50',
    );
    expect(instancePaths.workItemLogSearch('w', 'error: x')).toBe(
      'api/workitems/w/log/search?q=error%3A%20x',
    );
    expect(instancePaths.adminAction('invalidate-artifacts')).toBe('api/admin/invalidate-artifacts');
    expect(instancePaths.taskPage('t1')).toBe('#/tasks/t1');
  });

  test('the event socket: ws beside the root, its query in one order', () => {
    expect(eventSocketUrl(root, { since: 3 })).toBe('ws://127.0.0.1:8080/coin/websocket?since=3');
    expect(eventSocketUrl('https://master/coin', { hello: true, logs: 'none' })).toBe(
      'wss://master/coin/websocket?hello=1&logs=none',
    );
    expect(instancePaths.events({ since: 0, logs: ['a', 'b'] })).toBe('websocket?since=0&logs=a%2Cb');
    expect(instancePaths.events({ logs: [] })).toBe('websocket?logs=none');
  });

  test('root URLs: from an origin and base path, or a dashboard URL as given', () => {
    expect(instanceRootUrl('http://127.0.0.1:8080')).toBe(root);
    expect(instanceRootUrl('http://h/', '/ci/coin/')).toBe('http://h/ci/coin/');
    expect(asRootUrl('http://h/coin')).toBe('http://h/coin/');
    expect(asRootUrl('http://h/coin/#/tasks?x=1')).toBe('http://h/coin/');
    expect(queryString({ a: undefined, b: null, c: '' })).toBe('');
  });

  test('the server registers each route under its base path', () => {
    expect(routeUrl('/coin', instanceRoutes.workItemLogLines)).toBe('/coin/api/workitems/:id/log/lines');
    expect(routeUrl('', instanceRoutes.events)).toBe('/websocket');
    // Every client path is a route of the server.
    const patterns = Object.values(instanceRoutes).map(
      (r) => new RegExp(`^${r.path.slice(1).replace(/:\w+/g, '[^/]+').replace('*', '.*')}$`),
    );
    const paths = [
      instancePaths.tasks(),
      instancePaths.taskTestResults('t1', 'junit'),
      instancePaths.agentHistory({ hours: 1 }),
      instancePaths.storageHistory(),
      instancePaths.workItemLog('x'),
      instancePaths.workItemTests('x'),
      instancePaths.workItemFirstError('x'),
      instancePaths.hosts(),
      instancePaths.configurations(),
      instancePaths.gerrit(),
      instancePaths.integrations(),
      instancePaths.adminAction('gc'),
      instancePaths.events(),
      instancePaths.docs(),
    ];
    for (const path of paths)
      expect(
        patterns.some((p) => p.test(path.split('?')[0]!)),
        path,
      ).toBe(true);
  });
});

describe('task list query', () => {
  test('takes the URL strings and becomes the store filters, names matched by part', () => {
    const query = taskListQuerySchema.parse({ project: 'qtbase', branch: 'dev', start: '100', max: '50' });
    expect(query).toEqual({ project: 'qtbase', branch: 'dev', start: 100, max: 50 });
    expect(storeTaskFilters(query)).toEqual({
      projectPart: 'qtbase',
      branchPart: 'dev',
      project: undefined,
      branch: undefined,
      start: 100,
      max: 50,
    });
    expect(taskListQuerySchema.safeParse({ max: '5000' }).success).toBe(false);
    expect(taskListQuerySchema.safeParse({ state: 'Sleeping' }).success).toBe(false);
  });
});

describe('schemas', () => {
  const task = {
    id: 't1',
    type: 'Integration',
    project: 'demo/tool',
    branch: 'main',
    sha: null,
    testedChanges: [],
    state: 'Running',
    created: at,
    started: at,
    finished: null,
    source: { kind: 'local-git' },
    resultReason: null,
  };
  test('a task detail without failures (an older instance) is fine; a wrong state is not', () => {
    expect(taskDetailSchema.parse({ task, workItems: [] })).toEqual({ task, workItems: [] });
    const wrong = taskDetailSchema.safeParse({ task: { ...task, state: 'Sleeping' }, workItems: [] });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['task', 'state']);
  });

  test('an integration request is strict: an unknown field is refused', () => {
    expect(integrationRequestSchema.parse({ repo: '/r', ref: 'main' })).toEqual({
      repo: '/r',
      ref: 'main',
      configs: [],
    });
    expect(integrationRequestSchema.safeParse({ repo: '/r', ref: 'main', sha: 'x' }).success).toBe(false);
    expect(integrationRequestSchema.safeParse({ repo: '/r', ref: 'main', project: 'tool' }).success).toBe(
      false,
    );
  });
});

describe('event socket messages', () => {
  const event: StoreEvent = {
    seq: 7,
    time: at,
    kind: 'workItem.state',
    subject: 't1.build',
    payload: { taskId: 't1' },
  };
  test('hello, log lines and events are told apart; anything else is none of them', () => {
    expect(parseEventSocketMessage('{"kind":"hello","lastSeq":4}')).toEqual({ type: 'hello', lastSeq: 4 });
    expect(parseEventSocketMessage('{"kind":"log","workItemId":"w","lines":["a"]}')).toEqual({
      type: 'log',
      log: { kind: 'log', workItemId: 'w', lines: ['a'] },
    });
    expect(parseEventSocketMessage(JSON.stringify(event))).toEqual({ type: 'event', event });
    expect(parseEventSocketMessage('{"kind":"task.state"}')).toBeUndefined();
    expect(parseEventSocketMessage('not json')).toBeUndefined();
    expect(parseEventSocketMessage('null')).toBeUndefined();
    // a malformed hello or log line is none of the messages
    expect(parseEventSocketMessage('{"kind":"hello","lastSeq":"4"}')).toBeUndefined();
    expect(parseEventSocketMessage('{"kind":"log","workItemId":"w","lines":[1]}')).toBeUndefined();
  });

  test("a task's events: about the task itself or one of its work items", () => {
    expect(isTaskEvent(event, 't1')).toBe(true);
    expect(isTaskEvent({ ...event, subject: 't1', payload: {} }, 't1')).toBe(true);
    expect(isTaskEvent(event, 't2')).toBe(false);
    expect(isTaskEvent({ ...event, subject: 'agent-1', payload: { workItemId: 't1.build' } }, 't1')).toBe(
      false,
    );
  });
});
