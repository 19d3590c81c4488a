// The runner's Gerrit client against the Gerrit fake: a real SSH server, real bare repositories.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GerritEvent } from '../../../runner/core/gerrit/gerrit-protocol';
import { CiStatusPublisher } from '../../../runner/node/gerrit/ci-status-publisher';
import { GerritChangeSource } from '../../../runner/node/gerrit/gerrit-change-source';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import { GerritClient } from '../../../runner/node/gerrit/gerrit-client';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import pino from 'pino';
import { GerritEventStream } from '../../../runner/node/gerrit/gerrit-event-stream';
import { changeAction, revisionAction } from '../../../runner/node/gerrit/gerrit-rest';
import { GerritSsh, GerritCommandError } from '../../../runner/node/gerrit/gerrit-ssh';
import { parseGerritAddress } from '../../../runner/core/gerrit/gerrit-protocol';
import { startGerritFake, type GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let fake: GerritFake;
let client: GerritClient;
let knownHosts: string;
const userKey = ssh2.utils.generateKeyPairSync('ed25519');
const otherKey = ssh2.utils.generateKeyPairSync('ed25519');
const coinUser = {
  name: 'Qt CI',
  email: 'ci@example.invalid',
  username: 'qtci',
  publicKey: userKey.public,
  httpPassword: 'secret',
};
const dev = { name: 'Dev', email: 'dev@example.invalid', username: 'dev', httpPassword: 'devpw' };
const noStreamKey = ssh2.utils.generateKeyPairSync('ed25519');
const publisherKey = ssh2.utils.generateKeyPairSync('ed25519');
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
  root = await makeTempDir('gerrit-client-');
  fake = await startGerritFake({
    root: path.join(root.path, 'gerrit'),
    users: [coinUser, dev, noStream, publisher],
  });
  knownHosts = path.join(root.path, 'known_hosts');
  await writeFile(knownHosts, `# test\n${fake.knownHostsLine}\n`);
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

function collect(): { events: GerritEvent[]; stream: GerritEventStream; connected: boolean[] } {
  const events: GerritEvent[] = [];
  const connected: boolean[] = [];
  const stream = new GerritEventStream({
    connect: () => client.connect(),
    onEvent: (e) => events.push(e),
    onConnected: (again) => void connected.push(again),
    initialBackoffMs: 50,
  });
  stream.start();
  return { events, stream, connected };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('connection', () => {
  test('ping over a verified connection', async () => {
    expect(await client.ping()).toBe('pong');
  });

  test('an unknown or different host key is refused before authentication', async () => {
    const empty = path.join(root.path, 'empty_known_hosts');
    await writeFile(empty, '');
    const address = parseGerritAddress(fake.sshUrl('qtci'));
    await expect(
      GerritSsh.connect({ address, privateKey: userKey.private, hostKey: { knownHostsFile: empty } }),
    ).rejects.toThrow(/is not in .*empty_known_hosts.*SHA256:/);
    await expect(
      GerritSsh.connect({ address, privateKey: userKey.private, hostKey: { fingerprint: 'SHA256:AAAA' } }),
    ).rejects.toThrow(/not the pinned/);
    const pinned = await GerritSsh.connect({
      address,
      privateKey: userKey.private,
      hostKey: { fingerprint: fake.hostKeyFingerprint },
    });
    await pinned.end();
  });

  test("a key that is not the account's is refused", async () => {
    const address = parseGerritAddress(fake.sshUrl('qtci'));
    await expect(
      GerritSsh.connect({ address, privateKey: otherKey.private, hostKey: { knownHostsFile: knownHosts } }),
    ).rejects.toThrow(/authentication/i);
  });

  test('a refused command reports its message', async () => {
    const error = await client.run(['gerrit-plugin-qt-workflow', 'nonsense']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GerritCommandError);
    expect((error as GerritCommandError).stderr).toContain('nonsense: not found');
  });
});

describe('the staging workflow', () => {
  test('stage, build, pass: the changes merge and the branch moves to the build', async () => {
    const base = await fake.createProject('qt/qtpass', 'dev', { README: 'base\n' });
    const a = await fake.createChange({
      project: 'qt/qtpass',
      branch: 'dev',
      subject: 'Add a',
      files: { 'a.txt': 'a\n' },
      owner: dev,
    });
    const b = await fake.createChange({
      project: 'qt/qtpass',
      branch: 'dev',
      subject: 'Add b',
      files: { 'b.txt': 'b\n' },
      owner: dev,
    });
    const { events, stream } = collect();
    await until(() => fake.commands.includes('gerrit stream-events'), 'the stream');
    // one change staged over REST by its owner, the other over SSH
    await revisionAction({
      baseUrl: fake.httpUrl,
      user: 'dev',
      httpPassword: 'devpw',
      change: a.number,
      revision: 'current',
      action: 'stage',
    });
    expect(fake.change(a.number).status).toBe('STAGED');
    await client.stage([{ change: b.number, patchSet: 1 }]);
    const staged = await client.query(['status:staged', 'project:qt/qtpass']);
    expect(staged.changes.map((c) => c.number).sort()).toEqual([a.number, b.number]);
    expect(staged.changes[0]!.owner?.email).toBe('dev@example.invalid');
    const ls = await client.stagingLs('qt/qtpass', 'refs/staging/dev', 'dev');
    expect(ls.map((c) => [c.change, c.patchSet, c.subject])).toEqual([
      [a.number, 1, 'Add a'],
      [b.number, 1, 'Add b'],
    ]);
    await client.stagingNewBuild('qt/qtpass', 'dev', 'qtci/dev/1');
    expect(fake.change(a.number).status).toBe('INTEGRATING');
    expect((await client.query(['status:integrating'])).rowCount).toBe(2);
    await expect(client.stagingNewBuild('qt/qtpass', 'dev', 'qtci/dev/1')).rejects.toThrow(/already exists/);
    const buildSha = await runGit(fake.gitUrlPrefix, [
      '--git-dir',
      'qt/qtpass.git',
      'rev-parse',
      'refs/builds/qtci/dev/1',
    ]);
    expect((await client.stagingLs('qt/qtpass', 'refs/builds/qtci/dev/1', 'dev')).map((c) => c.sha)).toEqual(
      ls.map((c) => c.sha),
    );
    await client.stagingApprove({
      project: 'qt/qtpass',
      branch: 'dev',
      buildId: 'qtci/dev/1',
      result: 'pass',
      message: "Continuous Integration: Passed\n\nit's fine",
    });
    expect(fake.change(a.number).status).toBe('MERGED');
    expect(fake.change(b.number).messages.at(-1)!.message).toBe(
      "Continuous Integration: Passed\n\nit's fine",
    );
    const head = await runGit(fake.gitUrlPrefix, [
      '--git-dir',
      'qt/qtpass.git',
      'rev-parse',
      'refs/heads/dev',
    ]);
    expect(head).toBe(buildSha);
    expect(
      await runGit(fake.gitUrlPrefix, [
        '--git-dir',
        'qt/qtpass.git',
        'rev-list',
        '--count',
        `${base}..${head}`,
      ]),
    ).toBe('2');
    await until(() => events.filter((e) => e.type === 'change-merged').length === 2, 'change-merged events');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['change-staged', 'change-integration-pass', 'change-merged', 'ref-updated']),
    );
    await stream.stop();
  });

  test('fail sends the changes back to NEW and rebuilds staging without them; a conflict unstages', async () => {
    await fake.createProject('qt/qtfail', 'dev', { 'f.txt': 'base\n' });
    const bad = await fake.createChange({
      project: 'qt/qtfail',
      branch: 'dev',
      subject: 'Bad',
      files: { 'bad.txt': 'x\n' },
    });
    await fake.stage(bad);
    await client.stagingNewBuild('qt/qtfail', 'dev', 'qtci/dev/7');
    const later = await fake.createChange({
      project: 'qt/qtfail',
      branch: 'dev',
      subject: 'Later',
      files: { 'later.txt': 'y\n' },
    });
    await fake.stage(later);
    await client.stagingApprove({
      project: 'qt/qtfail',
      branch: 'dev',
      buildId: 'qtci/dev/7',
      result: 'fail',
      message: 'Continuous Integration: Failed',
    });
    expect(fake.change(bad.number).status).toBe('NEW');
    expect(fake.change(bad.number).messages.at(-1)!.message).toBe('Continuous Integration: Failed');
    expect(fake.change(later.number).status).toBe('STAGED');
    expect((await client.stagingLs('qt/qtfail', 'refs/staging/dev', 'dev')).map((c) => c.change)).toEqual([
      later.number,
    ]);
    // two changes to the same file: the second cannot be cherry-picked onto staging
    const one = await fake.createChange({
      project: 'qt/qtfail',
      branch: 'dev',
      subject: 'One',
      files: { 'f.txt': 'one\n' },
    });
    const two = await fake.createChange({
      project: 'qt/qtfail',
      branch: 'dev',
      subject: 'Two',
      files: { 'f.txt': 'two\n' },
    });
    await client.stage([{ change: one.number, patchSet: 1 }]);
    await expect(client.stage([{ change: two.number, patchSet: 1 }])).rejects.toThrow(/Merge conflict/);
    expect(fake.change(one.number).status).toBe('STAGED');
    expect(fake.change(two.number).status).toBe('NEW');
    await client.stagingRebuild('qt/qtfail', 'dev');
    expect((await client.stagingLs('qt/qtfail', 'refs/staging/dev', 'dev')).map((c) => c.change)).toEqual([
      later.number,
      one.number,
    ]);
    const deferred = await changeAction({
      baseUrl: fake.httpUrl,
      user: 'dev',
      httpPassword: 'devpw',
      change: two.number,
      action: 'defer',
    });
    expect(deferred.status).toBe('DEFERRED');
    await expect(
      changeAction({
        baseUrl: fake.httpUrl,
        user: 'dev',
        httpPassword: 'wrong',
        change: two.number,
        action: 'reopen',
      }),
    ).rejects.toThrow(/401/);
  });

  test('the event stream reconnects after Gerrit drops it and says so', async () => {
    const { events, stream, connected } = collect();
    await until(() => connected.length === 1, 'the first connection');
    fake.dropConnections();
    await until(() => connected.length === 2, 'the reconnection');
    expect(connected).toEqual([false, true]);
    await fake.createProject('qt/qtstream', 'dev', { x: 'x\n' });
    const c = await fake.createChange({
      project: 'qt/qtstream',
      branch: 'dev',
      subject: 'After',
      files: { y: 'y\n' },
    });
    await fake.stage(c);
    await until(
      () => events.some((e) => e.type === 'change-staged' && e.change.number === c.number),
      'change-staged',
    );
    await stream.stop();
  });
});

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
