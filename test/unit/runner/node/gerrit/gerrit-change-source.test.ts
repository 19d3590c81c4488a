import { describe, expect, test } from 'vitest';
import { parseGerritEvent } from '../../../../../runner/core/gerrit/gerrit-protocol';
import { sourceChange, sourceEventOf } from '../../../../../runner/node/gerrit/gerrit-change-source';

const change = {
  project: 'qt/qtbase',
  branch: 'dev',
  number: 5,
  subject: 'Pick',
  status: 'STAGED',
  owner: { email: 'cherrypick_bot@qt-project.org' },
};
const line = (event: object) => JSON.stringify({ eventCreatedOn: 1, ...event });

describe("Gerrit's stream-events as source events", () => {
  test('a plugin event names the change; it carries no account and no patch set', () => {
    const line1 = line({
      type: 'change-staged',
      change,
      project: 'qt/qtbase',
      refName: 'refs/heads/dev',
      changeKey: { id: 'I5' },
    });
    expect(sourceEventOf(parseGerritEvent(line1))).toEqual({
      type: 'change-staged',
      id: '5',
      number: 5,
      project: 'qt/qtbase',
      branch: 'dev',
      subject: 'Pick',
      patchSet: null,
      status: 'STAGED',
      owner: 'cherrypick_bot@qt-project.org',
      by: null,
    });
  });

  test('who acted: the submitter of a merge, an account without e-mail', () => {
    const merged = sourceEventOf(
      parseGerritEvent(
        line({
          type: 'change-merged',
          change,
          patchSet: { number: 3, revision: 'r' },
          submitter: { name: 'CI' },
        }),
      ),
    );
    expect(merged).toMatchObject({ type: 'change-merged', by: '', patchSet: 3 });
  });

  test('who staged a change and when: its last "Staged for CI" message, not lastUpdated', () => {
    const staged = sourceChange({
      ...change,
      lastUpdated: 9000,
      currentPatchSet: { number: 2, revision: 'r' },
      comments: [
        { timestamp: 100, reviewer: { email: 'dev@example.invalid' }, message: 'Staged for CI' },
        { timestamp: 200, reviewer: { email: 'ci@example.invalid' }, message: 'Added to build x' },
      ],
    });
    expect(staged).toMatchObject({
      status: 'staged',
      updatedAt: 100_000,
      stagedBy: 'dev@example.invalid',
      patchSet: 2,
    });
    expect(sourceChange({ ...change, lastUpdated: 9 })).toMatchObject({ updatedAt: 9000, stagedBy: null });
  });

  test('precheck and dropped-output are parsed; onlyBuild (2023) reads as onlybuild', () => {
    const precheck = parseGerritEvent(
      line({
        type: 'precheck',
        change,
        patchSet: 4,
        commitID: 'abc',
        precheckType: 'custom',
        platforms: 'linux',
        onlyBuild: true,
        cherrypick: false,
      }),
    );
    expect(precheck).toMatchObject({ type: 'precheck', patchSet: 4, commitID: 'abc', onlybuild: true });
    expect(sourceEventOf(precheck)).toBeUndefined();
    expect(parseGerritEvent(line({ type: 'dropped-output' }))).toEqual({ type: 'dropped-output' });
    // a precheck whose patch set is not an integer is not one Coin can run
    expect(
      parseGerritEvent(line({ type: 'precheck', change, patchSet: { number: 4 }, commitID: 'a' })),
    ).toMatchObject({
      type: 'unknown',
    });
  });

  test('events the instance does not record are left out', () => {
    expect(sourceEventOf(parseGerritEvent(line({ type: 'patchset-created', change })))).toBeUndefined();
    expect(sourceEventOf(parseGerritEvent(line({ type: 'comment-added', change })))).toBeUndefined();
    expect(sourceEventOf(parseGerritEvent(line({ type: 'something-new' })))).toBeUndefined();
    const ref = {
      type: 'ref-updated',
      refUpdate: { oldRev: 'a', newRev: 'b', refName: 'refs/heads/dev', project: 'p' },
    };
    expect(sourceEventOf(parseGerritEvent(line(ref)))).toBeUndefined();
  });
});
