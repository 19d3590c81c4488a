import { expect, test } from 'vitest';
import { checkRuntimeConfig } from '../../../../runner/core/runtime-config/config-check';
import {
  highlightSegments,
  lineMarkers,
  tokenizeJsonc,
  type Token,
} from '../../../../renderer/src/areas/configuration/jsonc-tokens';

const show = (text: string, tokens: readonly Token[]) =>
  tokens.filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${text.slice(t.start, t.end)}`);

test('keys, strings, numbers, keywords, comments and punctuation are told apart', () => {
  const text = '{\n  "a": "b", // note\n  "n": -1.5e3, /* c */ "t": [true, null]\n}';
  expect(show(text, tokenizeJsonc(text))).toEqual([
    'punctuation:{',
    'key:"a"',
    'punctuation::',
    'string:"b"',
    'punctuation:,',
    'comment:// note',
    'key:"n"',
    'punctuation::',
    'number:-1.5e3',
    'punctuation:,',
    'comment:/* c */',
    'key:"t"',
    'punctuation::',
    'punctuation:[',
    'keyword:true',
    'punctuation:,',
    'keyword:null',
    'punctuation:]',
    'punctuation:}',
  ]);
});

test('what JSON does not allow is an invalid token, and the tokens always cover the whole text', () => {
  const text = "{ # python comment\n 'single': True, unquoted: 1, \"open\n @ }";
  const tokens = tokenizeJsonc(text);
  expect(tokens.map((t) => text.slice(t.start, t.end)).join('')).toBe(text);
  expect(show(text, tokens).filter((t) => t.startsWith('invalid'))).toEqual([
    'invalid:# python comment',
    "invalid:'single'",
    'invalid:True',
    'invalid:unquoted',
    'invalid:@',
  ]);
  expect(show(text, tokens)).toContain('string:"open');
});

test('segments split at diagnostics carry their severity; a problem at the end gets a segment of its own', () => {
  const text = '{"gerrit_monitor": {"parallel_project_rules": ["qt/(a"]}}';
  const check = checkRuntimeConfig(text);
  const marked = highlightSegments(text, check.diagnostics).filter((s) => s.severity);
  expect(marked.map((s) => [text.slice(s.start, s.end), s.severity])).toEqual([['"qt/(a"', 'error']]);
  const unclosed = '{"gerrit_monitor": {';
  const end = highlightSegments(unclosed, checkRuntimeConfig(unclosed).diagnostics).at(-1)!;
  expect([end.start, end.severity]).toEqual([unclosed.length, 'error']);
});

test('line markers keep the worst severity of a line and every message at line:column', () => {
  const text = '{\n "gerrit_monitor": {"parallel_project_rules": ["(a+)+", "qt/(a"]}\n}';
  const markers = lineMarkers(checkRuntimeConfig(text).diagnostics);
  expect([...markers.keys()]).toEqual([2]);
  expect(markers.get(2)!.severity).toBe('error');
  expect(markers.get(2)!.messages.map((m) => m.split(': ')[0])).toEqual(['2:48', '2:57']);
});
