import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { COIN_REVISION } from '../../../runner/core/build-key';
import { schemaVersion } from '../../../runner/node/store/schema';
import { SqliteStore, type SqliteStoreOptions } from '../../../runner/node/store/sqlite-store';
import type { JsonObject, StoreEvent } from '../../../runner/node/store/store-records';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

/** A clock that moves one second forward on every reading. */
function steppingClock(start = '2024-05-01T00:00:00.000Z'): () => Date {
  let time = Date.parse(start);
  return () => new Date((time += 1000));
}

describe('SqliteStore', () => {
  let temp: TempDir | undefined;
  const stores: SqliteStore[] = [];

  const open = async (options: SqliteStoreOptions = {}) => {
    temp ??= await makeTempDir('store-');
    const store = SqliteStore.open(temp.path, { now: steppingClock(), ...options });
    stores.push(store);
    return store;
  };
  const reopen = (options: SqliteStoreOptions = {}) => {
    stores.pop()?.close();
    const store = SqliteStore.open(temp!.path, {
      now: steppingClock('2024-06-01T00:00:00.000Z'),
      ...options,
    });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    stores.splice(0).forEach((store) => store.close());
    await temp?.remove();
    temp = undefined;
  });

  test('creates coin.db in WAL mode at the current schema version, and survives a reopen', async () => {
    const store = await open();
    expect(store.journalMode()).toBe('wal');
    store.createTask({ id: 't1', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
    expect(fs.existsSync(path.join(temp!.path, 'coin.db-wal'))).toBe(true);
    const raw = new Database(path.join(temp!.path, 'coin.db'), { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(schemaVersion);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
    const reopened = reopen();
    expect(reopened.getTask('t1')?.project).toBe('qt/qtbase');
    expect(reopened.integrityCheck()).toEqual({ ok: true, problems: [] });
  });

  test('refuses a database written by a newer Coin', async () => {
    (await open()).close();
    stores.pop();
    const raw = new Database(path.join(temp!.path, 'coin.db'));
    raw.pragma(`user_version = ${schemaVersion + 1}`);
    raw.close();
    expect(() => SqliteStore.open(temp!.path)).toThrow(/schema version \d+ but this Coin knows only up to/);
  });

  test('a task moves through legal states, stamping start and finish, each change an event', async () => {
    const store = await open();
    const task = store.createTask({
      id: 'task-1',
      type: 'Integration',
      project: 'qt/qtbase',
      branch: 'dev',
      sha: 'abc123',
      testedChanges: [{ change: 4711, patchSet: 3 }],
      source: { kind: 'gerrit', host: 'codereview.qt-project.org' },
    });
    expect(task).toMatchObject({ state: 'Initializing', started: null, finished: null, sha: 'abc123' });
    expect(task.testedChanges).toEqual([{ change: 4711, patchSet: 3 }]);
    const running = store.setTaskState('task-1', 'Running');
    expect(running.started).not.toBeNull();
    const failed = store.setTaskState('task-1', 'Failed', 'qtbase failed to build on linux-gcc');
    expect(failed).toMatchObject({
      state: 'Failed',
      started: running.started,
      resultReason: 'qtbase failed to build on linux-gcc',
    });
    expect(failed.finished! > running.started!).toBe(true);

    const seqBefore = store.lastEventSeq();
    expect(() => store.setTaskState('task-1', 'Running')).toThrow(
      'illegal task transition Failed -> Running',
    );
    expect(store.getTask('task-1')?.state).toBe('Failed');
    expect(store.lastEventSeq()).toBe(seqBefore);
    expect(store.eventsSince(0).map((e) => [e.kind, e.subject, e.payload.to ?? null])).toEqual([
      ['task.created', 'task-1', null],
      ['task.state', 'task-1', 'Running'],
      ['task.state', 'task-1', 'Failed'],
    ]);
    expect(() => store.setTaskState('nope', 'Running')).toThrow('no task nope');
  });

  test("listTasks filters like the API's task list, newest first, with paging", async () => {
    const store = await open();
    const specs = [
      ['qt/qtbase', 'dev', 'Integration'],
      ['qt/qtbase', '6.8', 'Integration'],
      ['qt/qtdeclarative', 'dev', 'Integration'],
      ['qt/qtbase', 'dev', 'Integration'],
      ['qt/qt5', 'dev', 'Integration'],
    ] as const;
    specs.forEach(([project, branch, type], i) =>
      store.createTask({ id: `t${i}`, project, branch, type, sha: `sha${i}` }),
    );
    store.setTaskState('t1', 'Running');
    store.createTask({
      id: 't5',
      type: 'Integration',
      project: 'qt/qtbase',
      branch: 'dev',
      testedChanges: [{ subject: 'Fix 100%_done' }],
    });
    const ids = (filters: Parameters<SqliteStore['listTasks']>[0]) =>
      store.listTasks(filters).tasks.map((t) => t.id);

    expect(ids({})).toEqual(['t5', 't4', 't3', 't2', 't1', 't0']);
    expect(ids({ project: 'qt/qtbase' })).toEqual(['t5', 't3', 't1', 't0']);
    expect(ids({ project: 'qt/qtbase', branch: 'dev', type: 'Integration' })).toEqual(['t5', 't3', 't0']);
    expect(ids({ state: 'Running' })).toEqual(['t1']);
    const t2 = store.getTask('t2')!.created;
    expect(ids({ before: t2 })).toEqual(['t1', 't0']);
    expect(ids({ after: t2 })).toEqual(['t5', 't4', 't3']);
    expect(ids({ after: store.getTask('t0')!.created, before: new Date(Date.parse(t2)) })).toEqual(['t1']);
    expect(ids({ searchText: 'declarative' })).toEqual(['t2']);
    expect(ids({ searchText: 'sha4' })).toEqual(['t4']);
    expect(ids({ searchText: '100%_' })).toEqual(['t5']);
    expect(ids({ searchText: '0%x' })).toEqual([]);
    // parts of names, ignoring case (the read API's project and branch), and id prefixes
    expect(ids({ projectPart: 'QTBASE' })).toEqual(['t5', 't3', 't1', 't0']);
    expect(ids({ projectPart: 'qt/qt', branchPart: 'DE' })).toEqual(['t5', 't4', 't3', 't2', 't0']);
    expect(ids({ branchPart: '6.' })).toEqual(['t1']);
    expect(ids({ projectPart: '%' })).toEqual([]);
    expect(ids({ idPrefix: 't5' })).toEqual(['t5']);
    expect(ids({ idPrefix: '5' })).toEqual([]);
    expect(store.listTasks({ start: 2, max: 2 })).toMatchObject({ total: 6, start: 2 });
    expect(ids({ start: 2, max: 2 })).toEqual(['t3', 't2']);
    expect(() => store.listTasks({ max: 0 })).toThrow();
    expect(() => store.listTasks({ max: 1001 })).toThrow();
    expect(() => store.listTasks({ before: 'not a date' })).toThrow(/not a date/);
  });

  test('work items: created with their dependencies all or nothing, checked transitions, reuse', async () => {
    const store = await open();
    store.createTask({ id: 'task', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
    expect(() =>
      store.createWorkItems('task', [
        { id: 'build', kind: 'build', configurationId: 'linux' },
        { id: 'test', kind: 'test', configurationId: 'linux', dependsOn: ['build', 'ghost'] },
      ]),
    ).toThrow('work item test depends on ghost, not another work item of task task');
    expect(store.workItemsOf('task')).toEqual([]);

    const items = store.createWorkItems('task', [
      { id: 'build', kind: 'build', configurationId: 'linux', buildKey: 'k-build' },
      { id: 'test', kind: 'test', configurationId: 'linux', dependsOn: ['build'] },
      { id: 'build-win', kind: 'build', configurationId: 'windows', buildKey: 'k-win' },
    ]);
    expect(items.map((i) => [i.id, i.state, i.dependsOn])).toEqual([
      ['build', 'Queued', []],
      ['test', 'Queued', ['build']],
      ['build-win', 'Queued', []],
    ]);
    expect(() =>
      store.createWorkItems('other', [{ id: 'x', kind: 'build', configurationId: 'linux' }]),
    ).toThrow('no task other');

    expect(store.setWorkItemState('build', 'Running', { agentId: 'agent-1' })).toMatchObject({
      agentId: 'agent-1',
    });
    const done = store.setWorkItemState('build', 'Done');
    expect(done).toMatchObject({ state: 'Done', reused: false, agentId: 'agent-1' });
    expect(done.finished).not.toBeNull();
    const win = store.setWorkItemState('build-win', 'Done');
    expect(win.reused).toBe(true);
    expect(store.findReusableWorkItem('k-build')?.id).toBe('build');
    expect(store.setWorkItemState('test', 'Running').started).not.toBeNull();
    const failed = store.setWorkItemState('test', 'Failed', {
      failureKind: 'test',
      failureReason: 'tst_qstring failed',
    });
    expect(failed).toMatchObject({ failureKind: 'test', failureReason: 'tst_qstring failed' });
    expect(() => store.setWorkItemState('test', 'Running')).toThrow(
      'illegal work item transition Failed -> Running',
    );
    expect(store.getWorkItem('test')?.state).toBe('Failed');
    // what a state change returns is what is stored
    expect([done, failed, win]).toEqual(['build', 'test', 'build-win'].map((id) => store.getWorkItem(id)));
  });

  test('agents: created, updated and moved through checked states', async () => {
    const store = await open();
    const agent = store.upsertAgent({ id: 'a1', hypervisor: 'local', pid: 1234, host: 'localhost' });
    expect(agent).toMatchObject({ state: 'provisioning', pid: 1234, workItemId: null });
    store.upsertAgent({ id: 'a2', hypervisor: 'opennebula', state: 'waiting', host: 'vm-17' });
    expect(store.upsertAgent({ id: 'a1', hypervisor: 'local', state: 'waiting' })).toMatchObject({
      pid: 1234,
      state: 'waiting',
    });
    const running = store.setAgentState('a1', 'running', 'build');
    expect(running.workItemId).toBe('build');
    expect(store.getAgent('a1')).toEqual(running);
    // handed its next work item straight from the last, it stays running
    expect(store.setAgentState('a1', 'running', 'test')).toEqual(store.getAgent('a1'));
    expect(() => store.setAgentState('a1', 'stopped')).toThrow('illegal agent transition running -> stopped');
    expect(() => store.upsertAgent({ id: 'a2', hypervisor: 'opennebula', state: 'stopped' })).toThrow(
      /illegal agent/,
    );
    store.setAgentState('a1', 'stopping');
    expect(store.setAgentState('a1', 'stopped').workItemId).toBeNull();
    expect(store.listAgents().map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(store.listAgents(['waiting']).map((a) => a.id)).toEqual(['a2']);
    const kinds = store.eventsSince(0).map((e) => `${e.kind}:${e.subject}`);
    expect(kinds).toEqual([
      'agent.created:a1',
      'agent.created:a2',
      'agent.updated:a1',
      'agent.state:a1',
      'agent.state:a1',
      'agent.state:a1',
      'agent.state:a1',
    ]);
  });

  test('events: strictly increasing seq, paged replay, and only committed ones reach subscribers', async () => {
    const store = await open();
    const seen: StoreEvent[] = [];
    const unsubscribe = store.subscribe((event) => seen.push(event));
    for (let i = 0; i < 25; i++) store.appendEvent('config.reloaded', `rev-${i}`, { i });
    const first = store.eventsSince(0, 10);
    const rest = store.eventsSince(first.at(-1)!.seq, 100);
    expect([...first, ...rest].map((e) => e.payload.i)).toEqual([...Array(25).keys()]);
    expect(first.map((e) => e.seq)).toEqual([...first.map((e) => e.seq)].sort((a, b) => a - b));
    expect(seen.map((e) => e.seq)).toEqual([...first, ...rest].map((e) => e.seq));

    expect(() =>
      store.transaction(() => {
        store.createTask({ id: 'doomed', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
        store.createWorkItems('doomed', [{ id: 'w', kind: 'build', configurationId: 'linux' }]);
        throw new Error('planner failed');
      }),
    ).toThrow('planner failed');
    expect(store.getTask('doomed')).toBeUndefined();
    expect(store.getWorkItem('w')).toBeUndefined();
    expect(seen).toHaveLength(25);
    expect(store.lastEventSeq()).toBe(rest.at(-1)!.seq);

    store.transaction(() => {
      store.createTask({ id: 'kept', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
      store.createWorkItems('kept', [{ id: 'w', kind: 'build', configurationId: 'linux' }]);
      expect(seen).toHaveLength(25);
    });
    expect(seen.slice(25).map((e) => e.kind)).toEqual(['task.created', 'workItem.created']);
    // An event appended on its own (one statement, no savepoint) that fails publishes nothing,
    // writes nothing and leaves the tick's other writes alone.
    const before = store.lastEventSeq();
    store.appendEvent('ok.before', 'a');
    expect(() => store.appendEvent('broken', 'b', { n: 1n } as unknown as JsonObject)).toThrow();
    store.appendEvent('ok.after', 'c');
    expect(seen.slice(27).map((e) => e.kind)).toEqual(['ok.before', 'ok.after']);
    expect(store.eventsSince(before, 10).map((e) => e.kind)).toEqual(['ok.before', 'ok.after']);
    unsubscribe();
    store.appendEvent('x', 'y');
    expect(seen).toHaveLength(29);
    expect(() => store.eventsSince(0, 0)).toThrow(RangeError);
  });

  test('recoverAfterRestart discards unfinished work, re-queues running tasks, keeps finished results', async () => {
    const store = await open();
    store.createTask({ id: 'running', type: 'Integration', project: 'qt/qtbase', branch: 'dev' });
    store.createTask({ id: 'waiting', type: 'Integration', project: 'qt/qtsvg', branch: 'dev' });
    store.createTask({ id: 'finished', type: 'Integration', project: 'qt/qt5', branch: 'dev' });
    store.setTaskState('running', 'Running');
    store.createWorkItems('running', [
      { id: 'r-done', kind: 'build', configurationId: 'linux', buildKey: 'k1' },
      { id: 'r-running', kind: 'build', configurationId: 'windows' },
      { id: 'r-queued', kind: 'test', configurationId: 'linux', dependsOn: ['r-done'] },
    ]);
    store.setWorkItemState('r-done', 'Running');
    store.setWorkItemState('r-done', 'Done');
    store.setWorkItemState('r-running', 'Running');
    store.setTaskState('finished', 'Running');
    store.createWorkItems('finished', [{ id: 'f-left', kind: 'build', configurationId: 'linux' }]);
    store.setTaskState('finished', 'Cancelled');
    store.upsertAgent({ id: 'busy', hypervisor: 'local', state: 'waiting' });
    store.setAgentState('busy', 'running', 'r-running');
    store.upsertAgent({ id: 'gone', hypervisor: 'local', state: 'waiting' });
    store.setAgentState('gone', 'stopping');
    store.setAgentState('gone', 'stopped');
    store.upsertAgent({ id: 'booting', hypervisor: 'opennebula' });

    const restarted = reopen();
    const report = restarted.recoverAfterRestart();
    expect(report).toMatchObject({ requeuedTasks: 1, discardedWorkItems: 2, cancelledWorkItems: 1 });
    expect(report.agentsToStop.map((a) => a.id)).toEqual(['busy', 'booting']);
    expect(restarted.getTask('running')).toMatchObject({ state: 'Initializing', started: null });
    expect(restarted.getTask('waiting')?.state).toBe('Initializing');
    expect(restarted.getTask('finished')?.state).toBe('Cancelled');
    expect(restarted.workItemsOf('running').map((w) => [w.id, w.state])).toEqual([['r-done', 'Done']]);
    expect(restarted.getWorkItem('f-left')).toMatchObject({ state: 'Cancelled', failureKind: 'system' });
    const events = restarted.eventsSince(0, 10_000);
    expect(events.filter((e) => e.kind === 'workItem.discarded').map((e) => e.subject)).toEqual([
      'r-running',
      'r-queued',
    ]);
    expect(events.at(-1)).toMatchObject({
      kind: 'store.recovered',
      payload: { agentsToStop: ['busy', 'booting'] },
    });
    expect(restarted.recoverAfterRestart()).toMatchObject({
      requeuedTasks: 0,
      discardedWorkItems: 0,
      cancelledWorkItems: 0,
    });
    expect(restarted.activeBuildKeys()).toEqual(new Set(['k1']));
  });

  test('integrityCheck reports rows that break a foreign key', async () => {
    const store = await open();
    expect(store.integrityCheck().ok).toBe(true);
    const raw = new Database(path.join(temp!.path, 'coin.db'));
    try {
      raw.pragma('foreign_keys = OFF');
      raw
        .prepare(
          `INSERT INTO work_items (id, task_id, kind, configuration_id, state, created)
         VALUES ('orphan', 'no-such-task', 'build', 'linux', 'Queued', 'now')`,
        )
        .run();
    } finally {
      raw.close();
    }
    const report = store.integrityCheck();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/work_items row \d+ refers to a missing tasks row/),
    ]);
  });

  test('a new COIN revision starts a new artifact epoch on open; the same revision does not', async () => {
    const store = await open();
    expect(store.artifactEpoch()).toBe(1);
    expect(store.storedCoinRevision()).toBe(COIN_REVISION);
    expect(reopen().artifactEpoch()).toBe(1);
    const bumped = reopen({ coinRevision: COIN_REVISION + 1 });
    expect(bumped.artifactEpoch()).toBe(2);
    expect(bumped.eventsSince(0).at(-1)).toMatchObject({
      kind: 'artifacts.invalidated',
      payload: { epoch: 2, reason: `COIN revision ${COIN_REVISION} -> ${COIN_REVISION + 1}` },
    });
    expect(bumped.bumpArtifactEpoch('coin invalidate-artifacts')).toBe(3);
  });
});
