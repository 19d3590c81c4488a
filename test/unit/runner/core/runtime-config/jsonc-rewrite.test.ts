// Rewriting a configuration file keeps its comments, order and indentation.
import { describe, expect, test } from 'vitest';
import { valueOf } from '../../../../../runner/core/runtime-config/json-node';
import { parseJsonc } from '../../../../../runner/core/runtime-config/jsonc-parser';
import { rewriteJsonc } from '../../../../../runner/core/runtime-config/jsonc-rewrite';
import { fixedGuideExample, guideFound } from './guide-example';

const text = `{
    // How integrations start
    "gerrit_monitor": {
        "disable_cherry_pick_delay": false, // keep the 6 h
        "parallel_integration_delay": 1800, // half an hour
        "parallel_project_rules": [
            "qt/qtbase/dev" // qtbase may run in parallel
        ]
    },
    /* VMs */
    "opennebula": {
        "sched_rules": []
    }
}
`;

function roundTrip(source: string, value: unknown): string {
  const out = rewriteJsonc(source, value);
  expect(parseJsonc(out).problems).toEqual([]);
  expect(valueOf(parseJsonc(out).root!)).toEqual(value);
  return out;
}

describe('rewriteJsonc', () => {
  test('changing values keeps every comment and line', () => {
    const out = roundTrip(text, {
      gerrit_monitor: {
        disable_cherry_pick_delay: true,
        parallel_integration_delay: 600,
        parallel_project_rules: ['qt/qtbase/dev'],
      },
      opennebula: { sched_rules: [] },
    });
    expect(out).toBe(
      text
        .replace('"disable_cherry_pick_delay": false', '"disable_cherry_pick_delay": true')
        .replace('"parallel_integration_delay": 1800', '"parallel_integration_delay": 600'),
    );
  });

  test('new keys and list entries are appended in the file indentation, after a trailing comment', () => {
    const out = roundTrip(text, {
      gerrit_monitor: {
        disable_cherry_pick_delay: false,
        parallel_integration_delay: 1800,
        parallel_project_rules: ['qt/qtbase/dev', 'qt/qtsvg/.*'],
        serialize_dependency_updates: false,
      },
      opennebula: {
        sched_rules: [{ SCHED_REQUIREMENTS: 'NESTED_VIRT = true', match: { 'target.os': 'QNX' } }],
      },
    });
    expect(out).toContain(
      [
        '        "parallel_project_rules": [',
        '            "qt/qtbase/dev", // qtbase may run in parallel',
        '            "qt/qtsvg/.*"',
        '        ],',
        '        "serialize_dependency_updates": false',
        '    },',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        '        "sched_rules": [',
        '            {',
        '                "SCHED_REQUIREMENTS": "NESTED_VIRT = true",',
        '                "match": {',
        '                    "target.os": "QNX"',
        '                }',
        '            }',
        '        ]',
      ].join('\n'),
    );
  });

  test('removed keys go with their line comment; no comma is left dangling', () => {
    const out = roundTrip(text, { gerrit_monitor: { disable_cherry_pick_delay: false } });
    expect(out).toBe(
      '{\n    // How integrations start\n    "gerrit_monitor": {\n' +
        '        "disable_cherry_pick_delay": false // keep the 6 h\n    }\n    /* VMs */\n}\n',
    );
  });

  test.skipIf(!guideFound)("the guide's fixed example keeps its comments through an edit", () => {
    const source = fixedGuideExample();
    const value = valueOf(parseJsonc(source).root!) as { gerrit_monitor: Record<string, unknown> };
    value.gerrit_monitor.parallel_integration_delay = 900;
    const out = roundTrip(source, value);
    expect(out.match(/\/\/ /g)).toHaveLength(3);
    expect(out).toContain('"parallel_integration_delay": 900,  // Delay between parallel integrations.');
  });

  test('a text that does not parse is replaced by formatted JSON', () => {
    expect(rewriteJsonc('{ broken', { a: 1 })).toBe('{\n    "a": 1\n}\n');
  });

  test('random edits always round-trip', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let source = text;
    for (let i = 0; i < 200; i++) {
      const value = valueOf(parseJsonc(source).root!) as Record<string, Record<string, unknown>>;
      const section = pick(['gerrit_monitor', 'opennebula', 'extra']);
      value[section] ??= {};
      const key = pick(['a', 'b', 'parallel_project_rules', 'sched_rules']);
      const action = pick(['set', 'delete', 'list']);
      if (action === 'delete') delete value[section]![key];
      else if (action === 'set') value[section]![key] = pick([1, 'x', true, null, { n: 1 }]);
      else value[section]![key] = Array.from({ length: Math.floor(random() * 4) }, (_, n) => `r${n}`);
      source = roundTrip(source, value);
    }
  });
});
