// One contract test for every change source (runner/core/change-source.ts): Gerrit against the
// Gerrit fake (test/integration/gerrit/gerrit-change-source.test.ts) and a plain git repository
// against real repositories (test/integration/sources/git-change-source.test.ts). Each source
// gets the same scenarios of the staging workflow: staged, built, passed, failed, followed.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ChangeSourceRefusal,
  type ChangeName,
  type ChangeSource,
  type SourceEvent,
} from '../../runner/core/change-source';
import { buildIdFor } from '../../runner/core/gerrit/gerrit-protocol';
import { runGit } from '../helpers/git-repo';
import { makeTempDir } from '../helpers/temp-dir';

/** Who stages changes in the scenarios. */
export const contractDev = { name: 'Dev', email: 'dev@example.invalid', username: 'dev' };

export interface StageInput {
  project: string;
  branch: string;
  subject: string;
  files: Record<string, string>;
  owner: typeof contractDev;
}

/** A source under test and the means to act on it as people would. */
export interface ChangeSourceHarness {
  /** A new source that follows `projects`, its mirror in `mirrorDir` (close() it). */
  open(projects: readonly string[], mirrorDir: string): ChangeSource;
  /** A project whose `branch` holds one commit of `files`; its sha. */
  createProject(project: string, branch: string, files: Record<string, string>): Promise<string>;
  /** A new change on top of the branch, staged by its owner. */
  stageChange(input: StageInput): Promise<ChangeName>;
  /** The sha a branch points at, at the source. */
  branchHead(project: string, branch: string): Promise<string>;
  stop(): Promise<void>;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function changeSourceContract(name: string, setup: () => Promise<ChangeSourceHarness>): void {
  describe(`${name} satisfies the change-source contract`, () => {
    let h: ChangeSourceHarness;
    let n = 0;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.stop();
    });

    /** A new project with one commit on dev. */
    async function project(): Promise<string> {
      const p = `contract/p${++n}`;
      await h.createProject(p, 'dev', { 'README.md': 'readme\n' });
      return p;
    }

    const stage = (p: string, subject: string, file: string) =>
      h.stageChange({
        project: p,
        branch: 'dev',
        subject,
        files: { [file]: `${subject}\n` },
        owner: contractDev,
      });

    async function withSource(projects: string[], body: (s: ChangeSource, mirror: string) => Promise<void>) {
      const dir = await makeTempDir('change-source-mirror-');
      const source = h.open(projects, dir.path);
      try {
        await body(source, dir.path);
      } finally {
        await source.close();
        await dir.remove();
      }
    }

    const idsOf = async (list: Promise<{ id: string; project: string }[]>, p: string) =>
      (await list).filter((c) => c.project === p).map((c) => c.id);

    test('a staged change is listed with its owner, and the staging ref carries it', async () => {
      const p = await project();
      const a = await stage(p, 'Add a', 'a.txt');
      await withSource([p], async (source) => {
        const staged = (await source.stagedChanges()).filter((c) => c.project === p);
        expect(staged).toEqual([
          expect.objectContaining({
            ...a,
            branch: 'dev',
            subject: 'Add a',
            status: 'staged',
            owner: contractDev.email,
          }),
        ]);
        expect(staged[0]!.updatedAt).toEqual(expect.any(Number));
        expect((await source.openChanges(p, 'dev')).map((c) => [c.id, c.status])).toContainEqual([
          a.id,
          'staged',
        ]);
        expect(await idsOf(source.integratingChanges(), p)).toEqual([]);
        const commits = await source.listCommits(p, source.stagingRef('dev'), 'dev');
        expect(commits).toEqual([expect.objectContaining({ ...a, subject: 'Add a' })]);
        const fetched = await source.fetch(p, source.stagingRef('dev'));
        expect(fetched.sha).toBe(commits[0]!.sha);
        expect(await runGit(fetched.repo, ['show', `${fetched.sha}:a.txt`])).toBe('Add a');
        expect(fetched.searchRoots).toContain(path.dirname(fetched.repo));
      });
    });

    test('a build freezes what is staged: its changes integrate until a pass moves the branch to it', async () => {
      const p = await project();
      const a = await stage(p, 'First', 'a.txt');
      const b = await stage(p, 'Second', 'b.txt');
      await withSource([p], async (source) => {
        const buildId = buildIdFor('dev', 1000 + n);
        const ref = await source.createBuild(p, 'dev', buildId);
        expect(ref).toBe(`refs/builds/${buildId}`);
        expect((await source.listCommits(p, ref!, 'dev')).map((c) => c.id)).toEqual([a.id, b.id]);
        expect((await idsOf(source.integratingChanges(), p)).sort()).toEqual([a.id, b.id].sort());
        expect(await idsOf(source.stagedChanges(), p)).toEqual([]);
        expect(await source.createBuild(p, 'dev', buildIdFor('dev', 2000 + n))).toBeNull();
        const c = await stage(p, 'Third', 'c.txt');
        expect(await idsOf(source.stagedChanges(), p)).toEqual([c.id]);
        const built = await source.fetch(p, ref!);
        await source.report({ project: p, branch: 'dev', buildId }, 'pass', 'Continuous Integration: Passed');
        expect(await h.branchHead(p, 'dev')).toBe(built.sha);
        expect(await idsOf(source.integratingChanges(), p)).toEqual([]);
        expect(await idsOf(source.stagedChanges(), p)).toEqual([c.id]);
        expect((await source.listCommits(p, source.stagingRef('dev'), 'dev')).map((x) => x.id)).toEqual([
          c.id,
        ]);
      });
    });

    test("a failed build's changes leave the workflow; changes staged after it stay staged", async () => {
      const p = await project();
      const d = await stage(p, 'Breaks', 'd.txt');
      await withSource([p], async (source) => {
        const before = await h.branchHead(p, 'dev');
        const buildId = buildIdFor('dev', 3000 + n);
        expect(await source.createBuild(p, 'dev', buildId)).toBe(`refs/builds/${buildId}`);
        const e = await stage(p, 'Fine', 'e.txt');
        await source.report({ project: p, branch: 'dev', buildId }, 'fail', 'Continuous Integration: Failed');
        expect(await h.branchHead(p, 'dev')).toBe(before);
        expect(await idsOf(source.integratingChanges(), p)).toEqual([]);
        expect(await idsOf(source.stagedChanges(), p)).toEqual([e.id]);
        const staging = await source.listCommits(p, source.stagingRef('dev'), 'dev');
        expect(staging.map((c) => c.id)).toEqual([e.id]);
        expect(staging.map((c) => c.id)).not.toContain(d.id);
      });
    });

    test('a report of a build the source does not know is refused', async () => {
      const p = await project();
      await withSource([p], async (source) => {
        const unknown = { project: p, branch: 'dev', buildId: buildIdFor('dev', 1) };
        await expect(source.report(unknown, 'pass', 'x')).rejects.toBeInstanceOf(ChangeSourceRefusal);
        expect(await source.createBuild(p, 'dev', buildIdFor('dev', 2))).toBeNull();
      });
    });

    test('a watch connects first, then tells a change staged meanwhile; stop ends it', async () => {
      const p = await project();
      await withSource([p], async (source) => {
        const connected: boolean[] = [];
        const events: SourceEvent[] = [];
        const watch = source.watch({
          connected: async (again) => void connected.push(again),
          disconnected: () => undefined,
          changed: (event) => events.push(event),
          unreadable: () => undefined,
        });
        try {
          await until(() => connected.length > 0, 'the connection');
          expect(connected).toEqual([false]);
          const f = await stage(p, 'Followed', 'f.txt');
          await until(
            () => events.some((e) => e.type === 'change-staged' && e.id === f.id),
            'the staged event',
          );
          expect(events.find((e) => e.id === f.id)).toMatchObject({
            ...f,
            project: p,
            branch: 'dev',
            subject: 'Followed',
            owner: contractDev.email,
          });
        } finally {
          await watch.stop();
        }
      });
    });

    test('the projects a dependencies.yaml names are fetched into the mirror with their branches', async () => {
      const owner = `deps${++n}`;
      const toolSha = await h.createProject(`${owner}/tool`, 'dev', {
        'tool.c': 'int main(void) { return 0; }\n',
      });
      const dependencies = `dependencies:\n  ../tool:\n    ref: ${toolSha}\n    required: true\n`;
      await h.createProject(`${owner}/consumer`, 'dev', { 'dependencies.yaml': dependencies });
      await withSource([`${owner}/tool`, `${owner}/consumer`], async (source, mirror) => {
        const fetched = await source.fetch(`${owner}/consumer`, 'refs/heads/dev');
        await source.fetchDependencies(`${owner}/consumer`, fetched.sha);
        const toolMirror = path.join(mirror, owner, 'tool');
        expect(await runGit(toolMirror, ['rev-parse', 'refs/gerrit/heads/dev'])).toBe(toolSha);
        expect(fetched.searchRoots).toContain(path.join(mirror, owner));
      });
    });
  });
}
