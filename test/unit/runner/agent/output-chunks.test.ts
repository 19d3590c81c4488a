import { expect, test } from 'vitest';
import { decodeOutputFrame, encodeOutputFrame } from '../../../../runner/core/agent-output-frame';
import { ByteLineSplitter, maskHiddenBytes, OutputBatcher } from '../../../../runner/agent/output-chunks';

test('the splitter passes runs of complete lines and keeps a partial line for the next chunk', () => {
  const out: string[] = [];
  const splitter = new ByteLineSplitter((bytes) => out.push(bytes.toString('latin1')));
  splitter.push(Buffer.from('one\ntw'));
  splitter.push(Buffer.from('o\r\nthr'));
  splitter.push(Buffer.from('ee'));
  splitter.flush();
  expect(out).toEqual(['one\n', 'two\r\n', 'three\n']);
  expect(out.join('')).toBe('one\ntwo\r\nthree\n');
});

test('hidden texts are masked on bytes, longest first, leaving every other byte as it was', () => {
  const input = Buffer.concat([
    Buffer.from([0xff, 0x0a]),
    Buffer.from('token=s3cr3t-value and s3cr3t-value-long\n'),
  ]);
  const masked = maskHiddenBytes(input, ['s3cr3t-value-long', 's3cr3t-value']);
  expect(masked.subarray(0, 2)).toEqual(Buffer.from([0xff, 0x0a]));
  expect(masked.subarray(2).toString()).toBe('token=*** and ***\n');
  expect(maskHiddenBytes(input, ['absent'])).toBe(input);
});

test('a frame carries the work item and the bytes unchanged; other binary messages are not frames', () => {
  const bytes = Buffer.from([0, 1, 2, 0xff, 10]);
  expect(decodeOutputFrame(encodeOutputFrame('tä.build.x', bytes))).toEqual({
    workItemId: 'tä.build.x',
    bytes,
  });
  expect(decodeOutputFrame(Buffer.from('{"type":"log"}'))).toBeUndefined();
  expect(decodeOutputFrame(Buffer.from([0x4f, 0, 9, 65]))).toBeUndefined();
});

test('the batcher sends at its size limit and on flush, in order', () => {
  const sent: string[] = [];
  const batcher = new OutputBatcher((bytes) => sent.push(bytes.toString()), 8);
  batcher.line('abc');
  batcher.push(Buffer.from('defgh\n'));
  batcher.line('tail');
  batcher.flush();
  expect(sent).toEqual(['abc\ndefgh\n', 'tail\n']);
});
