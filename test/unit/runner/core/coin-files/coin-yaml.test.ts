import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import {
  checkShape,
  fieldSourceText,
  hasAnchor,
  IncludeDirective,
  parseCoinYaml,
} from '../../../../../runner/core/coin-files/coin-yaml';
import { fieldPos, posOf } from '../../../../../runner/core/coin-files/source-pos';
import { yaml } from './memory-files';

function errorOf(text: string, options = {}): string {
  try {
    parseCoinYaml('f.yaml', text, options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseCoinYaml', () => {
  test('gives plain values with the position of every object, list and field', () => {
    const value = parseCoinYaml(
      'f.yaml',
      yaml('type: Group', 'instructions:', '  - type: ChangeDirectory', '    directory: "{{.SourceDir}}"'),
    ) as { type: string; instructions: { directory: string }[] };
    expect(JSON.parse(JSON.stringify(value))).toEqual({
      type: 'Group',
      instructions: [{ type: 'ChangeDirectory', directory: '{{.SourceDir}}' }],
    });
    expect(posOf(value)).toEqual({ file: 'f.yaml', line: 1, column: 1 });
    expect(fieldPos(value, 'type')).toEqual({ file: 'f.yaml', line: 1, column: 7 });
    expect(posOf(value.instructions[0])).toEqual({ file: 'f.yaml', line: 3, column: 5 });
    expect(fieldPos(value.instructions[0], 'directory')).toEqual({ file: 'f.yaml', line: 4, column: 16 });
    expect(fieldPos(value.instructions, 0)).toEqual({ file: 'f.yaml', line: 3, column: 5 });
  });

  test('reads YAML 1.2 scalars the way the real files need them', () => {
    expect(
      parseCoinYaml('f.yaml', yaml('a: True', 'b: 493', 'c: 0o755', 'd: "OFF"', 'e: null', 'f:')),
    ).toEqual({
      a: true,
      b: 493,
      c: 493,
      d: 'OFF',
      e: null,
      f: null,
    });
  });

  test('a plain integer with a leading zero is octal, as Coin reads YAML 1.1, and keeps its text', () => {
    const value = parseCoinYaml(
      'f.yaml',
      yaml('a: 0400', 'b: 0444', 'c: 0700', 'd: 400', 'e: "0400"', 'f: 0', 'g: 089', 'h: &m 0440', 'i: *m'),
    ) as Record<string, unknown>;
    expect(value).toEqual({
      a: 0o400,
      b: 0o444,
      c: 0o700,
      d: 400,
      e: '0400',
      f: 0,
      g: 89,
      h: 0o440,
      i: 0o440,
    });
    expect(fieldSourceText(value, 'a')).toBe('0400');
    expect(fieldSourceText(value, 'i')).toBe('0440');
    expect(fieldSourceText(value, 'd')).toBeUndefined();
    expect(fieldSourceText(value, 'e')).toBeUndefined();
  });

  test('a file holding only a name is that string; an empty file is null', () => {
    expect(parseCoinYaml('f.yaml', 'qt5.yaml\n')).toBe('qt5.yaml');
    expect(parseCoinYaml('f.yaml', '')).toBeNull();
  });

  test('!include becomes a directive with its target and position', () => {
    const value = parseCoinYaml('f.yaml', yaml('list:', '  - !include "{{qt/qtbase}}/debian/x.yaml"')) as {
      list: unknown[];
    };
    expect(value.list[0]).toBeInstanceOf(IncludeDirective);
    expect(value.list[0]).toEqual({
      target: '{{qt/qtbase}}/debian/x.yaml',
      pos: { file: 'f.yaml', line: 2, column: 14 },
    });
  });

  test('aliases share the anchored value, which is marked as anchored', () => {
    const value = parseCoinYaml('f.yaml', yaml('held: &g', '  type: Group', 'list:', '  - *g', '  - *g')) as {
      held: object;
      list: object[];
    };
    expect(value.list[0]).toBe(value.held);
    expect(value.list[1]).toBe(value.held);
    expect(hasAnchor(value.held)).toBe(true);
    expect(hasAnchor(value.list)).toBe(false);
  });

  test('a duplicate key names both places', () => {
    expect(errorOf(yaml('type: Group', 'instructions: []', 'type: ExecuteCommand'))).toBe(
      'f.yaml:3:1: duplicate key "type" (first at f.yaml:1:1)',
    );
  });

  test('an alias bomb stops at the node limit', () => {
    const bomb = yaml(
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    );
    expect(errorOf(bomb, { maxAliasNodes: 5000 })).toBe('f.yaml:4:24: alias expansion exceeds 5000 nodes');
    expect(errorOf(bomb)).toBe('f.yaml:5:41: alias expansion exceeds 100000 nodes');
  });

  test('an unknown tag is an error; standard YAML tags are not', () => {
    expect(errorOf(yaml('type: Group', 'instructions: !import "x.yaml"'))).toBe(
      'f.yaml:2:23: unknown tag !import (the only Coin tag is !include)',
    );
    expect(parseCoinYaml('f.yaml', 'a: !!str 3\n')).toEqual({ a: '3' });
  });

  test('!include on a list is an error', () => {
    expect(errorOf('a: !include [x.yaml]\n')).toBe(
      'f.yaml:1:13: !include takes a string such as "{{qt/qtbase}}/file.yaml", not a list or map',
    );
  });

  test('a syntax error names the place and what the parser expected', () => {
    expect(errorOf(yaml('Include: [', '  a.yaml,', 'Configurations: []'))).toMatch(
      /^f\.yaml:\d+:\d+: YAML syntax error: /,
    );
    expect(errorOf(yaml('a: 1', '---', 'b: 2'))).toMatch(
      /^f\.yaml:2:1: YAML syntax error: .*multiple documents/,
    );
  });

  test('a map key must be a plain string', () => {
    expect(errorOf('? [a, b]\n: 1\n')).toBe('f.yaml:1:3: a map key must be a plain string');
  });
});

describe('checkShape', () => {
  test('points at the field that does not fit', () => {
    const value = parseCoinYaml('f.yaml', yaml('Configurations:', '  - Id: a', '    Template: 3'));
    const schema = z.object({ Configurations: z.array(z.object({ Id: z.string(), Template: z.string() })) });
    expect(() => checkShape(schema, value, 'x.yaml')).toThrow(
      'f.yaml:3:15: x.yaml Configurations[0].Template: Invalid input: expected string, received number',
    );
  });
});
