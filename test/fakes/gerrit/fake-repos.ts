/**
 * The Gerrit fake's git side: one real bare repository per project (`<root>/git/<project>.git`),
 * the way Gerrit keeps them, and one worktree of it per project where the fake cherry-picks
 * changes onto the staging ref. Refs: refs/heads/<branch>, refs/changes/NN/<change>/<ps>,
 * refs/staging/<branch>, refs/builds/<id>.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitEnv, runGit } from '../../helpers/git-repo';

/** Who commits in the fake (authors come from the change owners). */
const committer = {
  GIT_COMMITTER_NAME: 'Gerrit Code Review',
  GIT_COMMITTER_EMAIL: 'gerrit@example.invalid',
};

/** refs/changes/NN/<change>/<ps>: NN is the change number's last two digits. */
export function changeRef(change: number, patchSet: number): string {
  return `refs/changes/${String(change % 100).padStart(2, '0')}/${change}/${patchSet}`;
}

/** A project's repositories. */
export class FakeRepo {
  readonly bare: string;
  private readonly work: string;

  constructor(
    root: string,
    readonly project: string,
  ) {
    this.bare = path.join(root, 'git', `${project}.git`);
    this.work = path.join(root, 'work', project);
  }

  /** Create the bare repository with `branch` holding one commit of `files`. */
  async create(branch: string, files: Record<string, string>): Promise<string> {
    await mkdir(this.bare, { recursive: true });
    await runGit(this.bare, ['init', '-q', '--bare', '-b', branch]);
    await mkdir(this.work, { recursive: true });
    await this.git(['init', '-q', '-b', 'scratch']);
    const sha = await this.commitFiles(
      null,
      files,
      'Initial commit',
      { name: 'Admin', email: 'admin@example.invalid' },
      null,
    );
    await this.updateRef(`refs/heads/${branch}`, sha);
    return sha;
  }

  private git(args: string[], env = gitEnv(committer)): Promise<string> {
    return runGit(this.work, args, env);
  }

  /** Make the scratch worktree hold exactly `sha` (objects fetched from the bare repository). */
  private async checkout(sha: string | null): Promise<void> {
    if (sha === null) {
      await this.git(['checkout', '-q', '--orphan', `orphan-${Date.now()}`]);
      await this.git(['rm', '-rfq', '--ignore-unmatch', '.']);
      return;
    }
    await this.git(['fetch', '-q', this.bare, sha]);
    await this.git(['checkout', '-q', '--detach', '-f', sha]);
    await this.git(['clean', '-fdqx']);
  }

  /**
   * A commit on top of `parent` with `files` written, by `author`; a Change-Id trailer when given.
   * The commit is pushed to the bare repository under a temporary ref and returned.
   */
  async commitFiles(
    parent: string | null,
    files: Record<string, string>,
    subject: string,
    author: { name: string; email: string },
    changeId: string | null,
  ): Promise<string> {
    await this.checkout(parent);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(this.work, file)), { recursive: true });
      await writeFile(path.join(this.work, file), content);
    }
    await this.git(['add', '-A']);
    const message = changeId ? `${subject}\n\nChange-Id: ${changeId}\n` : subject;
    const env = gitEnv({ ...committer, GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email });
    await this.git(['commit', '-q', '--allow-empty', '-m', message], env);
    const sha = await this.git(['rev-parse', 'HEAD']);
    await this.git(['push', '-q', this.bare, `+${sha}:refs/fake/last`]);
    return sha;
  }

  /** Cherry-pick `commit` onto `onto`; the new commit's sha, or null on a merge conflict. */
  async cherryPick(onto: string, commit: string): Promise<string | null> {
    await this.checkout(onto);
    await this.git(['fetch', '-q', this.bare, commit]);
    try {
      await this.git(['cherry-pick', '--allow-empty', '--keep-redundant-commits', commit]);
    } catch {
      await this.git(['cherry-pick', '--abort']).catch(() => undefined);
      return null;
    }
    const sha = await this.git(['rev-parse', 'HEAD']);
    await this.git(['push', '-q', this.bare, `+${sha}:refs/fake/last`]);
    return sha;
  }

  /** Point `ref` at `sha` in the bare repository. */
  async updateRef(ref: string, sha: string): Promise<void> {
    await runGit(this.bare, ['update-ref', ref, sha]);
  }

  async deleteRef(ref: string): Promise<void> {
    await runGit(this.bare, ['update-ref', '-d', ref]).catch(() => undefined);
  }

  /** The sha of `ref`, or null. */
  async resolve(ref: string): Promise<string | null> {
    return runGit(this.bare, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => null);
  }

  /** Commits reachable from `ref` and not from `exclude`, oldest first. */
  async commitsBetween(ref: string, exclude: string): Promise<string[]> {
    const out = await runGit(this.bare, ['rev-list', '--reverse', ref, `^${exclude}`]);
    return out.split('\n').filter(Boolean);
  }

  /** True when `ancestor` is an ancestor of (or equal to) `descendant`. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return runGit(this.bare, ['merge-base', '--is-ancestor', ancestor, descendant]).then(
      () => true,
      () => false,
    );
  }
}
