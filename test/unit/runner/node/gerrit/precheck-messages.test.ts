// What a precheck says on its patch set (runner/node/gerrit/precheck-messages.ts), and what its
// task keeps to say it after a restart.
import { expect, test } from 'vitest';
import type { GerritPrecheckEvent } from '../../../../../runner/core/gerrit/gerrit-protocol';
import {
  precheckConflictMessage,
  precheckMessage,
  precheckOf,
  precheckOrigin,
} from '../../../../../runner/node/gerrit/precheck-messages';

const event = (over: Partial<GerritPrecheckEvent> = {}): GerritPrecheckEvent => ({
  type: 'precheck',
  change: { project: 'qt/qtbase', branch: 'dev', number: 42, subject: '' },
  patchSet: 3,
  commitID: 'a'.repeat(40),
  precheckType: 'default',
  platforms: '',
  onlybuild: false,
  cherrypick: false,
  ...over,
});

test('a downstream precheck says that no qt5 was built and what ran instead', () => {
  const said = precheckMessage({ event: event({ precheckType: 'downstream' }), onto: null }, 'Failed', null, [
    'linux',
  ]);
  expect(said).toBe(
    [
      'Precheck: Failed (Failed; patch set 3; type downstream)',
      "Built and tested on the instance's default configuration (linux); nothing was staged or merged.",
      "Type downstream: Gerrit's precheck dialog describes it as a qt5 precheck with this change as a dependency; what Coin runs for it is not public, so this instance built no qt5 and ran this change on the instance's default configuration (linux) instead.",
    ].join('\n'),
  );
});

test('default and custom prechecks carry no such note; a cherry-pick names the tip it went onto', () => {
  expect(precheckMessage({ event: event(), onto: null }, 'Passed', null)).not.toContain('not public');
  const custom = event({ precheckType: 'custom', platforms: 'a b', cherrypick: true });
  expect(precheckMessage({ event: custom, onto: 'b'.repeat(40) }, 'Passed', 'http://x/#/tasks/1')).toBe(
    [
      'Precheck: Passed (Passed; patch set 3; type custom, platforms a b, cherry-pick)',
      'Cherry-picked onto the tip of dev (bbbbbbbbbbbb) instead of its own parent.',
      'Built and tested on a, b; nothing was staged or merged.',
      '',
      'Details: http://x/#/tasks/1',
    ].join('\n'),
  );
  expect(precheckConflictMessage(custom, 'c'.repeat(40), ['x.txt', 'y.txt'])).toMatch(
    /^Precheck: Failed \(cherry-pick conflict; .*\)\nPatch set 3 does not cherry-pick onto the tip of dev \(cccccccccccc\): conflicts in x\.txt, y\.txt\./,
  );
});

test('the origin keeps the patch set and the tip, so a restarted instance says the same', () => {
  const precheck = { event: event({ cherrypick: true, onlybuild: true }), onto: 'd'.repeat(40) };
  const origin = precheckOrigin(precheck);
  // The task's sha is the cherry-picked commit; the event's commit stays the patch set's.
  expect(precheckOf({ origin }, 'e'.repeat(40))).toEqual(precheck);
  expect(precheckOf({ origin: { kind: 'local-git' } }, 'e'.repeat(40))).toBeUndefined();
});
