// The refs a cherry-pick precheck keeps in the project's mirror, on a real git repository: a pick
// is kept under refs/coin/prechecks/<change>/<patch set>, a newer patch set of the same change
// drops the older one's ref, and only the newest picks are kept in all.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { childEnv } from '../../../runner/node/child-env';
import {
  cherryPickOnto,
  precheckPickRef,
  prunePrecheckRefs,
} from '../../../runner/node/gerrit/precheck-cherry-pick';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const run = promisify(execFile);
const env = childEnv({
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@localhost',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@localhost',
});
let dir: TempDir;
let repo: string;

const git = async (...args: string[]) => (await run('git', args, { cwd: repo, env })).stdout.trim();

/** A commit on top of `parent` changing `file`; returns its sha (no branch moves). */
async function commitOn(parent: string, file: string, text: string, date: number): Promise<string> {
  await git('checkout', '-q', '--detach', parent);
  await writeFile(path.join(repo, file), text);
  await git('add', file);
  const stamp = `${date} +0000`;
  await run('git', ['commit', '-q', '-m', `${file} ${text.trim()}`], {
    cwd: repo,
    env: { ...env, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp },
  });
  return git('rev-parse', 'HEAD');
}

const precheckRefs = async () =>
  (await git('for-each-ref', '--format=%(refname)', 'refs/coin/prechecks/'))
    .split('\n')
    .filter(Boolean)
    .sort();

beforeEach(async () => {
  dir = await makeTempDir('precheck-refs-');
  repo = dir.path;
  await git('init', '-q', '-b', 'dev');
  await writeFile(path.join(repo, 'base.txt'), 'base\n');
  await git('add', 'base.txt');
  await git('commit', '-q', '-m', 'base');
});
afterEach(async () => {
  await dir.remove();
});

test("a change's newer patch set drops the older one's ref; the picks are real commits onto the tip", async () => {
  const base = await git('rev-parse', 'HEAD');
  const tip = await commitOn(base, 'tip.txt', 'newer tip\n', 1_700_000_000);
  const ps1 = await commitOn(base, 'mine.txt', 'one\n', 1_700_000_100);
  const ps2 = await commitOn(base, 'mine.txt', 'two\n', 1_700_000_200);
  const other = await commitOn(tip, 'other.txt', 'other\n', 1_700_000_300); // already on the tip

  const first = await cherryPickOnto(repo, ps1, tip, precheckPickRef(101, 1));
  expect(first).toMatchObject({ kind: 'picked', onto: tip });
  const picked = first.kind === 'picked' ? first.sha : '';
  expect(picked).not.toBe(ps1);
  expect(await git('rev-parse', `${picked}^`)).toBe(tip);
  expect(await git('show', `${picked}:mine.txt`)).toBe('one');
  expect(await git('rev-parse', precheckPickRef(101, 1))).toBe(picked);

  expect(await cherryPickOnto(repo, other, tip, precheckPickRef(202, 3))).toEqual({
    kind: 'picked',
    sha: other,
    onto: tip,
  });
  expect(await precheckRefs()).toEqual(['refs/coin/prechecks/101/1', 'refs/coin/prechecks/202/3']);

  await cherryPickOnto(repo, ps2, tip, precheckPickRef(101, 2));
  expect(await precheckRefs()).toEqual(['refs/coin/prechecks/101/2', 'refs/coin/prechecks/202/3']);
  expect(await git('show', `${precheckPickRef(101, 2)}:mine.txt`)).toBe('two');
  // No worktree is left behind.
  expect((await git('worktree', 'list')).split('\n')).toHaveLength(1);
});

test('only the newest picks are kept, the one just made always among them', async () => {
  const base = await git('rev-parse', 'HEAD');
  for (let change = 1; change <= 5; change++) {
    const sha = await commitOn(base, `c${change}.txt`, `${change}\n`, 1_700_000_000 + change * 100);
    await git('update-ref', precheckPickRef(change, 1), sha);
  }
  // Change 9's commit is older than all of them, but it is the one being built now.
  const old = await commitOn(base, 'c9.txt', '9\n', 1_600_000_000);
  await git('update-ref', precheckPickRef(9, 1), old);
  const deleted = await prunePrecheckRefs(repo, precheckPickRef(9, 1), 3);
  expect(deleted.sort()).toEqual([
    'refs/coin/prechecks/1/1',
    'refs/coin/prechecks/2/1',
    'refs/coin/prechecks/3/1',
  ]);
  expect(await precheckRefs()).toEqual([
    'refs/coin/prechecks/4/1',
    'refs/coin/prechecks/5/1',
    'refs/coin/prechecks/9/1',
  ]);
  expect(await prunePrecheckRefs(repo, precheckPickRef(9, 1), 3)).toEqual([]);
});
