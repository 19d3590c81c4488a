// The staging workflow (runner/node/gerrit/staging-workflow.ts) on a plain git repository, with
// a real store: staged changes become Integration tasks; when a task ends, the instance that
// writes moves the branch (pass) or takes the changes out (fail), and any other instance never
// writes to the repository. Tasks are moved by the test (no agents): the queue is injected.
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defaultRuntimeConfig } from '../../../runner/core/runtime-config/config-schema';
import { StagingWorkflow } from '../../../runner/node/gerrit/staging-workflow';
import { GitChangeSource } from '../../../runner/node/sources/git-change-source';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { gitEnv, runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

let root: TempDir;
let store: SqliteStore;
let lines: string[];
let seq = 0;

const dev = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.invalid' };
const bare = () => path.join(root.path, 'git', 'demo', 'tool.git');
const work = () => path.join(root.path, 'work');
const git = (args: string[]) =>
  runGit(
    work(),
    args,
    gitEnv({ ...dev, GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.invalid' }),
  );

beforeEach(async () => {
  root = await makeTempDir('git-workflow-');
  store = SqliteStore.open(path.join(root.path, 'instance'));
  lines = [];
  await runGit(root.path, ['init', '-q', '--bare', '-b', 'dev', bare()]);
  await runGit(root.path, ['init', '-q', '-b', 'dev', work()]);
  await git(['commit', '-q', '--allow-empty', '-m', 'Initial commit']);
  await git(['push', '-q', bare(), 'HEAD:refs/heads/dev']);
});

afterEach(async () => {
  store?.close();
  await root?.remove();
});

/** A change with a Change-Id, pushed on top of refs/staging/dev. */
async function stage(subject: string): Promise<string> {
  await git([
    'fetch',
    '-q',
    bare(),
    '+refs/heads/*:refs/remotes/src/*',
    '+refs/staging/*:refs/remotes/staging/*',
  ]);
  const base = await git(['rev-parse', '--verify', '--quiet', 'refs/remotes/staging/dev']).catch(
    () => 'refs/remotes/src/dev',
  );
  await git(['checkout', '-q', '--detach', base]);
  const changeId = `I${String(++seq).padStart(40, '0')}`;
  await git(['commit', '-q', '--allow-empty', '-m', `${subject}\n\nChange-Id: ${changeId}\n`]);
  await git(['push', '-q', bare(), 'HEAD:refs/staging/dev']);
  return changeId;
}

function workflow(write: boolean): StagingWorkflow {
  const mirror = new GitMirror({
    dir: path.join(root.path, 'instance', 'mirror'),
    urlPrefix: `${path.join(root.path, 'git')}/`,
  });
  return new StagingWorkflow({
    source: new GitChangeSource({ mirror, projects: ['demo/tool'], pollMs: 100, initialBackoffMs: 50 }),
    write,
    projects: [],
    store,
    enqueue: async (input) =>
      store.createTask({
        type: 'Integration',
        project: input.project,
        branch: input.branch,
        sha: input.sha,
        testedChanges: input.testedChanges,
        source: {
          kind: 'local-git',
          repo: input.repo,
          sha: input.sha,
          searchRoots: input.searchRoots,
          origin: input.origin,
        },
      }).id,
    taskUrl: (id) => `http://127.0.0.1/coin/#/tasks/${id}`,
    gerritMonitor: () => defaultRuntimeConfig.gerrit_monitor,
    log: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
  });
}

async function until<T>(check: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${lines.slice(-20).join('')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const tasks = () => store.listTasks({ type: 'Integration' }).tasks;
const events = (kind: string) => store.eventsSince(0).filter((e) => e.kind === kind);
const refs = () => runGit(bare(), ['for-each-ref', '--format=%(refname) %(objectname)']);

function finish(taskId: string, state: 'Passed' | 'Failed'): void {
  store.setTaskState(taskId, 'Running');
  store.setTaskState(taskId, state, state === 'Failed' ? 'the build broke' : undefined);
}

describe('the staging workflow on a plain git repository', () => {
  test('the instance that writes: pass moves the branch to the build, fail takes the change out', async () => {
    const first = await stage('Good change');
    const flow = workflow(true);
    flow.start();
    try {
      const task = await until(() => tasks()[0], 'the first task');
      expect(task.testedChanges).toEqual([
        expect.objectContaining({
          kind: 'git-change',
          change: first,
          owner: 'dev@example.invalid',
          subject: 'Good change',
        }),
      ]);
      const origin = (task.source as { origin: { kind: string; buildId: string; ref: string } }).origin;
      expect(origin).toMatchObject({ kind: 'git', buildId: expect.stringMatching(/^qtci\/dev\/\d+$/) });
      expect(await runGit(bare(), ['rev-parse', origin.ref])).toBe(task.sha);
      finish(task.id, 'Passed');
      await until(() => events('git.approved').length === 1, 'the approval');
      expect(await runGit(bare(), ['rev-parse', 'refs/heads/dev'])).toBe(task.sha);
      expect(await runGit(bare(), ['notes', '--ref=coin', 'show', task.sha!])).toBe(
        `Continuous Integration: Passed\n\nDetails: http://127.0.0.1/coin/#/tasks/${task.id}`,
      );

      // staged while the instance watches: found by polling
      const second = await stage('Bad change');
      const failing = await until(() => tasks().find((t) => t.id !== task.id), 'the second task');
      expect(failing.testedChanges).toEqual([expect.objectContaining({ change: second })]);
      expect(events('git.event').map((e) => e.payload)).toEqual([
        expect.objectContaining({ type: 'change-staged', change: second }),
      ]);
      finish(failing.id, 'Failed');
      await until(() => events('git.approved').length === 2, 'the failure report');
      expect(await runGit(bare(), ['rev-parse', 'refs/heads/dev'])).toBe(task.sha);
      expect(await runGit(bare(), ['rev-parse', 'refs/staging/dev'])).toBe(task.sha);
      expect(flow.facts().inFlight).toEqual([]);
    } finally {
      await flow.stop();
    }
    expect(events('git.connected')).toHaveLength(1);
  });

  test('any other instance integrates the staging ref once and never writes to the repository', async () => {
    await stage('Read only');
    const before = await refs();
    const flow = workflow(false);
    flow.start();
    try {
      const task = await until(() => tasks()[0], 'the task');
      expect((task.source as { origin: { buildId: unknown; ref: string } }).origin).toMatchObject({
        buildId: null,
        ref: 'refs/staging/dev',
      });
      expect(lines.join('')).toMatch(
        /git \(read-only\): would create build qtci\/dev\/\d+; integrating refs\/staging\/dev/,
      );
      finish(task.id, 'Passed');
      await until(() => events('git.would-approve').length === 1, 'what it would approve');
      expect(flow.facts().integrated).toEqual([
        { key: 'demo/tool/dev', taskId: task.id, changes: [expect.objectContaining({ number: null })] },
      ]);
      // looked at again after the report: the same staging state is not integrated twice
      await until(() => flow.facts().looking.length === 0, 'the look after the report');
      expect(tasks()).toHaveLength(1);
    } finally {
      await flow.stop();
    }
    expect(await refs()).toBe(before);
    expect(flow.mode).not.toHaveProperty('source.createBuild');
  });
});
