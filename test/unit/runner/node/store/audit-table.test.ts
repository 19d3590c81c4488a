import { afterEach, beforeEach, expect, test } from 'vitest';
import { auditConfigVersion } from '../../../../../runner/node/store/audit-table';
import { SqliteStore } from '../../../../../runner/node/store/sqlite-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: SqliteStore;
beforeEach(async () => {
  dir = await makeTempDir('audit-table-');
  store = SqliteStore.open(dir.path);
});
afterEach(async () => {
  store.close();
  await dir.remove();
});

test('entries come back newest first with an event each, filtered by subject and action', () => {
  const seen: string[] = [];
  const stop = store.subscribe((e) => seen.push(e.kind));
  store.transaction(() => {
    store.audit.record({
      actor: 'ann',
      origin: 'cli',
      action: 'cancel',
      subject: 't1',
      details: { reason: 'x' },
    });
    store.audit.record({ actor: 'bob', origin: 'dashboard', action: 'rerun', subject: 't1' });
    store.audit.record({ actor: 'bob', origin: 'app', action: 'gc', subject: 'artifacts' });
  });
  stop();
  expect(seen).toEqual(['audit.recorded', 'audit.recorded', 'audit.recorded']);
  expect(store.audit.list().map((e) => e.action)).toEqual(['gc', 'rerun', 'cancel']);
  expect(store.audit.list({ subject: 't1', action: 'cancel' })).toMatchObject([
    { actor: 'ann', origin: 'cli', details: { reason: 'x' } },
  ]);
});

test('configuration saves and rollbacks are audited; the instance reading its file at start is not', () => {
  store.transaction(() => {
    auditConfigVersion(store.audit, { version: 1, appliedBy: 'file edit', via: 'instance start' });
    auditConfigVersion(store.audit, { version: 2, appliedBy: 'ann', via: 'desktop editor' });
    auditConfigVersion(store.audit, { version: 3, appliedBy: 'bob', via: 'coin config rollback to 1' });
  });
  expect(store.audit.list().map((e) => [e.action, e.actor, e.origin, e.details.version])).toEqual([
    ['config-rollback', 'bob', 'cli', 3],
    ['config-save', 'ann', 'app', 2],
  ]);
});
