import { expect, test } from 'vitest';
import { parseAnsi, stripAnsi } from '../../../../renderer/src/dashboard/ansi';

test('SGR colours become styled segments and reset ends them', () => {
  const { segments } = parseAnsi('\x1b[1;31merror:\x1b[0m missing ; \x1b[92mok\x1b[39m');
  expect(segments).toEqual([
    { text: 'error:', style: { bold: true, fg: 1 } },
    { text: ' missing ; ', style: {} },
    { text: 'ok', style: { fg: 10 } },
  ]);
});

test('256-colour and true colour become rgb values', () => {
  const { segments } = parseAnsi('\x1b[38;5;196mred\x1b[48;2;10;20;30mon blue');
  expect(segments[0]).toEqual({ text: 'red', style: { fg: 'rgb(255, 0, 0)' } });
  expect(segments[1]!.style).toEqual({ fg: 'rgb(255, 0, 0)', bg: 'rgb(10, 20, 30)' });
});

test('other escape sequences are dropped, and stripAnsi leaves plain text', () => {
  const line = '\x1b[2K\x1b]0;title\x07progress \x1b[33m50%\x1b[m';
  expect(
    parseAnsi(line)
      .segments.map((s) => s.text)
      .join(''),
  ).toBe('progress 50%');
  expect(stripAnsi(line)).toBe('progress 50%');
});

test('a style carries into the next line when asked to', () => {
  const first = parseAnsi('\x1b[32mgreen starts');
  expect(parseAnsi('and goes on', first.end).segments[0]!.style).toEqual({ fg: 2 });
});
