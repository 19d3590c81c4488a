import { expect, test } from 'vitest';
import {
  LineSplitter,
  OutputBuffer,
} from '../../../../../electron/services/local-runner/runner-output-buffer';

test('chunks are cut into lines wherever they break; the last line without a newline comes at the end', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push('first li');
  splitter.push('ne\r\nsecond\nthi');
  expect(lines).toEqual(['first line', 'second']);
  splitter.push('rd');
  splitter.end();
  expect(lines).toEqual(['first line', 'second', 'third']);
});

test('a line longer than the limit is cut into pieces instead of growing without bound', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), 4);
  splitter.push('abcdefghij');
  expect(lines).toEqual(['abcd', 'efgh']);
  splitter.end();
  expect(lines).toEqual(['abcd', 'efgh', 'ij']);
});

test("Coin's JSON log lines are parsed once; plain lines get a level from their words and their arrival time", () => {
  const buffer = new OutputBuffer(10, () => 1_800_000_000_000);
  buffer.append('{"level":30,"time":1700000000000,"pid":7,"port":8080,"msg":"Coin is running at http://x"}');
  buffer.append('coin admin: starting coin run in /w');
  buffer.append('coin: another Coin instance (pid 12) is running; stop it first', 'stderr');
  buffer.append('Error: boom', 'stderr');
  const { entries, next } = buffer.read(0, 10);
  expect(entries.map((e) => [e.seq, e.level, e.time, e.pid])).toEqual([
    [1, 'info', 1_700_000_000_000, 7],
    [2, 'info', 1_800_000_000_000, null],
    [3, 'warning', 1_800_000_000_000, null],
    [4, 'error', 1_800_000_000_000, null],
  ]);
  expect(entries[0]!.message).toBe('Coin is running at http://x port=8080');
  expect(next).toBe(4);
});

test('the buffer keeps the newest lines; a reader that fell behind is told lines were dropped', () => {
  const buffer = new OutputBuffer(3);
  for (let i = 1; i <= 5; i++) buffer.append(`line ${i}`);
  expect(buffer.read(0, 10)).toMatchObject({ next: 5, truncated: true });
  expect(buffer.read(0, 10).entries.map((e) => e.message)).toEqual(['line 3', 'line 4', 'line 5']);
  expect(buffer.read(3, 10)).toMatchObject({ next: 5, truncated: false });
  expect(buffer.read(3, 1).entries.map((e) => e.seq)).toEqual([4]);
  expect(buffer.read(5, 10)).toEqual({ entries: [], next: 5, truncated: false });
  expect(buffer.lastMessages(2)).toEqual(['line 4', 'line 5']);
});

test('an empty buffer answers nothing new', () => {
  expect(new OutputBuffer().read(0, 10)).toEqual({ entries: [], next: 0, truncated: false });
});
