/**
 * What an update of a deployment would do, read from its checkout on the instance's host after a
 * `git fetch`: the branch and its upstream, the incoming commits, local commits and changes that
 * would stop a fast-forward, whether the dependencies change, and why it cannot run now.
 */
import { DeskError } from '../../common/desk-api';
import type { ConnectionProfile } from '../../common/instance-schemas';
import type { UpdatePlan } from '../../common/maintenance-contract';
import type { Host } from '../host/host';
import { GitError, gitOutput, runGit } from './host-git';

/** Incoming commits listed at most. */
export const maxIncoming = 100;

/** The deployment checkout of a profile; a local profile without one runs the app's own runner. */
export function coinDirOf(profile: ConnectionProfile): string {
  if (!profile.coinDir)
    throw new DeskError(
      'bad-input',
      `${profile.name} runs the runner bundled with this app (no Coin directory): there is no deployment checkout to update`,
    );
  return profile.coinDir;
}

/** The facts blockers are decided on. */
export interface PlanFacts {
  branch: string | null;
  upstream: string | null;
  /** Commits of the upstream HEAD does not have. */
  behind: number;
  ahead: number;
  dirty: readonly string[];
  fetchError: string | null;
  /** When an update of this instance is running, since when. */
  runningSince: string | null;
}

/** Why an update cannot run now (empty: it can). */
export function planBlockers(facts: PlanFacts): string[] {
  const blockers: string[] = [];
  if (facts.runningSince)
    blockers.push(`an update of this instance is already running (since ${facts.runningSince})`);
  if (facts.fetchError)
    blockers.push(`git fetch failed, so the upstream may be older than shown: ${facts.fetchError}`);
  if (facts.dirty.length)
    blockers.push(
      `the checkout has local changes (${facts.dirty.length} path${facts.dirty.length === 1 ? '' : 's'} in git status): production must follow its upstream branch; bring the changes upstream or discard them`,
    );
  if (facts.branch === null) blockers.push('HEAD is detached: check out the production branch');
  else if (facts.upstream === null)
    blockers.push(`the branch ${facts.branch} has no upstream: set it with git branch --set-upstream-to`);
  if (facts.upstream !== null && facts.ahead > 0)
    blockers.push(
      facts.behind > 0
        ? `the checkout and ${facts.upstream} have diverged (${facts.ahead} local commit(s), ${facts.behind} incoming): git pull --ff-only cannot fast-forward`
        : `the checkout has ${facts.ahead} commit(s) ${facts.upstream} does not have: production must follow its upstream branch`,
    );
  if (facts.upstream !== null && facts.ahead === 0 && facts.behind === 0 && !facts.fetchError)
    blockers.push(`already at ${facts.upstream}: nothing to update`);
  return blockers;
}

/** `git log --format=%H%x1f%s%x1f%an%x1f%cI` lines as commits. */
export function parseIncoming(text: string): UpdatePlan['incoming'] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [sha = '', subject = '', author = '', date = ''] = line.split('\x1f');
      return { sha, subject, author, date };
    });
}

/** Fetch the upstream of the checkout at `coinDir` on `host` and read the plan. */
export async function readUpdatePlan(
  host: Host,
  coinDir: string,
  runningSince: string | null,
): Promise<UpdatePlan> {
  const fetched = await runGit(host, coinDir, ['fetch'], 180_000).catch((error: Error) => ({
    code: 1,
    signal: null,
    stdout: '',
    stderr: error.message,
  }));
  const fetchOutput = `${fetched.stdout}${fetched.stderr}`.trim();
  const fetchError =
    fetched.code === 0 ? null : fetchOutput.split('\n').slice(-3).join(' ') || `exit ${fetched.code}`;
  const head = await gitOutput(host, coinDir, ['rev-parse', 'HEAD']).catch((error: unknown) => {
    throw new DeskError(
      'failed',
      `${coinDir} on ${host.description} is not a git checkout: ${(error as Error).message}`,
    );
  });
  const [branch, upstream, status] = await Promise.all([
    optional(gitOutput(host, coinDir, ['symbolic-ref', '--short', '-q', 'HEAD'])),
    optional(gitOutput(host, coinDir, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'])),
    gitOutput(host, coinDir, ['status', '--porcelain']),
  ]);
  const dirty = status.split('\n').filter((line) => line.trim() !== '');
  const towards = upstream ? await compareWithUpstream(host, coinDir) : null;
  const blockers = planBlockers({
    branch,
    upstream,
    behind: towards?.behind ?? 0,
    ahead: towards?.ahead ?? 0,
    dirty,
    fetchError,
    runningSince,
  });
  return {
    coinDir,
    branch,
    upstream,
    head,
    target: towards?.target ?? null,
    incoming: towards?.incoming ?? [],
    ahead: towards?.ahead ?? 0,
    dirty,
    dependenciesChange: towards?.dependenciesChange ?? false,
    blockers,
    fetchOutput,
  };
}

async function compareWithUpstream(host: Host, coinDir: string) {
  const [target, log, counts, lockDiff] = await Promise.all([
    gitOutput(host, coinDir, ['rev-parse', '@{u}']),
    gitOutput(host, coinDir, [
      'log',
      `--format=%H%x1f%s%x1f%an%x1f%cI`,
      '-n',
      String(maxIncoming),
      'HEAD..@{u}',
    ]),
    // "<commits only in HEAD>\t<commits only in the upstream>"
    gitOutput(host, coinDir, ['rev-list', '--left-right', '--count', 'HEAD...@{u}']),
    runGit(host, coinDir, ['diff', '--quiet', 'HEAD', '@{u}', '--', 'package-lock.json']),
  ]);
  const [ahead = 0, behind = 0] = counts.trim().split(/\s+/).map(Number);
  if (lockDiff.code !== 0 && lockDiff.code !== 1) throw new GitError(['diff', '--quiet'], lockDiff);
  return {
    target,
    incoming: parseIncoming(log),
    behind,
    ahead,
    dependenciesChange: lockDiff.code === 1,
  };
}

/** Whether package-lock.json differs between two commits of the checkout. */
export async function lockfileChanges(
  host: Host,
  coinDir: string,
  from: string,
  to: string,
): Promise<boolean> {
  const result = await runGit(host, coinDir, ['diff', '--quiet', from, to, '--', 'package-lock.json']);
  if (result.code !== 0 && result.code !== 1) throw new GitError(['diff', '--quiet', from, to], result);
  return result.code === 1;
}

/** The value, or null when the command failed (no branch, no upstream). */
async function optional(value: Promise<string>): Promise<string | null> {
  try {
    return (await value) || null;
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}
