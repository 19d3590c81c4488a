import { describe, expect, test } from 'vitest';
import { parseGerritEvent } from '../../../../../runner/core/gerrit/gerrit-protocol';
import { sourceEventOf } from '../../../../../runner/node/gerrit/gerrit-change-source';

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
  test('a staging event names the change and who staged it', () => {
    const event = sourceEventOf(
      parseGerritEvent(
        line({
          type: 'change-staged',
          change,
          patchSet: { number: 2, revision: 'r' },
          changer: { email: 'dev@example.invalid' },
        }),
      ),
    );
    expect(event).toEqual({
      type: 'change-staged',
      id: '5',
      number: 5,
      project: 'qt/qtbase',
      branch: 'dev',
      subject: 'Pick',
      patchSet: 2,
      status: 'STAGED',
      owner: 'cherrypick_bot@qt-project.org',
      by: 'dev@example.invalid',
    });
  });

  test('who acted: the submitter of a merge, an account without e-mail, nobody named', () => {
    const merged = sourceEventOf(
      parseGerritEvent(line({ type: 'change-merged', change, submitter: { name: 'CI' } })),
    );
    expect(merged).toMatchObject({ type: 'change-merged', by: '', patchSet: null });
    const plugin = sourceEventOf(parseGerritEvent(line({ type: 'change-integration-pass', change })));
    expect(plugin).toMatchObject({ type: 'change-integration-pass', by: null });
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
