// Prechecks (runner/node/gerrit/precheck-runner.ts) against the Gerrit fake: the requested patch
// set is fetched and queued, the result is said on that patch set when its task ends (also for a
// task queued by an earlier run), a precheck that cannot start says why, and a read-only
// instance says nothing to Gerrit.
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  parseGerritAddress,
  parseGerritEvent,
  type GerritPrecheckEvent,
} from '../../../runner/core/gerrit/gerrit-protocol';
import type { IntegrationInput } from '../../../runner/core/integration-input';
import { GerritChangeSource } from '../../../runner/node/gerrit/gerrit-change-source';
import { GerritClient } from '../../../runner/node/gerrit/gerrit-client';
import { PrecheckRunner } from '../../../runner/node/gerrit/precheck-runner';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { startGerritFake, type FakeChange, type GerritFake } from '../../fakes/gerrit/gerrit-fake';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

const key = generateEd25519KeyPair();
const ci = { name: 'Qt CI', email: 'ci@example.invalid', username: 'qtci', publicKey: key.public };
let root: TempDir;
let fake: GerritFake;
let client: GerritClient;
let store: SqliteStore;
const queued: IntegrationInput[] = [];

beforeAll(async () => {
  root = await makeTempDir('gerrit-precheck-');
  fake = await startGerritFake({ root: path.join(root.path, 'gerrit'), users: [ci] });
  client = new GerritClient({
    address: parseGerritAddress(fake.sshUrl('qtci')),
    privateKey: key.private,
    hostKey: { fingerprint: fake.hostKeyFingerprint },
  });
  store = SqliteStore.open(path.join(root.path, 'instance'));
});

afterAll(async () => {
  await client.close();
  store.close();
  await fake.stop();
  await root.remove();
});

function runner(write: boolean): PrecheckRunner {
  const mirror = new GitMirror({ dir: path.join(root.path, 'mirror'), urlPrefix: fake.gitUrlPrefix });
  return new PrecheckRunner({
    source: new GerritChangeSource({ client, mirror }),
    client,
    store,
    enqueue: async (input) => {
      queued.push(input);
      const task = store.createTask({
        type: 'Integration',
        project: input.project,
        branch: input.branch,
        sha: input.sha,
        testedChanges: input.testedChanges,
        source: { kind: 'local-git', repo: input.repo, sha: input.sha, origin: input.origin },
      });
      return task.id;
    },
    write,
    wanted: () => true,
    taskUrl: (id) => `http://127.0.0.1/coin/#/tasks/${id}`,
    log: pino({ level: 'silent' }),
  });
}

function eventFor(c: FakeChange, commitID = c.patchSets[0]!.revision): GerritPrecheckEvent {
  const line = JSON.stringify({
    type: 'precheck',
    change: { project: c.project, branch: c.branch, number: c.number, subject: c.subject },
    patchSet: 1,
    commitID,
    precheckType: 'custom',
    platforms: 'linux',
    onlyBuild: false,
    cherrypick: false,
  });
  return parseGerritEvent(line) as GerritPrecheckEvent;
}

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const precheckSaid = (c: FakeChange) =>
  fake.change(c.number).messages.find((m) => /^Precheck(: | could not start)/.test(m.message));

test('a precheck is queued for its patch set and its result said there; an earlier run’s is reported too', async () => {
  await fake.createProject('pre/tool', 'dev', { 'a.txt': 'a\n' });
  const c = await fake.createChange({
    project: 'pre/tool',
    branch: 'dev',
    subject: 'Try',
    files: { 'b.txt': 'b\n' },
  });
  const first = runner(true);
  try {
    first.onPrecheck(eventFor(c));
    await until(() => queued.find((q) => q.sha === c.patchSets[0]!.revision), 'the queued precheck');
    const input = queued.at(-1)!;
    expect(input.origin).toMatchObject({
      kind: 'gerrit-precheck',
      change: c.number,
      patchSet: 1,
      platforms: 'linux',
    });
    // a custom precheck's platforms are the configurations the integration runs on
    expect({ configs: input.configs, onlyBuild: input.onlyBuild }).toEqual({
      configs: ['linux'],
      onlyBuild: false,
    });
    expect(input.testedChanges).toEqual([
      expect.objectContaining({ change: c.number, patchSet: 1, subject: 'Try' }),
    ]);
  } finally {
    await first.stop();
  }
  // The instance restarted before the task ended: a new runner adopts it from the store.
  const [task] = store.listTasks({ type: 'Integration', max: 10 }).tasks;
  const second = runner(true);
  try {
    store.setTaskState(task!.id, 'Running');
    store.setTaskState(task!.id, 'Failed', 'the build broke');
    const said = await until(() => precheckSaid(c), 'the result on the change');
    expect(said.message).toBe(
      [
        'Precheck: Failed (Failed; patch set 1; type custom, platforms linux)',
        'Built and tested on linux; nothing was staged or merged.',
        '',
        `Details: http://127.0.0.1/coin/#/tasks/${task!.id}`,
      ].join('\n'),
    );
    expect(said.author.username).toBe('qtci');
    expect(fake.change(c.number).status).toBe('NEW');
  } finally {
    await second.stop();
  }
});

test('a precheck whose patch set is not the commit asked for says why; read-only says nothing', async () => {
  await fake.createProject('pre/other', 'dev', { 'a.txt': 'a\n' });
  const c = await fake.createChange({
    project: 'pre/other',
    branch: 'dev',
    subject: 'Odd',
    files: { 'c.txt': 'c\n' },
  });
  const quiet = runner(false);
  const before = queued.length;
  try {
    quiet.onPrecheck(eventFor(c, 'f'.repeat(40)));
  } finally {
    await quiet.stop();
  }
  expect(precheckSaid(c)).toBeUndefined();
  const loud = runner(true);
  try {
    loud.onPrecheck(eventFor(c, 'f'.repeat(40)));
    const said = await until(() => precheckSaid(c), 'the refusal on the change');
    expect(said.message).toMatch(
      /^Precheck could not start: patch set 1 is [0-9a-f]{40}, not the requested f{40}$/,
    );
  } finally {
    await loud.stop();
  }
  expect(queued.length).toBe(before);
});
