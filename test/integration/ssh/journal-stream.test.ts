// The live journal over SSH survives the server dropping the connection: after the reconnect it
// resumes from its cursor, with no line lost and none repeated, also across log rotations (the
// `coin service` log is read by this checkout's real `coin service logs --json` over the sshd).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { JournalFollower } from '../../../electron/services/journal/journal-follower';
import type {
  CommandResult,
  CommandStream,
  Host,
  RunOptions,
  StreamHandlers,
} from '../../../electron/services/host/host';
import { journaldSource, serviceLogSource } from '../../../electron/services/journal/journal-sources';
import { serviceFiles, type ServiceFiles } from '../../../runner/node/service/service-files';
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

const coinCommand = [
  process.execPath,
  path.resolve(import.meta.dirname, '..', '..', '..', 'runner', 'cli', 'coin.mjs'),
];

/** The SSH host, with a gate: while held, the follower's next command waits (a long outage). */
class GatedHost implements Host {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  constructor(private readonly inner: Host) {}
  get description(): string {
    return this.inner.description;
  }
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
    return this.inner.run(argv, options);
  }
  async stream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    await this.gate;
    return this.inner.stream(argv, handlers);
  }
  readFile(file: string) {
    return this.inner.readFile(file);
  }
  writeFileAtomic(file: string, content: Buffer) {
    return this.inner.writeFileAtomic(file, content);
  }
  forwardPort(port: number) {
    return this.inner.forwardPort(port);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const pino = (n: number) =>
  JSON.stringify({ level: n % 10 === 0 ? 50 : 30, time: Date.now(), pid: 1, msg: `line ${n}` });
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

/** What `coin service start` does to a big log: renamed to coin.log.1, a new coin.log begun. */
function rotate(files: ServiceFiles, firstLine: string): void {
  fs.renameSync(files.logFile, files.previousLogFile);
  fs.appendFileSync(files.logFile, `${firstLine}\n`);
}

test('the coin service log: dropped twice mid-stream, rotated while following, every line exactly once', async () => {
  const files = serviceFiles(dir.path);
  fs.mkdirSync(files.dir);
  fs.writeFileSync(files.logFile, '');
  await writeLines(files.logFile, 1, 20, pino);
  follower = new JournalFollower(host, serviceLogSource(host, { coinCommand, workingDir: dir.path }), {
    retryMs: 100,
  });
  follower.start();
  await waitUntil(() => messages(follower!).length === 20);
  expect(follower.description).toBe(`coin service logs -f ${files.logFile}`);

  // Rotations every 150 lines while lines keep coming, the connection dropped twice meanwhile. A
  // rotation waits until the journal has a line of the current file: two rotations before it
  // reads again would lose lines (the next test).
  const writing = (async () => {
    for (let n = 21; n <= 600; n += 10) {
      await writeLines(files.logFile, n, n + 8, pino);
      if ((n + 9) % 150 === 0) {
        const first = Math.max(1, n + 9 - 150);
        await waitUntil(() => messages(follower!).includes(`line ${first}`));
        rotate(files, pino(n + 9));
      } else await writeLines(files.logFile, n + 9, n + 9, pino);
    }
  })();
  await waitUntil(() => messages(follower!).length > 100);
  expect(await dropAllConnections(sshd)).toBeGreaterThan(0);
  await waitUntil(() => follower!.state().resumed === 1 && follower!.state().state === 'following');
  await waitUntil(() => messages(follower!).length > 320);
  await dropAllConnections(sshd);
  await writing;
  await waitUntil(() => messages(follower!).length >= 600);
  await sleep(300);

  expect(messages(follower)).toEqual(numbered(1, 600));
  expect(follower.state().resumed).toBe(2);
  const seqs = follower.read(0, 1000).entries.map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  expect(follower.read(390, 5).entries.map((e) => e.seq)).toEqual([391, 392, 393, 394, 395]);
  expect(follower.read(0, 600).entries[9]?.level).toBe('error');
});

test('the coin service log: rotated once while disconnected, then twice (one warning, nothing repeated)', async () => {
  const files = serviceFiles(dir.path);
  fs.mkdirSync(files.dir);
  fs.writeFileSync(files.logFile, '');
  await writeLines(files.logFile, 1, 50, pino);
  const gated = new GatedHost(host);
  follower = new JournalFollower(gated, serviceLogSource(gated, { coinCommand, workingDir: dir.path }), {
    retryMs: 100,
  });
  follower.start();
  await waitUntil(() => messages(follower!).length === 50);

  // Away: the file it reads gets more lines (the last one unterminated), is rotated, a new one begun.
  gated.hold();
  await dropAllConnections(sshd);
  await waitUntil(() => follower!.state().state === 'reconnecting');
  await writeLines(files.logFile, 51, 60, pino);
  fs.appendFileSync(files.logFile, 'line 61');
  rotate(files, pino(62));
  await writeLines(files.logFile, 63, 70, pino);
  gated.release();
  await waitUntil(() => messages(follower!).length >= 70);
  await writeLines(files.logFile, 71, 80, pino);
  await waitUntil(() => messages(follower!).length >= 80);
  await sleep(300);
  expect(messages(follower)).toEqual(numbered(1, 80));

  // Away again: rotated twice, so the rest of the file it was reading is gone.
  gated.hold();
  await dropAllConnections(sshd);
  await waitUntil(() => follower!.state().resumed === 2 && follower!.state().state === 'reconnecting');
  await writeLines(files.logFile, 81, 90, pino);
  rotate(files, pino(91));
  rotate(files, pino(92));
  await writeLines(files.logFile, 93, 100, pino);
  gated.release();
  await waitUntil(() => messages(follower!).length >= 90);
  await sleep(300);
  const entries = follower.read(80, 1000).entries;
  expect(entries[0]).toMatchObject({
    level: 'warning',
    message: expect.stringMatching(/^lines may be missing here: .*coin\.log was rotated more than once/),
  });
  expect(entries.slice(1).map((e) => e.message)).toEqual(numbered(92, 100));
  expect(follower.state()).toMatchObject({ state: 'following', resumed: 2 });
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
