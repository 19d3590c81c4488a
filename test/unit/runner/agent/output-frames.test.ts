import { expect, test } from 'vitest';
import { decodeOutputFrame, outputFrameHead } from '../../../../runner/core/agent-output-frame';
import { ByteLineSplitter, maskHiddenBytes, OutputBatcher } from '../../../../runner/agent/output-chunks';

test('the splitter emits runs of complete lines at any chunk boundary, the whole stream byte-identical', () => {
  const text = Buffer.from('alpha\nbeta gamma\r\n\n\xff\xfe delta\nepsilon without end', 'latin1');
  for (let size = 1; size <= text.length; size++) {
    const out: Buffer[] = [];
    const splitter = new ByteLineSplitter((bytes) => out.push(Buffer.from(bytes)));
    for (let at = 0; at < text.length; at += size) splitter.push(text.subarray(at, at + size));
    splitter.flush();
    for (const piece of out) expect(piece[piece.length - 1]).toBe(10);
    expect(Buffer.concat(out)).toEqual(Buffer.concat([text, Buffer.from('\n')]));
  }
});

test('a chunk after a partial line is passed on as a view of the chunk, not a copy', () => {
  const out: Buffer[] = [];
  const splitter = new ByteLineSplitter((bytes) => out.push(bytes));
  splitter.push(Buffer.from('par'));
  const chunk = Buffer.from('tial\nsecond\nthird\nfour');
  splitter.push(chunk);
  expect(out.map(String)).toEqual(['partial\n', 'second\nthird\n']);
  expect(out[1]!.buffer).toBe(chunk.buffer);
});

test('a hidden text is masked whatever the chunk boundaries of the pipe', () => {
  const text = Buffer.from('x token=hunter2-secret y\nhunter2-secret\nno\n');
  for (let size = 1; size <= text.length; size++) {
    const out: Buffer[] = [];
    const splitter = new ByteLineSplitter((bytes) => out.push(maskHiddenBytes(bytes, ['hunter2-secret'])));
    for (let at = 0; at < text.length; at += size) splitter.push(text.subarray(at, at + size));
    splitter.flush();
    expect(Buffer.concat(out).toString()).toBe('x token=*** y\n***\nno\n');
  }
});

test('the batcher makes whole output frames in one copy: head, then the output in order', () => {
  const frames: Buffer[] = [];
  const batcher = new OutputBatcher((frame) => frames.push(frame), 10, outputFrameHead('t1.build.x'));
  batcher.line('first');
  batcher.push(Buffer.from('second\n'));
  batcher.push(Buffer.from('third\n'));
  batcher.flush();
  const decoded = frames.map((f) => decodeOutputFrame(f)!);
  expect(decoded.map((d) => d.workItemId)).toEqual(['t1.build.x', 't1.build.x']);
  expect(decoded.map((d) => String(d.bytes))).toEqual(['first\nsecond\n', 'third\n']);
});
