// Rule regular expressions: Python syntax, whole-text matching, and the backtracking check.
import { describe, expect, test } from 'vitest';
import { nearestName } from '../../../../../runner/core/runtime-config/nearest-name';
import {
  backtrackingRisk,
  ruleError,
  ruleMatches,
} from '../../../../../runner/core/runtime-config/rule-regex';

describe('rule regular expressions', () => {
  test('a rule matches the whole text, alternations included', () => {
    expect(ruleMatches('qt/qtbase/dev', 'qt/qtbase/dev')).toBe(true);
    expect(ruleMatches('qt/qtbase/dev', 'qt/qtbase/dev2')).toBe(false);
    expect(ruleMatches('qt/qtbase/dev', 'x/qt/qtbase/dev')).toBe(false);
    expect(ruleMatches('QNX|Android', 'Android')).toBe(true);
    expect(ruleMatches('QNX|Android', 'QNXAndroid')).toBe(false);
    expect(ruleMatches('qt/.*', 'qt/qtsvg/6.8')).toBe(true);
  });

  test('Python syntax: named groups and inline flags', () => {
    expect(ruleMatches('(?i)qt/QTBASE/(?P<branch>dev|6\\.\\d+)', 'qt/qtbase/6.8')).toBe(true);
    expect(ruleError('qt/(?P<b>dev)')).toBeUndefined();
  });

  test('invalid patterns say why, and match nothing', () => {
    expect(ruleError('qt/[')).toBe('unterminated character class');
    expect(ruleError('(?x)a b')).toBe('verbose mode (?x) is not supported');
    expect(ruleMatches('qt/[', 'qt/[')).toBe(false);
  });

  test('catastrophic backtracking shapes are found; ordinary rules are not flagged', () => {
    expect(backtrackingRisk('(a+)+')).toBe(
      '"(a+)+" repeats a group that itself repeats (nested quantifiers)',
    );
    expect(backtrackingRisk('x(\\w*y?)*z')).toBe(
      '"(\\w*y?)*" repeats a group that itself repeats (nested quantifiers)',
    );
    expect(backtrackingRisk('((ab)*c)+')).toBe(
      '"((ab)*c)+" repeats a group that itself repeats (nested quantifiers)',
    );
    expect(backtrackingRisk('(?:.*,){10,}')).toBe(
      '"(?:.*,){10,}" repeats a group that itself repeats (nested quantifiers)',
    );
    expect(backtrackingRisk('(a|a)*')).toBe('"(a|a)*" repeats an alternation with two equal branches');
    for (const ok of [
      'qt/qtbase/dev',
      'qt/.*',
      'QNX|Android',
      '(a+)',
      '(ab){2}',
      '[(+)]+',
      '\\(a+\\)+',
      'a{2,3}(b)+',
    ])
      expect(backtrackingRisk(ok), ok).toBeUndefined();
  });

  test('nearest names catch typos but not unrelated words', () => {
    const known = ['parallel_integration_delay', 'parallel_project_rules', 'serialize_dependency_updates'];
    expect(nearestName('parallel_integration_dealy', known)).toBe('parallel_integration_delay');
    expect(nearestName('Parallel_Project_Rule', known)).toBe('parallel_project_rules');
    expect(nearestName('colour', known)).toBeUndefined();
  });
});
