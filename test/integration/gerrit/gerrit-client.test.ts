// The runner's Gerrit client against the Gerrit fake: a real SSH server, real bare repositories.
// The connection and the staging workflow; what the stream, queries and ci-status-update do with
// Gerrit's refusals and limits is in gerrit-client-limits.test.ts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GerritEvent } from '../../../runner/core/gerrit/gerrit-protocol';
import { GerritClient } from '../../../runner/node/gerrit/gerrit-client';
import { GerritEventStream } from '../../../runner/node/gerrit/gerrit-event-stream';
import { changeAction, revisionAction } from '../../../runner/node/gerrit/gerrit-rest';
import { GerritSsh, GerritCommandError } from '../../../runner/node/gerrit/gerrit-ssh';
import { parseGerritAddress } from '../../../runner/core/gerrit/gerrit-protocol';
import { startGerritFake, type GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

let root: TempDir;
let fake: GerritFake;
let client: GerritClient;
let knownHosts: string;
const userKey = generateEd25519KeyPair();
const otherKey = generateEd25519KeyPair();
const coinUser = {
  name: 'Qt CI',
  email: 'ci@example.invalid',
  username: 'qtci',
  publicKey: userKey.public,
  httpPassword: 'secret',
};
const dev = { name: 'Dev', email: 'dev@example.invalid', username: 'dev', httpPassword: 'devpw' };
beforeAll(async () => {
  root = await makeTempDir('gerrit-client-');
  fake = await startGerritFake({
    root: path.join(root.path, 'gerrit'),
    users: [coinUser, dev],
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
