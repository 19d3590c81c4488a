// A log its agent writes (LogFileSink on the agent's side, LogStore.share/grown and SharedLog on
// the instance's): the agent appends to the real file and reports sizes; the store reads back
// what was reported, hands viewers complete lines in order and once each, notes the arrival
// times, and at the end reads the rest (a last line without a newline too) and keeps the line
// checkpoints, as for a log it wrote itself. A log the agent cannot write fails the work item.
import { appendFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ResultMessage } from '../../../../../runner/core/agent-protocol';
import { decodeOutputFrame } from '../../../../../runner/core/agent-output-frame';
import { LogFileSink } from '../../../../../runner/agent/log-file-sink';
import { LogLineIndex } from '../../../../../runner/node/store/log-line-index';
import { LogStore } from '../../../../../runner/node/store/log-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: LogStore;
let clock: number;
let delivered: Buffer[];
/** What the viewers say after each delivery: true while one of them falls behind. */
let behind: () => boolean;
/** Whether a viewer keeps the delivered memory (a socket that could not write it out at once). */
let held: () => boolean;
/** Each delivered frame as it was, and its memory. */
let frames: { copy: Buffer; memory: Buffer }[];

beforeEach(async () => {
  dir = await makeTempDir('shared-log-');
  clock = 1_000;
  store = await LogStore.create(dir.path, () => clock);
  delivered = [];
  behind = () => false;
  held = () => false;
  frames = [];
  store.onSharedOutput((id, bytes, frame) => {
    expect(id).toBe('wi');
    // the viewers' binary frame of the same bytes, read in after its head (no copy)
    const decoded = decodeOutputFrame(frame);
    expect(decoded?.workItemId).toBe('wi');
    expect(decoded?.bytes.equals(bytes)).toBe(true);
    expect(decoded?.bytes.buffer).toBe(bytes.buffer);
    expect(decoded?.bytes.byteOffset).toBe(bytes.byteOffset);
    delivered.push(Buffer.from(bytes));
    frames.push({ copy: Buffer.from(frame), memory: frame });
    return { behind: behind(), held: held() };
  });
});

afterEach(async () => {
  await store.closeAll();
  await dir.remove();
});

/** Turns of the event loop until `done` holds (the store reads a piece per turn). */
async function until(done: () => boolean): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 10_000) throw new Error('the shared log did not catch up');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const seen = () => Buffer.concat(delivered).toString();

test('viewers get only complete lines as sizes are reported; the end brings the unterminated rest', async () => {
  const file = store.share('wi');
  appendFileSync(file, 'one\ntwo\nthr');
  store.grown('wi', 11);
  await until(() => seen() === 'one\ntwo\n');
  appendFileSync(file, 'ee\nfour');
  store.grown('wi', 18);
  await until(() => seen() === 'one\ntwo\nthree\n');
  // written after the last report (the agent's final lines): read at the end all the same
  appendFileSync(file, ' and more');
  await store.finish('wi');
  expect(seen()).toBe('one\ntwo\nthree\nfour and more');
  expect(await readFile(file, 'utf8')).toBe('one\ntwo\nthree\nfour and more');
  // too short to need line checkpoints: none are written (a reader scans it in one read)
  expect(existsSync(file.replace(/\.log$/, '.lines'))).toBe(false);
  expect((await new LogLineIndex().lines(file, 0, 10)).lines.slice(0, 3)).toEqual(['one', 'two', 'three']);
  // a report that comes late, after the end, changes nothing
  store.grown('wi', 100);
  expect(seen()).toBe('one\ntwo\nthree\nfour and more');
});

test('a line longer than a piece is delivered whole; megabytes arrive in order, each byte once', async () => {
  const file = store.share('wi');
  const long = `${'x'.repeat(3_000_000)}\n`;
  const many = Array.from({ length: 50_000 }, (_, i) => `line ${i}\n`).join('');
  appendFileSync(file, long + many);
  store.grown('wi', Buffer.byteLength(long + many));
  await until(() => delivered.reduce((n, b) => n + b.length, 0) === Buffer.byteLength(long + many));
  expect(delivered[0]!.subarray(0, long.length).toString()).toBe(long);
  expect(delivered.every((b) => b[b.length - 1] === 10)).toBe(true);
  await store.finish('wi');
  expect(seen()).toBe(long + many);
  expect(existsSync(file.replace(/\.log$/, '.lines')), 'checkpoints kept').toBe(true);
  const index = new LogLineIndex();
  expect(await index.count(file)).toBe(50_001);
  const page = await index.lines(file, 49_990, 5);
  expect(page.lines).toEqual(['line 49989', 'line 49990', 'line 49991', 'line 49992', 'line 49993']);
});

test('each report notes when its bytes arrived; lines the instance adds itself are in order', async () => {
  const file = store.share('wi');
  appendFileSync(file, 'a1\na2\n');
  store.grown('wi', 6);
  clock = 2_000;
  store.append('wi', ['from the instance']);
  clock = 3_000;
  appendFileSync(file, 'b1\n');
  store.grown('wi', Buffer.byteLength('a1\na2\nfrom the instance\nb1\n'));
  await store.finish('wi');
  expect(seen()).toBe('a1\na2\nfrom the instance\nb1\n');
  const page = await new LogLineIndex().lines(file, 0, 10, store.timesOf('wi'));
  expect(page.lines).toEqual(['a1', 'a2', 'from the instance', 'b1']);
  expect(page.times).toEqual([
    { line: 0, at: 1000 },
    { line: 2, at: 2000 },
    { line: 3, at: 3000 },
  ]);
});

test("the agent's sink: appends lines and bytes, reports sizes coalesced, closes a command's last line", async () => {
  const file = store.share('wi');
  const reports: number[] = [];
  const sink = new LogFileSink(file, (size) => {
    reports.push(size);
    store.grown('wi', size);
  });
  sink.line('+ make');
  sink.write(Buffer.from('compiling\nlinking'));
  expect(reports, 'small writes wait for the timer').toEqual([]);
  // a command that wrote into the file itself and ended without a newline
  const from = sink.size();
  appendFileSync(file, 'no newline at the end');
  sink.ended(from);
  sink.write(Buffer.alloc(2 << 20, 0x61));
  expect(reports.length, 'a megabyte or more is reported at once').toBe(1);
  sink.line('done');
  sink.close();
  const total = (await readFile(file)).length;
  expect(reports.at(-1)).toBe(total);
  sink.line('after the close is dropped');
  await store.finish('wi');
  const text = await readFile(file, 'utf8');
  expect(text.startsWith('+ make\ncompiling\nlinkingno newline at the end\naaa')).toBe(true);
  // bytes passed on are the output as it is: the next line of the agent follows them directly
  expect(text.endsWith(`${'a'.repeat(2 << 20)}done\n`)).toBe(true);
  expect(seen()).toBe(text);
});

test('a viewer falling behind slows the reading down (the bytes wait on file); the log still ends whole', async () => {
  const file = store.share('wi');
  const text = Array.from({ length: 40_000 }, (_, i) => `paced line ${i}\n`).join('');
  appendFileSync(file, text);
  behind = () => true;
  const started = performance.now();
  store.grown('wi', Buffer.byteLength(text));
  await store.finish('wi');
  const took = performance.now() - started;
  expect(seen()).toBe(text);
  // about 600 kB in pieces of 256 kB: a pause of about 2 ms after each delivery but the last
  expect(delivered.length).toBeGreaterThan(1);
  expect(took).toBeGreaterThanOrEqual(2 * (delivered.length - 1));
});

test('the memory of a piece is read into again unless a viewer holds it; what a viewer holds stays as it was', async () => {
  const file = store.share('wi');
  const piece = (c: string) => `${c.repeat(99_999)}\n`.repeat(3);
  appendFileSync(file, piece('a'));
  store.grown('wi', 300_000);
  await until(() => seen().length === 300_000);
  // nobody holds them: a piece of 256 kB and the rest, read into the same memory
  expect(frames.length).toBe(2);
  expect(frames[1]!.memory.buffer).toBe(frames[0]!.memory.buffer);
  held = () => true;
  appendFileSync(file, piece('b'));
  store.grown('wi', 600_000);
  await until(() => seen().length === 600_000);
  const kept = frames.slice(2);
  // the first of these was still read into the spare memory; from then on each piece is new
  expect(kept.length).toBe(2);
  expect(kept[1]!.memory.buffer).not.toBe(kept[0]!.memory.buffer);
  held = () => false;
  appendFileSync(file, piece('c'));
  store.grown('wi', 900_000);
  await store.finish('wi');
  expect(seen()).toBe(piece('a') + piece('b') + piece('c'));
  // every frame a viewer held is still the frame it was given
  for (const frame of kept) expect(frame.memory.equals(frame.copy)).toBe(true);
});

test('a log the instance already wrote to can be shared: the agent appends after its lines', async () => {
  store.append('wi', ['a line of the instance before the agent was given the log']);
  const file = store.share('wi');
  appendFileSync(file, 'from the agent\n');
  store.grown('wi', (await readFile(file)).length);
  await store.finish('wi');
  // lines the instance wrote itself reach viewers on their own path; the agent's are read back
  expect(seen()).toBe('from the agent\n');
  expect(await readFile(file, 'utf8')).toBe(
    'a line of the instance before the agent was given the log\nfrom the agent\n',
  );
});

test('a log the agent cannot write to the end (a full disk) fails a passed work item, saying why', () => {
  // /dev/full answers every write with ENOSPC, as a full disk does
  const sink = new LogFileSink('/dev/full', () => undefined);
  sink.line('+ make');
  expect(sink.error?.message).toMatch(/ENOSPC/);
  sink.line('later lines are not attempted');
  sink.close();
  const passed: ResultMessage = {
    type: 'result',
    workItemId: 'wi',
    passed: true,
    failure: null,
    uploaded: [],
    testResults: [],
  };
  expect(sink.verdict(passed)).toMatchObject({
    passed: false,
    failure: { kind: 'system', message: expect.stringMatching(/log failed, it stops there: ENOSPC/) },
  });
  const failed: ResultMessage = {
    ...passed,
    passed: false,
    failure: { kind: 'build', message: 'make failed', at: null },
  };
  expect(sink.verdict(failed)).toBe(failed);
});

test("a sink closed for the result reports nothing itself: its final size is the result's, and the store reads to it", async () => {
  const file = store.share('wi');
  const reports: number[] = [];
  const sink = new LogFileSink(file, (size) => reports.push(size));
  sink.line('+ true');
  sink.line('instructions took 2 ms');
  const size = sink.close({ report: false });
  expect(reports).toEqual([]);
  expect(size).toBe((await readFile(file)).length);
  // what the instance does with the result's logSize (agent-hub.ts): the last growth, then the end
  store.grown('wi', size);
  await store.finish('wi');
  expect(seen()).toBe('+ true\ninstructions took 2 ms\n');
});
