// The maintenance page going on and off, in the audit trail, with real processes: `coin
// maintenance`, `coin maintenance --stop`, `coin run` replacing the page when it starts and leaving
// it again when it stops. The instance is stopped meanwhile, so the entries wait in the working
// directory's audit journal until the next `coin run` imports them (or a `coin audit` made while
// it is stopped, which reads the store directly); `coin audit` lists them with who, from where and
// when. A journal left by an import cut short is not imported twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { AuditEntry } from '../../../runner/core/instance-api-control';
import { readMaintenanceRecord } from '../../../runner/node/maintenance/maintenance-record';
import { appendAuditJournal, auditJournalFileName } from '../../../runner/node/store/audit-journal';
import { importAuditJournal } from '../../../runner/node/store/audit-journal-import';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startCoin, type CoinProcess } from '../../helpers/coin-process';
import { freeLoopbackPort } from '../../helpers/free-port';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const coinBin = path.resolve(import.meta.dirname, '..', '..', '..', 'runner', 'cli', 'coin.mjs');
const me = userInfo().username;

let root: TempDir;
let work: string;
let port: number;
let coin: CoinProcess | undefined;
let page: ChildProcess | undefined;

beforeEach(async () => {
  root = await makeTempDir('maintenance-audit-');
  work = path.join(root.path, 'work');
  port = await freeLoopbackPort();
});
afterEach(async () => {
  await coin?.stop();
  coin = undefined;
  page?.kill('SIGKILL');
  page = undefined;
  // A detached maintenance server is no child of ours: stop it by its record whatever happened.
  if (readMaintenanceRecord(work)) await runCoin(['maintenance', '--working-dir', work, '--stop']);
  await root.remove();
});

const status = () =>
  fetch(`http://127.0.0.1:${port}/coin/`).then(
    (r) => r.status,
    () => 0,
  );

function startPage(extra: string[] = []): ChildProcess {
  const args = [coinBin, 'maintenance', '--working-dir', work, '--port', String(port), ...extra];
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawn(process.execPath, args, { env, stdio: 'ignore' });
}

async function audit(): Promise<AuditEntry[]> {
  const listed = await runCoin(['audit', '--working-dir', work, '--json'], { timeoutMs: 60_000 });
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { entries: AuditEntry[] }).entries;
}

const brief = (e: AuditEntry) => [e.action, e.actor, e.origin, e.details.via];

test('coin maintenance, then --stop, then coin run: coin audit shows both with who, when and from where', async () => {
  const before = new Date().toISOString();
  page = startPage();
  const exited = new Promise((resolve) => page!.once('exit', resolve));
  await expect.poll(status, { timeout: 30_000 }).toBe(503);
  expect(existsSync(path.join(work, auditJournalFileName))).toBe(true);

  const stopped = await runCoin(['maintenance', '--working-dir', work, '--stop']);
  expect(stopped.code, stopped.stderr).toBe(0);
  await exited;
  page = undefined;

  coin = await startCoin(work);
  const entries = await audit();
  expect(entries.map(brief)).toEqual([
    ['maintenance-off', me, 'cli', 'coin maintenance --stop'],
    ['maintenance-on', me, 'cli', 'coin maintenance'],
  ]);
  const [off, on] = entries as [AuditEntry, AuditEntry];
  expect(on.subject).toBe('maintenance-page');
  expect(on.details).toMatchObject({ port, message: expect.stringContaining('is being updated') });
  expect(off.details).toMatchObject({ port, pid: on.details.pid });
  // Each entry keeps the time it happened, not the time of the import.
  expect(on.time >= before && on.time <= off.time).toBe(true);
  expect(existsSync(path.join(work, auditJournalFileName))).toBe(false);
  // Imported once: a second start adds nothing.
  await coin.stop();
  coin = await startCoin(work);
  expect((await audit()).map(brief)).toEqual(entries.map(brief));
}, 180_000);

test('the page replaced by coin run and left again when it stops, as an update from the app over SSH does', async () => {
  page = startPage(['--origin', 'app-ssh', '--actor', 'alice as coin@master']);
  const exited = new Promise((resolve) => page!.once('exit', resolve));
  await expect.poll(status, { timeout: 30_000 }).toBe(503);

  coin = await startCoin(work, ['--port', String(port)]);
  await exited;
  page = undefined;
  await coin.stop();
  coin = undefined;
  await expect.poll(status, { timeout: 30_000 }).toBe(503);
  const stopped = await runCoin(['maintenance', '--working-dir', work, '--stop']);
  expect(stopped.code, stopped.stderr).toBe(0);

  coin = await startCoin(work);
  expect((await audit()).map(brief)).toEqual([
    ['maintenance-off', me, 'cli', 'coin maintenance --stop'],
    ['maintenance-on', me, 'instance', 'coin run stopped'],
    ['maintenance-off', me, 'instance', 'coin run started'],
    ['maintenance-on', 'alice as coin@master', 'app-ssh', 'coin maintenance'],
  ]);
  const bad = await runCoin(['maintenance', '--working-dir', work, '--origin', 'instance']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--origin must be one of cli, dashboard, app, app-ssh');
}, 180_000);

test('coin audit while the instance is stopped and its page is up: the entries at once, imported once', async () => {
  coin = await startCoin(work);
  await coin.stop();
  coin = undefined;
  page = startPage(['--actor', 'bob']);
  const exited = new Promise((resolve) => page!.once('exit', resolve));
  await expect.poll(status, { timeout: 30_000 }).toBe(503);

  const nowhere = await runCoin(['audit', '--working-dir', path.join(root.path, 'typo')]);
  expect(nowhere).toMatchObject({ code: 2, stdout: '' });
  expect(nowhere.stderr).toMatch(/no instance runs in .*typo, and it holds no Coin store/);
  // The same for every command that works on a stopped instance's store (offline-store.ts).
  const gc = await runCoin(['gc', '--working-dir', path.join(root.path, 'typo'), '--dry-run']);
  expect(gc.code).toBe(2);
  expect(gc.stderr).toMatch(/holds no Coin store/);
  expect(existsSync(path.join(root.path, 'typo'))).toBe(false);
  const listed = await runCoin(['audit', '--working-dir', work]);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stderr).toMatch(
    /^no instance runs in .*: read its store directly; 1 entries made while it was stopped imported\n$/,
  );
  expect(listed.stdout).toMatch(/maintenance-on\s+maintenance-page/);
  expect((await audit()).map(brief)).toEqual([['maintenance-on', 'bob', 'cli', 'coin maintenance']]);
  expect(existsSync(path.join(work, auditJournalFileName))).toBe(false);

  // The page goes on appending to a new journal; the next start imports only that.
  const stopped = await runCoin(['maintenance', '--working-dir', work, '--stop', '--actor', 'bob']);
  expect(stopped.code, stopped.stderr).toBe(0);
  await exited;
  page = undefined;
  coin = await startCoin(work);
  expect((await audit()).map(brief)).toEqual([
    ['maintenance-off', 'bob', 'cli', 'coin maintenance --stop'],
    ['maintenance-on', 'bob', 'cli', 'coin maintenance'],
  ]);
}, 180_000);

test('a journal left by an import killed after its commit is not imported twice', () => {
  mkdirSync(work, { recursive: true });
  const by = { actor: me, origin: 'cli', subject: 'maintenance-page', details: { via: 'test' } } as const;
  appendAuditJournal(work, { ...by, action: 'maintenance-on' });
  appendAuditJournal(work, { ...by, action: 'maintenance-off' });
  const store = SqliteStore.open(work);
  try {
    expect(importAuditJournal(work, store)).toEqual({ imported: 2, unreadable: 0 });
    // The same lines again, as if the file had survived the import, plus a cut line and a new one.
    const file = path.join(work, `${auditJournalFileName}.importing`);
    const lines = store.audit
      .list()
      .reverse()
      .map(({ id: _id, ...e }) => ({ ...e, journalId: e.details.journalId }));
    expect(lines.map((l) => typeof l.journalId)).toEqual(['string', 'string']);
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"cut`);
    appendAuditJournal(work, { ...by, action: 'maintenance-on' });
    expect(importAuditJournal(work, store)).toEqual({ imported: 1, unreadable: 1 });
    expect(store.audit.list().map((e) => e.action)).toEqual([
      'maintenance-on',
      'maintenance-off',
      'maintenance-on',
    ]);
    expect(existsSync(file)).toBe(false);
  } finally {
    store.close();
  }
});
