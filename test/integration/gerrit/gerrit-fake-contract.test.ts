// The Gerrit fake states the facts of ../shared/reference/protocol-facts.md (Qt's workflow plugin
// and Gerrit core) as assertions, spoken to over its real SSH and HTTP interfaces: a change of the
// fake that breaks one of them fails here, not silently in the tests that rely on the fake.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseGerritAddress } from '../../../runner/core/gerrit/gerrit-protocol';
import { GerritCommandError, GerritSsh } from '../../../runner/node/gerrit/gerrit-ssh';
import {
  startGerritFake,
  type FakeChange,
  type FakeUser,
  type GerritFake,
} from '../../fakes/gerrit/gerrit-fake';
import { runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

const ciKey = generateEd25519KeyPair();
const plainKey = generateEd25519KeyPair();
const ci: FakeUser = {
  name: 'Qt CI',
  email: 'ci@example.invalid',
  username: 'qtci',
  publicKey: ciKey.public,
  httpPassword: 'ci-pw',
  capabilities: ['streamEvents', 'ciStatusUpdate', 'stagingPromote'],
};
/** An account without any global capability. */
const plain: FakeUser = {
  name: 'Plain',
  email: 'plain@example.invalid',
  username: 'plain',
  publicKey: plainKey.public,
  httpPassword: 'plain-pw',
  capabilities: [],
};

let root: TempDir;
let fake: GerritFake;
let ssh: GerritSsh;
let plainSsh: GerritSsh;
const events: Record<string, unknown>[] = [];
let n = 0;

beforeAll(async () => {
  root = await makeTempDir('gerrit-fake-contract-');
  fake = await startGerritFake({ root: path.join(root.path, 'gerrit'), users: [ci, plain] });
  const connect = (user: string, privateKey: string) =>
    GerritSsh.connect({
      address: parseGerritAddress(fake.sshUrl(user)),
      privateKey,
      hostKey: { fingerprint: fake.hostKeyFingerprint },
    });
  ssh = await connect('qtci', ciKey.private);
  plainSsh = await connect('plain', plainKey.private);
  await ssh.stream(['gerrit', 'stream-events'], (line) =>
    events.push(JSON.parse(line) as Record<string, unknown>),
  );
});

afterAll(async () => {
  await ssh.end();
  await plainSsh.end();
  await fake.stop();
  await root.remove();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first event of `type` about change `number` (waited for). */
async function eventOf(type: string, number: number): Promise<Record<string, unknown>> {
  const find = () =>
    events.find((e) => e.type === type && (e.change as { number?: number } | undefined)?.number === number);
  await until(() => find() !== undefined, `${type} of ${number}`);
  return find()!;
}

async function project(files: Record<string, string> = { 'base.txt': 'base\n' }): Promise<string> {
  const name = `contract/p${++n}`;
  await fake.createProject(name, 'dev', files);
  return name;
}

const change = (p: string, subject: string, files: Record<string, string>) =>
  fake.createChange({ project: p, branch: 'dev', subject, files });

/** POST to the fake's REST interface as `user`: status and the JSON after `)]}'` (or the text). */
async function post(url: string, user = ci, body: unknown = {}): Promise<{ status: number; json: unknown }> {
  const auth = Buffer.from(`${user.username}:${user.httpPassword!}`).toString('base64');
  const response = await fetch(`${fake.httpUrl}${url}`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json: unknown = text.startsWith(")]}'") ? JSON.parse(text.slice(4)) : text.trim();
  return { status: response.status, json };
}

const revisionUrl = (c: FakeChange, rev: string | number, action: string) =>
  `/a/changes/${c.number}/revisions/${rev}/gerrit-plugin-qt-workflow~${action}`;

/** Run a command; its stdout, or the refusal (exit code and stderr). */
async function run(argv: string[], as = ssh, stdin?: string) {
  try {
    return { code: 0, stdout: await as.run(argv, stdin), stderr: '' };
  } catch (error) {
    if (!(error instanceof GerritCommandError)) throw error;
    return { code: error.exitCode, stdout: '', stderr: error.stderr };
  }
}

const plugin = 'gerrit-plugin-qt-workflow';
const pluginKeys = ['change', 'changeKey', 'eventCreatedOn', 'project', 'refName', 'type'];
const build = (p: string, id: string) => run([plugin, 'staging-new-build', '-p', p, '-s', 'dev', '-i', id]);
const approve = (p: string, id: string, result: string) =>
  run([plugin, 'staging-approve', '-p', p, '-b', 'dev', '-i', id, '-r', result, '-m', '-'], ssh, 'CI says');

describe('REST: revision-level stage/unstage/precheck, change-level defer/reopen/abandon', () => {
  test('stage and unstage answer {} on a sha, a patch set number or current; the change-level paths are 404', async () => {
    const p = await project();
    const c = await change(p, 'Rest', { 'r.txt': 'r\n' });
    expect(await post(`/a/changes/${c.number}/gerrit-plugin-qt-workflow~stage`)).toMatchObject({
      status: 404,
    });
    expect(await post(revisionUrl(c, c.patchSets[0]!.revision, 'stage'))).toEqual({ status: 200, json: {} });
    expect(fake.change(c.number).status).toBe('STAGED');
    expect(await post(revisionUrl(c, 1, 'unstage'))).toEqual({ status: 200, json: {} });
    expect(fake.change(c.number).status).toBe('NEW');
    expect(await post(revisionUrl(c, 'current', 'stage'))).toEqual({ status: 200, json: {} });
    expect(await post(`/a/changes/${c.number}/gerrit-plugin-qt-workflow~unstage`)).toMatchObject({
      status: 404,
    });
  });

  test('a merge conflict while staging is 409 and leaves the change NEW', async () => {
    const p = await project({ 'f.txt': 'base\n' });
    const one = await change(p, 'One', { 'f.txt': 'one\n' });
    const two = await change(p, 'Two', { 'f.txt': 'two\n' });
    await fake.stage(one);
    expect((await post(revisionUrl(two, 'current', 'stage'))).status).toBe(409);
    expect(fake.change(two.number).status).toBe('NEW');
  });

  test('defer NEW, reopen DEFERRED, abandon only DEFERRED; ChangeInfo answers', async () => {
    const p = await project();
    const c = await change(p, 'Later', { 'l.txt': 'l\n' });
    const url = (action: string) => `/a/changes/${c.number}/gerrit-plugin-qt-workflow~${action}`;
    expect((await post(url('abandon'))).status).toBe(409);
    expect(await post(url('defer'))).toMatchObject({
      status: 200,
      json: { status: 'DEFERRED', _number: c.number },
    });
    expect(await post(url('reopen'))).toMatchObject({ status: 200, json: { status: 'NEW' } });
    await post(url('defer'));
    expect(await post(url('abandon'))).toMatchObject({ status: 200, json: { status: 'ABANDONED' } });
  });

  test('precheck adds a message and emits the precheck event with an integer patch set', async () => {
    const p = await project();
    const c = await change(p, 'Check me', { 'c.txt': 'c\n' });
    const body = { type: 'custom', onlybuild: true, cherrypick: false, platforms: 'linux,windows' };
    expect(await post(revisionUrl(c, 1, 'precheck'), ci, body)).toEqual({ status: 200, json: {} });
    expect(fake.change(c.number).messages.at(-1)!.message).toMatch(/^Precheck requested with params /);
    const event = await eventOf('precheck', c.number);
    expect(Object.keys(event).sort()).toEqual(
      [...pluginKeys, 'cherrypick', 'commitID', 'onlybuild', 'patchSet', 'platforms', 'precheckType'].sort(),
    );
    expect(event).toMatchObject({
      patchSet: 1,
      commitID: c.patchSets[0]!.revision,
      precheckType: 'custom',
      platforms: 'linux,windows',
      onlybuild: true,
      cherrypick: false,
      refName: 'refs/heads/dev',
      changeKey: { id: c.changeId },
    });
  });
});

describe('events: the plugin sends no actor and no patch set', () => {
  test('change-staged, -integration-pass and change-merged, ref-updated, patchset-created', async () => {
    const p = await project();
    const c = await change(p, 'Pass', { 'p.txt': 'p\n' });
    expect(Object.keys(await eventOf('patchset-created', c.number)).sort()).toEqual(
      ['change', 'eventCreatedOn', 'patchSet', 'type', 'uploader'].sort(),
    );
    await fake.stage(c);
    const staged = await eventOf('change-staged', c.number);
    expect(Object.keys(staged).sort()).toEqual(pluginKeys);
    expect(staged).toMatchObject({ project: p, refName: 'refs/heads/dev', changeKey: { id: c.changeId } });
    expect(await build(p, 'b/1')).toMatchObject({ code: 0 });
    expect(fake.change(c.number).messages.at(-1)!.message).toBe('Added to build b/1 for refs/heads/dev');
    const passed = await approve(p, 'b/1', 'pass');
    const head = await runGit(fake.gitUrlPrefix, ['--git-dir', `${p}.git`, 'rev-parse', 'refs/heads/dev']);
    expect(passed).toEqual({ code: 0, stdout: `${head}\n`, stderr: '' });
    expect(fake.change(c.number).patchSets.map((ps) => ps.number)).toEqual([1, 2]);
    expect(Object.keys(await eventOf('change-integration-pass', c.number)).sort()).toEqual(pluginKeys);
    const merged = await eventOf('change-merged', c.number);
    expect(Object.keys(merged).sort()).toEqual([
      'change',
      'eventCreatedOn',
      'newRev',
      'patchSet',
      'submitter',
      'type',
    ]);
    expect(merged).toMatchObject({ newRev: head, patchSet: { number: 2 } });
    await until(() => events.some((e) => e.type === 'ref-updated'), 'ref-updated');
    const ref = events.find((e) => e.type === 'ref-updated')!;
    expect(Object.keys(ref).sort()).toEqual(['eventCreatedOn', 'refUpdate', 'submitter', 'type']);
  });

  test('change-integration-fail and change-unstaged carry the same six fields', async () => {
    const p = await project();
    const c = await change(p, 'Fail', { 'x.txt': 'x\n' });
    await fake.stage(c);
    await build(p, 'b/2');
    expect(await approve(p, 'b/2', 'fail')).toMatchObject({ code: 0, stdout: '' });
    expect(fake.change(c.number).status).toBe('NEW');
    expect(Object.keys(await eventOf('change-integration-fail', c.number)).sort()).toEqual(pluginKeys);
    await fake.stage(c);
    await post(revisionUrl(c, 'current', 'unstage'));
    expect(Object.keys(await eventOf('change-unstaged', c.number)).sort()).toEqual(pluginKeys);
  });

  test('dropped-output reaches the stream', async () => {
    fake.state.dropOutput();
    await until(() => events.some((e) => e.type === 'dropped-output'), 'dropped-output');
    expect(Object.keys(events.find((e) => e.type === 'dropped-output')!).sort()).toEqual([
      'eventCreatedOn',
      'type',
    ]);
  });

  test('stream-events is refused without the Stream Events capability', async () => {
    const result = await run(['gerrit', 'stream-events'], plainSsh).catch(() => undefined);
    // run() resolves only when the command ends: a refused stream ends at once with exit 1
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^fatal: .*"Stream Events" capability/),
    });
  });
});

describe('SSH commands', () => {
  test('staging-approve pass can exit 0 while its changes go back to NEW', async () => {
    const p = await project();
    const c = await change(p, 'Conflicted', { 'y.txt': 'y\n' });
    await fake.stage(c);
    await build(p, 'b/3');
    fake.state.passWithoutMerge = true;
    expect(await approve(p, 'b/3', 'pass')).toMatchObject({ code: 0 });
    expect(fake.change(c.number).status).toBe('NEW');
  });

  test('failures are fatal: lines with exit 1', async () => {
    const p = await project();
    expect(await approve(p, 'nope', 'maybe')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'fatal: result argument accepts only value pass or fail.\n',
    });
    expect(await build(p, 'b/4')).toMatchObject({ code: 1, stderr: 'fatal: Staging ref not found!\n' });
    expect(await approve(p, 'nope', 'pass')).toMatchObject({ code: 1, stderr: 'fatal: build not found\n' });
  });

  test('gerrit query: a default limit with moreChanges, --start to page, status:staged', async () => {
    const p = await project();
    for (const s of ['q1', 'q2', 'q3']) await fake.stage(await change(p, s, { [`${s}.txt`]: s }));
    fake.state.queryLimit = 2;
    try {
      const lines = async (args: string[]) =>
        (await run(['gerrit', 'query', '--format=JSON', ...args])).stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      const first = await lines(['status:staged', `project:${p}`, 'branch:dev']);
      expect(first.at(-1)).toEqual({ type: 'stats', rowCount: 2, runTimeMilliseconds: 1, moreChanges: true });
      const rest = await lines(['--start', '2', `status:staged project:${p}`]);
      expect(rest.at(-1)).toMatchObject({ rowCount: 1, moreChanges: false });
      const subjects = [...first, ...rest].filter((l) => l.subject).map((l) => l.subject);
      expect(subjects.sort()).toEqual(['q1', 'q2', 'q3']);
      expect(await lines(['bogus:x'])).toEqual([
        { type: 'error', message: 'unsupported query operator: bogus' },
      ]);
    } finally {
      fake.state.queryLimit = 500;
    }
  });

  test('ci-status-update -i <json> needs ciStatusUpdate', async () => {
    const status = [{ name: 'coin', running: 2, queue: 5, load: 1 }];
    const argv = [plugin, 'ci-status-update', '-i', JSON.stringify(status)];
    expect(await run(argv)).toMatchObject({ code: 0 });
    expect(fake.state.ciStatus.get('qtci')).toEqual(status);
    expect(await run(argv, plainSsh)).toMatchObject({ code: 1, stderr: 'fatal: not permitted\n' });
  });
});

describe('PRESTAGED: the staging queue of stagingQueueBranches', () => {
  test('stage -> PRESTAGED (staging ref untouched, not status:staged); promotion needs stagingPromote; fail -> PRESTAGED', async () => {
    const p = await project();
    fake.state.setStagingQueueBranches(p, ['dev']);
    const c = await change(p, 'Queued', { 'q.txt': 'q\n' });
    expect((await post(revisionUrl(c, 'current', 'stage'), plain)).status).toBe(200);
    expect(fake.change(c.number).status).toBe('PRESTAGED');
    expect(fake.change(c.number).messages.at(-1)!.message).toBe(
      'Assigned to staging queue, waiting for promotion to CI',
    );
    expect(await run(['gerrit', 'query', '--format=JSON', `status:staged project:${p}`])).toMatchObject({
      stdout: expect.stringMatching(/^\{"type":"stats","rowCount":0/),
    });
    const staging = await runGit(fake.gitUrlPrefix, [
      '--git-dir',
      `${p}.git`,
      'for-each-ref',
      'refs/staging/',
    ]);
    expect(staging).toBe('');
    const refused = await post(revisionUrl(c, 'current', 'stage'), plain);
    expect(refused).toMatchObject({ status: 403, json: expect.stringContaining('stagingPromote') });
    expect(await post(revisionUrl(c, 'current', 'stage'), ci)).toEqual({ status: 200, json: {} });
    expect(fake.change(c.number).status).toBe('STAGED');
    await build(p, 'q/1');
    await approve(p, 'q/1', 'fail');
    expect(fake.change(c.number).status).toBe('PRESTAGED');
    await post(revisionUrl(c, 'current', 'unstage'));
    expect(fake.change(c.number).status).toBe('NEW');
  });
});
