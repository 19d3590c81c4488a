// The JSON-with-comments parser: positions, what it accepts, and how it names mistakes.
import { describe, expect, test } from 'vitest';
import { nodeAt, valueOf } from '../../../../../runner/core/runtime-config/json-node';
import { maxConfigDepth, parseJsonc } from '../../../../../runner/core/runtime-config/jsonc-parser';
import { guideExample, guideFound } from './guide-example';

function problems(text: string): string[] {
  return parseJsonc(text).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
}

describe('parseJsonc', () => {
  test('plain JSON parses to the same value as JSON.parse, with positions on every node', () => {
    const text = '{\n  "a": [1, -2.5e3, "x\\n\\u0041"],\n  "b": {"c": null, "d": true}\n}';
    const { root, problems: found } = parseJsonc(text);
    expect(found).toEqual([]);
    expect(valueOf(root!)).toEqual(JSON.parse(text));
    const item = nodeAt(root, ['a', 2])!;
    expect(text.slice(item.start, item.end)).toBe('"x\\n\\u0041"');
    expect(nodeAt(root, ['b', 'd'])).toMatchObject({ kind: 'boolean', value: true });
  });

  test('// and /* */ comments and trailing commas are accepted', () => {
    const text = '{\n  // a comment\n  "a": [1, 2,], /* another */\n  "b": 3, // trailing\n}\n';
    expect(problems(text)).toEqual([]);
    expect(valueOf(parseJsonc(text).root!)).toEqual({ a: [1, 2], b: 3 });
  });

  test.skipIf(!guideFound)(
    "the guide's example: every '#' comment and the missing comma, each with line and column",
    () => {
      expect(problems(guideExample())).toEqual([
        "3:46: '#' comments are not JSON: use // for a comment",
        "5:46: '#' comments are not JSON: use // for a comment",
        "7:30: '#' comments are not JSON: use // for a comment",
        `9:6: missing ',' after the "gerrit_monitor" object (before "opennebula" on line 10)`,
      ]);
    },
  );

  test('Python literals, single quotes and bare keys are named and parsing goes on', () => {
    expect(problems("{'a': True, b: None}")).toEqual([
      '1:2: strings and keys are written in double quotes (") in JSON, not single quotes',
      "1:7: 'True' is Python, not JSON: write true",
      '1:13: keys are written in double quotes: "b"',
      "1:16: 'None' is Python, not JSON: write null",
    ]);
    expect(problems('[1 2]')).toEqual(["1:3: missing ',' after 1 in the list"]);
  });

  test('mistakes that stop the parser say what was expected', () => {
    expect(problems('')).toEqual([
      '1:1: the file is empty: a runtime configuration is an object, at least {}',
    ]);
    expect(problems('{"a": 1')).toEqual([
      "1:8: the object opened at line 1 column 1 is not closed: expected ',' or '}'",
    ]);
    expect(problems('{"a" 1}')).toEqual([`1:6: expected ':' after the key "a", found '1'`]);
    expect(problems('{"a": 01}')).toEqual(["1:7: '01' is not a JSON number (examples: 1800, 0, 2.5, -1)"]);
    expect(problems('{"a": "x\\dy"}')).toEqual([
      "1:9: '\\d' is not a JSON escape: in a regular expression write the backslash twice (\\\\d)",
    ]);
    expect(problems('{"a": "open\n"}')).toEqual(['1:7: the string started at line 1 column 7 is not closed']);
    expect(problems('{} {}')).toEqual([
      "1:4: unexpected '{' after the end of the configuration (it ended at the '}' before)",
    ]);
    expect(problems('/* never closed')).toEqual(["1:1: the comment started here is not closed: add '*/'"]);
    expect(parseJsonc('{"a": 1').root).toBeUndefined();
  });

  test('duplicate keys are errors; the last one is the value, as with JSON.parse', () => {
    const result = parseJsonc('{"a": 1, "a": 2}');
    expect(result.problems.map((p) => p.message)).toEqual([
      'the key "a" appears twice (first at line 1 column 2): keep one',
    ]);
    expect(valueOf(result.root!)).toEqual({ a: 2 });
  });

  test('a __proto__ key is refused and changes no prototype', () => {
    const result = parseJsonc('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}');
    expect(result.problems.map((p) => p.message)).toEqual([
      'the key "__proto__" is not accepted (it could change how objects behave)',
      'the key "__proto__" is not accepted (it could change how objects behave)',
    ]);
    const value = valueOf(result.root!) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(value)).toEqual(['a']);
  });

  test('10,000 nesting levels and a 10 MB text are refused quickly, without a stack overflow', () => {
    const started = performance.now();
    expect(problems('['.repeat(10_000) + ']'.repeat(10_000))).toEqual([
      `1:${maxConfigDepth + 1}: nesting deeper than ${maxConfigDepth} levels is not accepted`,
    ]);
    const big = `{"a": "${'x'.repeat(10 * 1024 * 1024)}"}`;
    expect(problems(big)).toEqual([
      '1:1: the file is 10.0 MiB: a runtime configuration may have at most 1 MiB',
    ]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
