// Differences between configuration versions: by field, by line, three ways.
import { describe, expect, test } from 'vitest';
import {
  configChanges,
  formatChanges,
  threeWayDifference,
  unifiedDiff,
} from '../../../../../runner/core/runtime-config/config-diff';

/** Applies a unified diff to `before` (hunks in order), to check the diff is complete. */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before;
  const lines = before.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of diff.split('\n@@').slice(1)) {
    const [header, ...body] = hunk.split('\n');
    const start = Number(/^ -(\d+)/.exec(header!)![1]) - 1;
    out.push(...lines.slice(at, start));
    at = start;
    for (const line of body) {
      if (line[0] === '+') out.push(line.slice(1));
      else {
        if (line[0] === ' ') out.push(line.slice(1));
        at++;
      }
    }
  }
  return [...out, ...lines.slice(at)].join('\n');
}

describe('config differences', () => {
  test('field changes name the path and both values', () => {
    const changes = configChanges(
      {
        gerrit_monitor: { parallel_integration_delay: 1800, parallel_project_rules: ['a'] },
        opennebula: { sched_rules: [] },
      },
      {
        gerrit_monitor: { parallel_integration_delay: 600, parallel_project_rules: ['a', 'b'] },
        opennebula: { sched_rules: [{ SCHED_REQUIREMENTS: 'X', match: { 'target.os': 'QNX' } }] },
      },
    );
    expect(formatChanges(changes)).toBe(
      [
        'gerrit_monitor.parallel_integration_delay: 1800 -> 600',
        'gerrit_monitor.parallel_project_rules: ["a"] -> ["a","b"]',
        'opennebula.sched_rules[0]: (none) -> {"SCHED_REQUIREMENTS":"X","match":{"target.os":"QNX"}}',
      ].join('\n'),
    );
    expect(configChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });

  test('a unified diff with context; applying it gives the new text', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 3', 'line three').replace('line 15\n', '') + '\nnew end';
    const diff = unifiedDiff(before, after);
    expect(diff.split('\n').slice(0, 6)).toEqual([
      '--- before',
      '+++ after',
      '@@ -1,7 +1,7 @@',
      ' line 0',
      ' line 1',
      ' line 2',
    ]);
    expect(applyDiff(before, diff)).toBe(after);
    expect(unifiedDiff('same', 'same')).toBe('');
  });

  test('random texts: every diff applies back', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const text = () =>
      Array.from({ length: Math.floor(random() * 15) }, () => 'abcd'[Math.floor(random() * 4)]).join('\n');
    for (let i = 0; i < 300; i++) {
      const [a, b] = [text(), text()];
      expect(applyDiff(a, unifiedDiff(a, b))).toBe(b);
    }
  });

  test('three ways: both sides by line, and the fields changed on both sides differently are conflicts', () => {
    const result = threeWayDifference(
      { base: '{"a": 1}', mine: '{"a": 2}', theirs: '{"a": 3, "b": 1}' },
      { base: { a: 1, c: 1 }, mine: { a: 2, c: 2 }, theirs: { a: 3, b: 1, c: 2 } },
    );
    expect(result.mine).toContain('+{"a": 2}');
    expect(result.theirs).toContain('+{"a": 3, "b": 1}');
    expect(result.fields).toEqual([
      { path: 'a', base: 1, mine: 2, theirs: 3, conflict: true },
      { path: 'c', base: 1, mine: 2, theirs: 2, conflict: false },
      { path: 'b', base: undefined, mine: undefined, theirs: 1, conflict: false },
    ]);
  });
});
