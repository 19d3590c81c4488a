// The live journal over SSH survives the server dropping the connection: after the reconnect it
// resumes from its cursor, with no line lost and none repeated.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { JournalFollower } from '../../../electron/services/journal/journal-follower';
import { journaldSource, serviceLogSource } from '../../../electron/services/journal/journal-sources';
import { sleep } from '../../helpers/process-tree';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { connectionTo, dropAllConnections, knowSshd, makeVerifier, verifierFiles } from './ssh-fixture';

let sshd: SshdHandle;
let dir: TempDir;
let host: SshHost;
let follower: JournalFollower | undefined;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  dir = await makeTempDir('journal-');
  await knowSshd(sshd, verifierFiles(dir.path));
  host = new SshHost(connectionTo(sshd, makeVerifier(verifierFiles(dir.path))), 'test sshd');
});
afterEach(async () => {
  await follower?.stop();
  follower = undefined;
  await host.close();
  await dir.remove();
});

async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

function messages(f: JournalFollower): string[] {
  return f.read(0, 100_000).entries.map((e) => e.message);
}

/** Appends lines `from..to` to a file, one every few ms, as a running instance would. */
async function writeLines(
  file: string,
  from: number,
  to: number,
  make: (n: number) => string,
): Promise<void> {
  for (let n = from; n <= to; n++) {
    fs.appendFileSync(file, `${make(n)}\n`);
    if (n % 5 === 0) await sleep(5);
  }
}

test('the coin service log: dropped twice mid-stream, every line exactly once', async () => {
  const log = path.join(dir.path, 'coin.log');
  const pino = (n: number) =>
    JSON.stringify({ level: n % 10 === 0 ? 50 : 30, time: Date.now(), pid: 1, msg: `line ${n}` });
  fs.writeFileSync(log, '');
  await writeLines(log, 1, 20, pino);
  follower = new JournalFollower(host, serviceLogSource(host, log), { retryMs: 100 });
  follower.start();
  await waitUntil(() => messages(follower!).length === 20);

  const writing = writeLines(log, 21, 400, pino);
  await waitUntil(() => messages(follower!).length > 60);
  expect(await dropAllConnections(sshd)).toBeGreaterThan(0);
  await waitUntil(() => follower!.state().resumed === 1 && follower!.state().state === 'following');
  await waitUntil(() => messages(follower!).length > 200);
  await dropAllConnections(sshd);
  await writing;
  await waitUntil(() => messages(follower!).length >= 400);
  await sleep(300);

  expect(messages(follower)).toEqual(Array.from({ length: 400 }, (_, i) => `line ${i + 1}`));
  expect(follower.state().resumed).toBe(2);
  const seqs = follower.read(0, 1000).entries.map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  expect(follower.read(390, 5).entries.map((e) => e.seq)).toEqual([391, 392, 393, 394, 395]);
  expect(follower.read(0, 400).entries[9]?.level).toBe('error');
});

test('journald: resumed with --after-cursor after the connection drops', async () => {
  const journal = path.join(dir.path, 'journal.jsonl');
  const record = (n: number) =>
    JSON.stringify({
      __CURSOR: `s=0;i=${n.toString(16)}`,
      __REALTIME_TIMESTAMP: String(Date.now() * 1000),
      PRIORITY: '6',
      _PID: '99',
      MESSAGE: `entry ${n}`,
    });
  fs.writeFileSync(journal, '');
  await writeLines(journal, 1, 30, record);
  const fake = ['node', path.join(import.meta.dirname, 'fixtures', 'fake-journalctl.mjs'), journal];
  follower = new JournalFollower(host, journaldSource(10, fake), { retryMs: 100 });
  follower.start();
  await waitUntil(() => messages(follower!).length === 10);
  expect(messages(follower)[0]).toBe('entry 21');

  const writing = writeLines(journal, 31, 200, record);
  await waitUntil(() => messages(follower!).length > 40);
  await dropAllConnections(sshd);
  await writing;
  await waitUntil(() => messages(follower!).length >= 180);
  await sleep(300);
  expect(messages(follower)).toEqual(Array.from({ length: 180 }, (_, i) => `entry ${i + 21}`));
  expect(follower.state()).toMatchObject({ state: 'following', resumed: 1 });
});
