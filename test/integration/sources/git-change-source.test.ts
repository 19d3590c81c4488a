// A plain git repository as a change source (runner/node/sources/git-change-source.ts) against
// real bare repositories that a developer's clone pushes to: the one change-source contract, and
// what only git has (the report's message as a note, a change without a Change-Id).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChangeSourceRefusal, type ChangeName } from '../../../runner/core/change-source';
import { buildIdFor } from '../../../runner/core/gerrit/gerrit-protocol';
import { GitChangeSource } from '../../../runner/node/sources/git-change-source';
import { GitMirror } from '../../../runner/node/sources/git-mirror';
import {
  changeSourceContract,
  type ChangeSourceHarness,
  type StageInput,
} from '../../contracts/change-source-contract';
import { gitEnv, runGit } from '../../helpers/git-repo';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

/** Bare repositories `<root>/git/<project>.git` and a developer's clone of each. */
/** The contract's harness, plus the bare repositories and staging without a Change-Id. */
interface GitHarness extends ChangeSourceHarness {
  root: TempDir;
  bare(project: string): string;
  stageChange(input: StageInput & { changeId?: string | null }): Promise<ChangeName>;
}

async function gitHarness(): Promise<GitHarness> {
  const root = await makeTempDir('git-source-');
  const bare = (project: string) => path.join(root.path, 'git', `${project}.git`);
  const work = (project: string) => path.join(root.path, 'work', project);
  const author = (a: { name: string; email: string }) =>
    gitEnv({
      GIT_AUTHOR_NAME: a.name,
      GIT_AUTHOR_EMAIL: a.email,
      GIT_COMMITTER_NAME: a.name,
      GIT_COMMITTER_EMAIL: a.email,
    });

  async function commit(project: string, files: Record<string, string>, message: string, who = admin) {
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work(project), file)), { recursive: true });
      await writeFile(path.join(work(project), file), content);
    }
    await runGit(work(project), ['add', '-A']);
    await runGit(work(project), ['commit', '-q', '--allow-empty', '-m', message], author(who));
    return runGit(work(project), ['rev-parse', 'HEAD']);
  }

  async function stage(input: StageInput & { changeId?: string | null }) {
    const { project, branch } = input;
    await runGit(work(project), [
      'fetch',
      '-q',
      bare(project),
      `+refs/heads/*:refs/remotes/src/*`,
      '+refs/staging/*:refs/remotes/staging/*',
    ]);
    const base = await runGit(work(project), [
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/remotes/staging/${branch}`,
    ]).catch(() => `refs/remotes/src/${branch}`);
    await runGit(work(project), ['checkout', '-q', '--detach', base]);
    const changeId = input.changeId === undefined ? `I${randomBytes(20).toString('hex')}` : input.changeId;
    const message = changeId ? `${input.subject}\n\nChange-Id: ${changeId}\n` : input.subject;
    const sha = await commit(project, input.files, message, input.owner);
    await runGit(work(project), ['push', '-q', bare(project), `HEAD:refs/staging/${branch}`]);
    return { id: changeId ?? sha, number: null };
  }

  return {
    root,
    bare,
    open: (projects, mirrorDir) =>
      new GitChangeSource({
        mirror: new GitMirror({ dir: mirrorDir, urlPrefix: `${path.join(root.path, 'git')}/` }),
        projects,
        pollMs: 100,
        initialBackoffMs: 50,
      }),
    createProject: async (project, branch, files) => {
      await mkdir(bare(project), { recursive: true });
      await runGit(bare(project), ['init', '-q', '--bare', '-b', branch]);
      await mkdir(work(project), { recursive: true });
      await runGit(work(project), ['init', '-q', '-b', branch]);
      const sha = await commit(project, files, 'Initial commit');
      await runGit(work(project), ['push', '-q', bare(project), `HEAD:refs/heads/${branch}`]);
      return sha;
    },
    stageChange: stage,
    branchHead: (project, branch) => runGit(bare(project), ['rev-parse', `refs/heads/${branch}`]),
    stop: () => root.remove(),
  };
}

const admin = { name: 'Admin', email: 'admin@example.invalid' };

changeSourceContract('a plain git repository', gitHarness);

describe('a plain git repository: what only git has', () => {
  let h: GitHarness;
  let mirror: TempDir;
  const dev = { name: 'Dev', email: 'dev@example.invalid', username: 'dev' };

  beforeAll(async () => {
    h = await gitHarness();
    mirror = await makeTempDir('git-source-mirror-');
  });
  afterAll(async () => {
    await mirror?.remove();
    await h?.stop();
  });

  const stage = (project: string, subject: string, changeId?: string | null) =>
    h.stageChange({
      project,
      branch: 'dev',
      subject,
      files: { [`${subject}.txt`]: 'x\n' },
      owner: dev,
      changeId,
    });

  test("a report's message is a note on the build's commit; the build ref is gone", async () => {
    await h.createProject('notes/p', 'dev', { 'README.md': 'r\n' });
    await stage('notes/p', 'noted');
    const source = h.open(['notes/p'], mirror.path);
    try {
      const buildId = buildIdFor('dev', 1);
      await source.createBuild('notes/p', 'dev', buildId);
      const built = await source.fetch('notes/p', `refs/builds/${buildId}`);
      const message = 'Continuous Integration: Passed\n\nDetails: http://127.0.0.1/coin/#/tasks/t1';
      await source.report({ project: 'notes/p', branch: 'dev', buildId }, 'pass', message);
      expect(await runGit(h.bare('notes/p'), ['notes', '--ref=coin', 'show', built.sha])).toBe(message);
      await expect(
        runGit(h.bare('notes/p'), ['rev-parse', '--verify', `refs/builds/${buildId}`]),
      ).rejects.toThrow();
      // the same build cannot be reported twice
      await expect(
        source.report({ project: 'notes/p', branch: 'dev', buildId }, 'fail', 'again'),
      ).rejects.toThrow(/build not found/);
    } finally {
      await source.close();
    }
  });

  test('a change without a Change-Id is named by its sha', async () => {
    await h.createProject('plain/p', 'dev', { 'README.md': 'r\n' });
    const change = await stage('plain/p', 'no-id', null);
    const source = h.open(['plain/p'], mirror.path);
    try {
      expect(change.id).toMatch(/^[0-9a-f]{40}$/);
      expect((await source.stagedChanges()).map((c) => c.id)).toEqual([change.id]);
    } finally {
      await source.close();
    }
  });

  test('a branch the repository has checked out cannot be moved: the pass is refused', async () => {
    await h.createProject('checked/p', 'dev', { 'README.md': 'r\n' });
    await stage('checked/p', 'refused');
    const bare = h.bare('checked/p');
    await runGit(bare, ['config', 'core.bare', 'false']);
    await runGit(bare, ['config', 'receive.denyCurrentBranch', 'refuse']);
    const source = h.open(['checked/p'], mirror.path);
    try {
      const buildId = buildIdFor('dev', 2);
      await source.createBuild('checked/p', 'dev', buildId);
      const refusal = await source
        .report({ project: 'checked/p', branch: 'dev', buildId }, 'pass', 'm')
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ChangeSourceRefusal);
      expect(await runGit(bare, ['rev-parse', '--verify', `refs/builds/${buildId}`])).toMatch(
        /^[0-9a-f]{40}$/,
      );
    } finally {
      await source.close();
    }
  });

  test('a watch whose repository goes away disconnects, and connects again when it is back', async () => {
    await h.createProject('moved/p', 'dev', { 'README.md': 'r\n' });
    const source = h.open(['moved/p'], mirror.path);
    const connected: boolean[] = [];
    const errors: string[] = [];
    const watch = source.watch({
      connected: async (again) => void connected.push(again),
      disconnected: (error) => void errors.push(error ?? ''),
      changed: () => undefined,
      unreadable: () => undefined,
    });
    try {
      await until(() => connected.length === 1);
      await rename(h.bare('moved/p'), `${h.bare('moved/p')}.away`);
      await until(() => errors.length > 0);
      expect(errors[0]).toMatch(/git ls-remote failed/);
      await rename(`${h.bare('moved/p')}.away`, h.bare('moved/p'));
      await until(() => connected.length === 2);
      expect(connected).toEqual([false, true]);
    } finally {
      await watch.stop();
      await source.close();
    }
  });
});

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
