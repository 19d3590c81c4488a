import { describe, expect, test } from 'vitest';
import type { SourceChange, SourceCommit } from '../../../../runner/core/change-source';
import {
  onlyDependencies,
  stagedTestedChange,
  testedChangeNames,
} from '../../../../runner/core/tested-change';

const commit: SourceCommit = { id: '12', number: 12, sha: 'a'.repeat(40), patchSet: 3, subject: 'Fix it' };
const change: SourceChange = {
  id: '12',
  number: 12,
  project: 'qt/qtbase',
  branch: 'dev',
  subject: 'Fix it',
  status: 'staged',
  owner: 'owner@example.invalid',
  updatedAt: Date.UTC(2025, 0, 2),
  patchSet: 3,
  url: 'https://codereview.example/c/qt/qtbase/+/12',
};

describe('tested-change records', () => {
  test('a Gerrit change: its number and patch set, owner and staged time from Gerrit', () => {
    const record = stagedTestedChange('gerrit', commit, {
      change,
      author: 'author@example.invalid',
      files: ['dependencies.yaml'],
      restagedByHand: true,
      now: 0,
    });
    expect(record).toEqual({
      kind: 'gerrit-change',
      change: 12,
      patchSet: 3,
      subject: 'Fix it',
      sha: commit.sha,
      owner: 'owner@example.invalid',
      onlyDependencies: true,
      restagedByHand: true,
      stagedAt: '2025-01-02T00:00:00.000Z',
      url: change.url,
    });
  });

  test('what the source does not say comes from git and the clock', () => {
    const record = stagedTestedChange('gerrit', commit, {
      change: undefined,
      author: 'author@example.invalid',
      files: ['src/a.cpp', 'dependencies.yaml'],
      restagedByHand: false,
      now: Date.UTC(2025, 5, 1),
    });
    expect(record).toMatchObject({
      owner: 'author@example.invalid',
      onlyDependencies: false,
      stagedAt: '2025-06-01T00:00:00.000Z',
      url: null,
    });
  });

  test('a git change is named by its id; a Gerrit change without a number is an error', () => {
    const git = { ...commit, id: 'I0abc', number: null, patchSet: null };
    const facts = { change: undefined, author: 'a@b', files: [], restagedByHand: false, now: 0 };
    expect(stagedTestedChange('git', git, facts)).toMatchObject({ kind: 'git-change', change: 'I0abc' });
    expect(() => stagedTestedChange('gerrit', git, facts)).toThrow(/no number/);
  });

  test('the changes named in stored records; a local commit names none', () => {
    expect(
      testedChangeNames([
        { kind: 'gerrit-change', change: 7 },
        { kind: 'git-change', change: 'I0abc' },
        { kind: 'local-commit', sha: 'b'.repeat(40) },
      ]),
    ).toEqual([
      { id: '7', number: 7 },
      { id: 'I0abc', number: null },
    ]);
  });

  test('a dependency update changes dependencies.yaml and nothing else', () => {
    expect(onlyDependencies(['dependencies.yaml'])).toBe(true);
    expect(onlyDependencies([])).toBe(false);
    expect(onlyDependencies(['dependencies.yaml', 'README'])).toBe(false);
  });
});
