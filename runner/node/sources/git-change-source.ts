/**
 * A plain git repository as a change source (runner/core/change-source.ts), for using the staging
 * workflow without Gerrit: people stage a change by pushing a commit on top of
 * `refs/staging/<branch>` (git-staging-refs.ts has the layout). The repositories are
 * `<urlPrefix><project>`: directories or URLs that git can fetch from and, for an instance that
 * writes, push to (a bare repository, or one whose checked-out branch is not the one built).
 *
 * Writing: a build is `refs/builds/<id>` pushed at the staging ref's tip; pass pushes the branch
 * forward to the build, fail rebuilds the staging ref without the build's changes; either removes
 * the build ref and keeps the message as a git note (`refs/notes/coin`) on the build's commit.
 * Each report is one atomic push. It is followed by polling (git-source-poller.ts).
 */
import {
  ChangeSourceRefusal,
  type BuildRef,
  type ChangeSource,
  type ChangeSourceListener,
  type FetchedRevision,
  type SourceChange,
  type SourceCommit,
  type SourceWatch,
} from '../../core/change-source';
import { GitCommandError, mirrorRef, type GitMirror } from './git-mirror';
import { GitSourcePoller } from './git-source-poller';
import { commitsOver, projectChanges, rebuiltStaging, resolve, type MirrorGit } from './git-staging-refs';

export interface GitChangeSourceOptions {
  mirror: GitMirror;
  /** The projects it follows (`<urlPrefix><project>` each). */
  projects: readonly string[];
  /** How often the repositories are looked at (ms; 2000 when not given). */
  pollMs?: number;
  /** First wait after a failed look (ms; 500 when not given, doubling up to 30 s). */
  initialBackoffMs?: number;
  /** Who commits the rebuilt staging ref and the notes. */
  committer?: { name: string; email: string };
}

/** The refs of the workflow, fetched into the mirror (a ref gone at the source goes there too). */
const workflowRefspecs = [
  '+refs/heads/*:refs/gerrit/heads/*',
  '+refs/staging/*:refs/gerrit/staging/*',
  '+refs/builds/*:refs/gerrit/builds/*',
  '+refs/notes/*:refs/gerrit/notes/*',
];

const notesRef = 'refs/notes/coin';

export class GitChangeSource implements ChangeSource {
  readonly kind = 'git' as const;
  readonly feed = 'git polling';
  /** Work on each project's mirror, one at a time (git locks refs while it writes them). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: GitChangeSourceOptions) {}

  private git(project: string): MirrorGit {
    return (args, env) => this.options.mirror.git(project, args, env);
  }

  /** Run `body` after every earlier operation on the project's mirror. */
  private serialized<T>(project: string, body: (git: MirrorGit) => Promise<T>): Promise<T> {
    const result = (this.queues.get(project) ?? Promise.resolve()).then(() => body(this.git(project)));
    this.queues.set(
      project,
      result.catch(() => undefined),
    );
    return result;
  }

  /** The workflow's refs of a project, fetched again. */
  private async refresh(project: string, git: MirrorGit): Promise<void> {
    await git(['fetch', '-q', '--no-tags', '--prune', this.options.mirror.url(project), ...workflowRefspecs]);
  }

  /** A project's changes as its repository shows them now. */
  changesOf(project: string): Promise<{ staged: SourceChange[]; integrating: SourceChange[] }> {
    return this.serialized(project, async (git) => {
      await this.refresh(project, git);
      return projectChanges(git, project);
    });
  }

  /** The refs of a project at the source (`ls-remote`): what the poller compares. */
  snapshot(project: string): Promise<string> {
    return this.serialized(project, (git) => git(['ls-remote', this.options.mirror.url(project)]));
  }

  watch(listener: ChangeSourceListener): SourceWatch {
    const poller = new GitSourcePoller(this, listener, {
      projects: this.options.projects,
      pollMs: this.options.pollMs ?? 2000,
      initialBackoffMs: this.options.initialBackoffMs ?? 500,
    });
    poller.start();
    return { stop: () => poller.stop() };
  }

  private async everyProject(
    pick: (c: { staged: SourceChange[]; integrating: SourceChange[] }) => SourceChange[],
  ) {
    const all = await Promise.all(this.options.projects.map((p) => this.changesOf(p)));
    return all.flatMap(pick);
  }

  stagedChanges(): Promise<SourceChange[]> {
    return this.everyProject((c) => c.staged);
  }

  integratingChanges(): Promise<SourceChange[]> {
    return this.everyProject((c) => c.integrating);
  }

  async openChanges(project: string, branch: string): Promise<SourceChange[]> {
    const { staged, integrating } = await this.changesOf(project);
    return [...staged, ...integrating].filter((c) => c.branch === branch);
  }

  stagingRef(branch: string): string {
    return `refs/staging/${branch}`;
  }

  listCommits(project: string, ref: string, branch: string): Promise<SourceCommit[]> {
    return this.serialized(project, async (git) => {
      await this.refresh(project, git);
      if (!(await resolve(git, mirrorRef(ref)))) throw new ChangeSourceRefusal(`ref not found: ${ref}`);
      const commits = await commitsOver(git, mirrorRef(ref), `refs/gerrit/heads/${branch}`);
      return commits.map(({ sha, id, number, patchSet, subject }) => ({
        sha,
        id,
        number,
        patchSet,
        subject,
      }));
    });
  }

  fetch(project: string, ref: string): Promise<FetchedRevision> {
    return this.serialized(project, () => this.options.mirror.fetch(project, ref));
  }

  fetchDependencies(project: string, sha: string): Promise<void> {
    return this.serialized(project, () => this.options.mirror.fetchDependencies(project, sha));
  }

  createBuild(project: string, branch: string, buildId: string): Promise<string | null> {
    return this.serialized(project, async (git) => {
      await this.refresh(project, git);
      if (await resolve(git, `refs/gerrit/builds/${buildId}`))
        throw new ChangeSourceRefusal(`Target build already exists: ${buildId}`);
      const { staged } = await projectChanges(git, project);
      if (!staged.some((c) => c.branch === branch)) return null;
      const tip = (await resolve(git, `refs/gerrit/staging/${branch}`))!;
      await this.push(project, git, [`${tip}:refs/builds/${buildId}`]);
      return `refs/builds/${buildId}`;
    });
  }

  report(build: BuildRef, result: 'pass' | 'fail', message: string): Promise<void> {
    return this.serialized(build.project, async (git) => {
      await this.refresh(build.project, git);
      const { project, branch, buildId } = build;
      const buildSha = await resolve(git, `refs/gerrit/builds/${buildId}`);
      if (!buildSha) throw new ChangeSourceRefusal(`build not found: ${buildId}`);
      const branchSha = await resolve(git, `refs/gerrit/heads/${branch}`);
      if (!branchSha) throw new ChangeSourceRefusal(`branch not found: ${branch}`);
      const moves =
        result === 'pass'
          ? await this.passMoves(git, build, buildSha, branchSha)
          : await this.failMoves(git, build, buildSha, branchSha);
      await this.note(git, buildSha, message);
      await this.push(project, git, [...moves, `:refs/builds/${buildId}`, `${notesRef}:${notesRef}`]);
    });
  }

  /** Pass: the branch moves forward to the build. */
  private async passMoves(
    git: MirrorGit,
    build: BuildRef,
    buildSha: string,
    branchSha: string,
  ): Promise<string[]> {
    const forward = await git(['merge-base', '--is-ancestor', branchSha, buildSha]).then(
      () => true,
      () => false,
    );
    if (!forward)
      throw new ChangeSourceRefusal(
        `branch ${build.branch} cannot be fast-forwarded to build ${build.buildId}`,
      );
    return [`${buildSha}:refs/heads/${build.branch}`];
  }

  /** Fail: the staging ref is the branch with only the changes staged after the build. */
  private async failMoves(
    git: MirrorGit,
    build: BuildRef,
    buildSha: string,
    branchSha: string,
  ): Promise<string[]> {
    const stagingRef = `refs/gerrit/staging/${build.branch}`;
    const staging = await resolve(git, stagingRef);
    if (!staging) return [];
    const built = new Set((await commitsOver(git, buildSha, branchSha)).map((c) => c.id));
    const after = (await commitsOver(git, staging, branchSha)).filter((c) => !built.has(c.id));
    const tip = await rebuiltStaging(git, after, branchSha, this.identity());
    return [
      `--force-with-lease=refs/staging/${build.branch}:${staging}`,
      `+${tip}:refs/staging/${build.branch}`,
    ];
  }

  /** The report's message as a note on the build's commit, on top of the source's notes. */
  private async note(git: MirrorGit, sha: string, message: string): Promise<void> {
    const theirs = await resolve(git, 'refs/gerrit/notes/coin');
    if (theirs) await git(['update-ref', notesRef, theirs]);
    else await git(['update-ref', '-d', notesRef]).catch(() => undefined);
    await git(['notes', `--ref=${notesRef}`, 'add', '-f', '-m', message, sha], this.identity());
  }

  private identity(): Record<string, string> {
    const { name, email } = this.options.committer ?? { name: 'Coin', email: 'coin@localhost' };
    return {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
  }

  /** One atomic push; a rejected update is a refusal (the source answered no). */
  private async push(project: string, git: MirrorGit, refspecs: readonly string[]): Promise<void> {
    const leases = refspecs.filter((r) => r.startsWith('--'));
    const updates = refspecs.filter((r) => !r.startsWith('--'));
    try {
      await git(['push', '-q', '--atomic', ...leases, this.options.mirror.url(project), ...updates]);
    } catch (error) {
      if (error instanceof GitCommandError && /rejected|stale info/.test(error.stderr))
        throw new ChangeSourceRefusal(error.stderr, { cause: error });
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }
}
