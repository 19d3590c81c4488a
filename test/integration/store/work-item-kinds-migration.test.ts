// The migration that makes work item kinds the module's phases (runner/node/store/schema.ts): a
// database written before it keeps its work items, in their order, and afterwards accepts the
// lower-case name of any phase (licensecheck) while refusing what cannot be one.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { migrations, migrateSchema, schemaVersion } from '../../../runner/node/store/schema';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

/** The migration that rebuilt work_items (the one whose text mentions 'licensecheck'). */
const rebuild = migrations.findIndex((m) => m.includes('work_items_rebuilt'));

function insertItem(db: Database.Database, id: string, kind: string): void {
  db.prepare(
    `INSERT INTO work_items (id, task_id, kind, configuration_id, depends_on, state, created, failure_kind)
     VALUES (?, 't1', ?, 'linux', '["x"]', 'Failed', '2024-05-01T00:00:00Z', 'build')`,
  ).run(id, kind);
}

test('work items written before the migration survive it in order, and kinds become phase names', async () => {
  expect(rebuild).toBeGreaterThan(0);
  temp = await makeTempDir('kinds-migration-');
  const file = path.join(temp.path, 'coin.db');
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  for (let version = 0; version < rebuild; version++) db.exec(migrations[version]!);
  db.pragma(`user_version = ${rebuild}`);
  db.prepare(
    `INSERT INTO tasks (id, type, project, branch, state, created) VALUES ('t1', 'Integration', 'qt/qtqa', 'dev', 'Failed', '2024-05-01T00:00:00Z')`,
  ).run();
  // ids out of alphabetical order: the store reads a task's items in rowid (creation) order
  insertItem(db, 't1.test.qt_qtqa.linux', 'test');
  insertItem(db, 't1.build.qt_qtqa.linux', 'build');
  expect(() => insertItem(db, 't1.licensecheck.qt_qtqa.linux', 'licensecheck')).toThrow(/CHECK constraint/);

  expect(migrateSchema(db)).toEqual({ from: rebuild, to: schemaVersion });
  insertItem(db, 't1.licensecheck.qt_qtqa.linux', 'licensecheck');
  for (const bad of ['', 'LicenseCheck', 'license-check']) {
    expect(() => insertItem(db, `t1.${bad}.x`, bad), bad).toThrow(/CHECK constraint/);
  }
  const indexes = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'work_items' AND sql IS NOT NULL`,
    )
    .all()
    .map((row) => (row as { name: string }).name)
    .sort();
  expect(indexes).toEqual(
    expect.arrayContaining(['work_items_by_build_key', 'work_items_by_state', 'work_items_by_task']),
  );
  // a deleted task still takes its work items with it (the foreign key survived the rebuild)
  expect(db.pragma('foreign_key_check')).toEqual([]);
  db.close();

  const store = SqliteStore.open(temp.path);
  try {
    expect(store.workItemsOf('t1').map((w) => [w.id, w.kind, w.dependsOn, w.failureKind])).toEqual([
      ['t1.test.qt_qtqa.linux', 'test', ['x'], 'build'],
      ['t1.build.qt_qtqa.linux', 'build', ['x'], 'build'],
      ['t1.licensecheck.qt_qtqa.linux', 'licensecheck', ['x'], 'build'],
    ]);
  } finally {
    store.close();
  }
  const again = new Database(file);
  again.pragma('foreign_keys = ON');
  again.prepare(`DELETE FROM tasks WHERE id = 't1'`).run();
  expect(again.prepare('SELECT count(*) AS n FROM work_items').get()).toEqual({ n: 0 });
  again.close();
});

test('the migration that drops the events index no query reads keeps every event', async () => {
  const drop = migrations.findIndex((m) => m.includes('DROP INDEX events_by_subject'));
  expect(drop).toBeGreaterThan(0);
  temp = await makeTempDir('events-index-migration-');
  const db = new Database(path.join(temp.path, 'coin.db'));
  for (let version = 0; version < drop; version++) db.exec(migrations[version]!);
  db.pragma(`user_version = ${drop}`);
  const insert = db.prepare(`INSERT INTO events (time, kind, subject, payload) VALUES (?, ?, ?, ?)`);
  for (let i = 0; i < 3; i++) insert.run('2024-05-01T00:00:00Z', 'task.state', `t${i}`, `{"i":${i}}`);
  const indexNames = () =>
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`)
      .all()
      .map((row) => (row as { name: string }).name);
  expect(indexNames()).toContain('events_by_subject');
  expect(migrateSchema(db)).toEqual({ from: drop, to: schemaVersion });
  expect(indexNames()).not.toContain('events_by_subject');
  db.close();
  const store = SqliteStore.open(temp.path);
  try {
    expect(store.eventsSince(0, 10).map((e) => [e.seq, e.subject, e.payload])).toEqual([
      [1, 't0', { i: 0 }],
      [2, 't1', { i: 1 }],
      [3, 't2', { i: 2 }],
    ]);
    // and seqs go on after them
    expect(store.appendEvent('test.after', 'x').seq).toBe(4);
  } finally {
    store.close();
  }
});
