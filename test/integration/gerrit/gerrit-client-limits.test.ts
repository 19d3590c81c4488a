// The runner's Gerrit client against the Gerrit fake, with what Gerrit refuses or limits:
// dropped-output, an account without the Stream Events capability (the stream and the change
// source stop asking), a query over Gerrit's page limit, and ci-status-update with and without the
// plugin's ciStatusUpdate capability. The connection and the staging workflow are in
// gerrit-client.test.ts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseGerritAddress } from '../../../runner/core/gerrit/gerrit-protocol';
import { CiStatusPublisher } from '../../../runner/node/gerrit/ci-status-publisher';
import { GerritChangeSource } from '../../../runner/node/gerrit/gerrit-change-source';
import { GerritClient } from '../../../runner/node/gerrit/gerrit-client';
import { GerritEventStream } from '../../../runner/node/gerrit/gerrit-event-stream';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startGerritFake, type GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

let root: TempDir;
let fake: GerritFake;
let client: GerritClient;
let knownHosts: string;
const userKey = generateEd25519KeyPair();
const coinUser = { name: 'Qt CI', email: 'ci@example.invalid', username: 'qtci', publicKey: userKey.public };
const noStreamKey = generateEd25519KeyPair();
const publisherKey = generateEd25519KeyPair();
/** A CI account that may publish its load. */
const publisher = {
  name: 'Publisher',
  email: 'publisher@example.invalid',
  username: 'publisher',
  publicKey: publisherKey.public,
  capabilities: ['streamEvents' as const, 'ciStatusUpdate' as const],
};
/** An account without the Stream Events capability. */
const noStream = {
  name: 'No stream',
  email: 'nostream@example.invalid',
  username: 'nostream',
  publicKey: noStreamKey.public,
  capabilities: [],
};

beforeAll(async () => {
  root = await makeTempDir('gerrit-client-limits-');
  fake = await startGerritFake({
    root: path.join(root.path, 'gerrit'),
    users: [coinUser, noStream, publisher],
  });
  knownHosts = path.join(root.path, 'known_hosts');
  await writeFile(knownHosts, `${fake.knownHostsLine}\n`);
  client = new GerritClient({
    address: parseGerritAddress(fake.sshUrl('qtci')),
    privateKey: userKey.private,
    hostKey: { knownHostsFile: knownHosts },
  });
});

afterAll(async () => {
  await client.close();
  await fake.stop();
  await root.remove();
});

/** A stream of the CI account's events that counts its connections (true: a catch-up). */
function collect(): { stream: GerritEventStream; connected: boolean[] } {
  const connected: boolean[] = [];
  const stream = new GerritEventStream({
    connect: () => client.connect(),
    onEvent: () => undefined,
    onConnected: (again) => void connected.push(again),
    initialBackoffMs: 50,
  });
  stream.start();
  return { stream, connected };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('what the stream does with what Gerrit says', () => {
  test('dropped-output: the same catch-up as after a reconnection, on the same connection', async () => {
    const { stream, connected } = collect();
    await until(() => connected.length === 1, 'the first connection');
    fake.state.dropOutput();
    await until(() => connected.length === 2, 'the catch-up');
    expect(connected).toEqual([false, true]);
    await stream.stop();
  });

  test('without the Stream Events capability: one clear refusal, no reconnecting', async () => {
    const refused: Error[] = [];
    let attempts = 0;
    const other = new GerritClient({
      address: parseGerritAddress(fake.sshUrl('nostream')),
      privateKey: noStreamKey.private,
      hostKey: { knownHostsFile: knownHosts },
    });
    const stream = new GerritEventStream({
      connect: () => {
        attempts++;
        return other.connect();
      },
      onEvent: () => undefined,
      onRefused: (error) => refused.push(error),
      initialBackoffMs: 20,
    });
    stream.start();
    try {
      await until(() => refused.length === 1, 'the refusal');
      await new Promise((r) => setTimeout(r, 300));
      expect(attempts).toBe(1);
      expect(refused[0]!.message).toBe(
        'gerrit stream-events was refused (fatal: nostream does not have "Stream Events" capability.): give the account the "Stream Events" global capability, then restart the instance',
      );
    } finally {
      await stream.stop();
      await other.close();
    }
  });

  test('the change source tells its listener once that the stream is refused, and stops', async () => {
    const other = new GerritClient({
      address: parseGerritAddress(fake.sshUrl('nostream')),
      privateKey: noStreamKey.private,
      hostKey: { knownHostsFile: knownHosts },
    });
    const source = new GerritChangeSource({
      client: other,
      mirror: new GitMirror({ dir: path.join(root.path, 'refused-mirror'), urlPrefix: fake.gitUrlPrefix }),
      initialBackoffMs: 20,
    });
    const refused: string[] = [];
    let disconnected = 0;
    const watch = source.watch({
      connected: async () => undefined,
      disconnected: () => void disconnected++,
      refused: (error) => void refused.push(error),
      changed: () => undefined,
      unreadable: () => undefined,
    });
    try {
      await until(() => refused.length === 1, 'the refusal');
      await new Promise((r) => setTimeout(r, 300));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(
        /^gerrit stream-events was refused \(fatal: nostream does not have "Stream Events"/,
      );
      expect(disconnected).toBe(0);
    } finally {
      await watch.stop();
      await source.close();
    }
  });

  test('a query reads every page when Gerrit stops at its limit', async () => {
    await fake.createProject('qt/qtpages', 'dev', { p: 'p\n' });
    for (const s of ['one', 'two', 'three'])
      await fake.stage(
        await fake.createChange({ project: 'qt/qtpages', branch: 'dev', subject: s, files: { [s]: s } }),
      );
    fake.state.queryLimit = 2;
    try {
      const page = await client.queryPage(['status:staged', 'project:qt/qtpages']);
      expect([page.changes.length, page.moreChanges]).toEqual([2, true]);
      const all = await client.query(['status:staged', 'project:qt/qtpages', 'branch:dev']);
      expect(all.changes.map((c) => c.subject).sort()).toEqual(['one', 'three', 'two']);
    } finally {
      fake.state.queryLimit = 500;
    }
  });
});

describe('ci-status-update', () => {
  test("an account with ciStatusUpdate publishes the store's load; one without it is told so once", async () => {
    const store = SqliteStore.open(path.join(root.path, 'ci-status'));
    const task = (sha: string) =>
      store.createTask({
        type: 'Integration',
        project: 'p/q',
        branch: 'dev',
        sha,
        testedChanges: [],
        source: {},
      });
    const running = task('a'.repeat(40));
    store.setTaskState(running.id, 'Running');
    for (const sha of ['b', 'c']) task(sha.repeat(40));
    const allowed = new GerritClient({
      address: parseGerritAddress(fake.sshUrl('publisher')),
      privateKey: publisherKey.private,
      hostKey: { knownHostsFile: knownHosts },
    });
    const log = pino({ level: 'silent' });
    const good = new CiStatusPublisher({ client: allowed, store, log, name: 'Coin', intervalMs: 50 });
    const refused = new CiStatusPublisher({ client, store, log, name: 'Coin', intervalMs: 50 });
    try {
      const updates = () => fake.commands.filter((c) => c.includes('ci-status-update')).length;
      refused.start();
      await until(() => refused.current().state === 'not-permitted', 'the refusal');
      expect(refused.current()).toMatchObject({ state: 'not-permitted', error: 'fatal: not permitted' });
      const afterRefusal = updates();
      await new Promise((r) => setTimeout(r, 300));
      expect(updates()).toBe(afterRefusal); // not tried again
      good.start();
      await until(() => good.current().state === 'published', 'the first update');
      expect(fake.state.ciStatus.get('publisher')).toEqual([{ name: 'Coin', running: 1, queue: 2, load: 2 }]);
      await until(() => updates() >= afterRefusal + 3, 'updates every interval');
      expect(fake.state.ciStatus.has('qtci')).toBe(false);
    } finally {
      await good.stop();
      await refused.stop();
      await allowed.close();
      store.close();
    }
  });
});
