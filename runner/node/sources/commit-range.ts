/**
 * What "since green" reads from git: the commits between two revisions of a repository and a
 * file as it was at a revision. git runs with an explicit environment; a revision the repository
 * no longer has is said in words, not thrown.
 */
import { simpleGit, type SimpleGit } from 'simple-git';
import { childEnv } from '../child-env';

function git(repo: string): SimpleGit {
  return simpleGit({ baseDir: repo }).env(childEnv({ GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' }));
}

/** One commit as the comparison lists it. */
export interface CommitLine {
  sha: string;
  subject: string;
  author: string;
  time: string;
}

const separator = '\u001f';

/**
 * The commits reachable from `to` and not from `from`, newest first, at most `max`; the note says
 * why the list is empty or cut (unknown revisions, a missing repository, more than `max`).
 */
export async function commitsBetween(
  repo: string,
  from: string,
  to: string,
  max = 200,
): Promise<{ commits: CommitLine[]; note: string | null }> {
  const format = ['%H', '%s', '%an <%ae>', '%cI'].join(separator);
  let text: string;
  try {
    text = await git(repo).raw(['log', `--format=${format}`, `--max-count=${max + 1}`, `${from}..${to}`]);
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    return {
      commits: [],
      note: `git cannot list ${from.slice(0, 12)}..${to.slice(0, 12)} in ${repo}: ${why}`,
    };
  }
  const commits = text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', subject = '', author = '', time = ''] = line.split(separator);
      return { sha, subject, author, time };
    });
  if (commits.length <= max) return { commits, note: null };
  return { commits: commits.slice(0, max), note: `more than ${max} commits: the newest ${max} are listed` };
}

/** The text of `file` at `sha`, or undefined when the revision has no such file. */
export async function fileAt(repo: string, sha: string, file: string): Promise<string | undefined> {
  try {
    return await git(repo).show([`${sha}:${file}`]);
  } catch {
    return undefined;
  }
}
