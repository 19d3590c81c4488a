// The log messages made from a chunk of raw output: plain text is copied as bytes into the JSON
// message, anything else goes through strings; either way a viewer gets the lines of the chunk
// exactly as splitting it and JSON-encoding each line would give them.
import { expect, test } from 'vitest';
import { outputMessages } from '../../../../../runner/node/server/log-messages';

const maxBytes = 4096;
const id = 'wi "1"';
const text = (m: string | Buffer) => (typeof m === 'string' ? m : m.toString('utf8'));

/** The lines the messages carry, in order. */
function linesOf(messages: readonly (string | Buffer)[]): string[] {
  return messages.flatMap((m) => {
    const message = JSON.parse(text(m)) as { kind: string; workItemId: string; lines: string[] };
    expect(message.kind).toBe('log');
    expect(message.workItemId).toBe(id);
    return message.lines;
  });
}

/** What a viewer must get: the chunk's lines (a \r before a newline is not part of its line). */
const expected = (chunk: string) => chunk.replace(/\r?\n$/, '').split(/\r?\n/);

test('plain UTF-8 lines become one message of bytes, the same JSON as JSON.stringify makes', () => {
  const chunk = 'plain line\nünïcödé ✓ 𝄞\nwindows line\r\n\nlast\n';
  const messages = outputMessages(id, Buffer.from(chunk), maxBytes);
  expect(messages).toHaveLength(1);
  expect(Buffer.isBuffer(messages[0])).toBe(true);
  expect(text(messages[0]!)).toBe(JSON.stringify({ kind: 'log', workItemId: id, lines: expected(chunk) }));
});

test('every character JSON must escape survives, and \\r\\n ends a line like \\n', () => {
  const chunk =
    'plain line\n"quoted" and back\\slash\n\ttab and \x1b[31mcolour\x1b[0m\n' +
    'lone\rcarriage\r\nwindows line\r\n\x00\x01\x08\x0c\x1f controls\nünïcödé ✓ 𝄞\n\n';
  const messages = outputMessages(id, Buffer.from(chunk), maxBytes);
  expect(linesOf(messages)).toEqual(expected(chunk));
  for (const m of messages) expect(text(m)).toBe(JSON.stringify(JSON.parse(text(m))));
});

test('bytes that are not UTF-8 arrive as replacement characters, as the decoder makes them', () => {
  const bytes = Buffer.concat([
    Buffer.from('before '),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from('\nafter\n'),
  ]);
  expect(linesOf(outputMessages(id, bytes, maxBytes))).toEqual(expected(bytes.toString('utf8')));
});

test('a large chunk is cut at newlines into bounded messages, in order', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)} ü${i}`);
  const messages = outputMessages(id, Buffer.from(`${lines.join('\n')}\n`), maxBytes);
  expect(messages.length).toBeGreaterThan(10);
  for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(maxBytes);
  expect(linesOf(messages)).toEqual(lines);
});

test('a line longer than an eighth of a message is cut, the lines around it kept', () => {
  const long = 'y'.repeat(maxBytes);
  const lines = linesOf(outputMessages(id, Buffer.from(`short\n${long}\nafter\n`), maxBytes));
  expect(lines[0]).toBe('short');
  expect(lines.at(-1)).toBe('after');
  expect(lines.some((l) => l.startsWith('yyyy') && l.endsWith(' …') && l.length < long.length)).toBe(true);
});
