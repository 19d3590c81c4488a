// The journal of a `coin service` instance across the service's own log rotation: a real
// `coin service start` renames a log bigger than serviceLogRotateBytes to coin.log.1 and begins a
// new one, while the app's follower (this checkout's `coin service logs --json`) keeps reading.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { LocalHost } from '../../../electron/services/host/local-host';
import { JournalFollower } from '../../../electron/services/journal/journal-follower';
import { serviceLogSource } from '../../../electron/services/journal/journal-sources';
import { serviceFiles, serviceLogRotateBytes } from '../../../runner/node/service/service-files';
import { runCoin } from '../../helpers/run-coin';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { coinBin, killDaemon, waitUntil } from './service-fixture';

let work: TempDir;
let follower: JournalFollower | undefined;
beforeEach(async () => {
  work = await makeTempDir('service-rotation-');
});
afterEach(async () => {
  await follower?.stop();
  follower = undefined;
  await killDaemon(work.path);
  await work.remove();
});

test('a start that rotates the log: the journal goes on in the new file, nothing lost or repeated', async () => {
  const files = serviceFiles(work.path);
  fs.mkdirSync(files.dir, { recursive: true });
  // A log just over the rotation size: a hole (sparse, so nothing is really written) between lines.
  fs.writeFileSync(files.logFile, 'old 1\n');
  fs.truncateSync(files.logFile, serviceLogRotateBytes + 1);
  fs.appendFileSync(files.logFile, '\nold 2\nold 3\n');
  const host = new LocalHost();
  follower = new JournalFollower(
    host,
    serviceLogSource(host, { coinCommand: [process.execPath, coinBin], workingDir: work.path }, 5),
    { retryMs: 100 },
  );
  follower.start();
  const messages = () => follower!.read(0, 1000).entries.map((e) => e.message);
  // The backlog (5 lines, within the last MiB) leaves out the line the window cuts.
  await waitUntil(() => messages().length === 2);
  expect(messages()).toEqual(['old 2', 'old 3']);

  const started = await runCoin(['service', 'start', '--working-dir', work.path, '--port', '0']);
  expect(started.code).toBe(0);
  expect(fs.statSync(files.previousLogFile).size).toBeGreaterThan(serviceLogRotateBytes);
  await waitUntil(() => messages().some((m) => m.startsWith('Coin is running at')));
  const all = messages();
  expect(all.slice(0, 3)).toEqual(['old 2', 'old 3', `coin service: starting coin run in ${work.path}`]);
  expect(new Set(all).size).toBe(all.length);
  expect(follower.state()).toMatchObject({ state: 'following', resumed: 0 });

  await runCoin(['service', 'stop', '--working-dir', work.path]);
  await waitUntil(() => messages().includes('coin service: stopped by coin service stop'));
});

test('a coin on the host without `service logs --json`: followed with tail -F, with one warning', async () => {
  const files = serviceFiles(work.path);
  fs.mkdirSync(files.dir, { recursive: true });
  fs.writeFileSync(files.logFile, 'one\ntwo\n');
  // What an older coin answers to the new options.
  const oldCoin = ['sh', '-c', `echo "error: unknown option '--json'" >&2; exit 2`, 'coin'];
  const host = new LocalHost();
  follower = new JournalFollower(
    host,
    serviceLogSource(host, { coinCommand: oldCoin, workingDir: work.path }),
    {
      retryMs: 100,
    },
  );
  follower.start();
  const entries = () => follower!.read(0, 1000).entries;
  await waitUntil(() => entries().length === 3);
  fs.appendFileSync(files.logFile, 'three\n');
  await waitUntil(() => entries().length === 4);
  expect(entries().map((e) => e.message)).toEqual([
    expect.stringMatching(/cannot follow its log by cursor.*following with tail -F/),
    'one',
    'two',
    'three',
  ]);
  expect(entries()[0]?.level).toBe('warning');
  expect(follower.description).toBe(`tail -F ${files.logFile}`);
  expect(follower.state()).toMatchObject({ state: 'following', resumed: 0 });
});
