// Log viewers that ask for `binary=1` get each chunk of output as one binary frame (the agent's
// frame format, agent-output-frame.ts), in order, byte for byte what went into the log file; a
// viewer that joins late reads the earlier part of the file by range; a viewer that stops reading
// misses output without holding the others back and is told so once it reads again; text viewers
// keep their JSON lines. Real store,
// real log files, real sockets, wired as coin-instance.ts wires them (append, then publish).
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { decodeOutputFrame, encodeOutputFrame } from '../../../runner/core/agent-output-frame';
import { registerEventSocket, type EventSocketLimits } from '../../../runner/node/server/event-socket';
import { LogStore } from '../../../runner/node/store/log-store';
import { SqliteStore } from '../../../runner/node/store/sqlite-store';
import { decodeLogFrame } from '../../../renderer/src/dashboard/event-stream';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';

const limits: EventSocketLimits = {
  highWaterBytes: 64 * 1024,
  maxBufferedBytes: 256 * 1024,
  stalledMs: 60_000,
  maxClientMessageBytes: 4096,
  maxLogMessageBytes: 16 * 1024,
  pingMs: 60_000,
};
const item = 't1.build.linux';

let dir: TempDir;
let store: SqliteStore;
let logs: LogStore;
let app: FastifyInstance;
let port: number;
const bus = new EventEmitter();

/** What the hub does with an agent's output frame. */
function output(bytes: Buffer): void {
  logs.appendBytes(item, bytes);
  bus.emit('output', item, bytes);
}

beforeEach(async () => {
  dir = await makeTempDir('binary-frames-');
  store = SqliteStore.open(dir.path);
  logs = await LogStore.create(dir.path);
  app = Fastify();
  await app.register(websocket);
  registerEventSocket(app, store, '/coin', bus, limits);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});

afterEach(async () => {
  await app.close();
  await logs.closeAll();
  store.close();
  await dir.remove();
});

interface Viewer {
  socket: WebSocket;
  frames: Buffer[];
  texts: string[];
  closed: boolean;
}

async function viewer(query: string): Promise<Viewer> {
  const before = app.websocketServer.clients.size;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/coin/websocket?logs=all&${query}`);
  const v: Viewer = { socket, frames: [], texts: [], closed: false };
  socket.on('message', (data: Buffer, isBinary) =>
    isBinary ? v.frames.push(data) : v.texts.push(String(data)),
  );
  socket.on('close', () => (v.closed = true));
  await new Promise((resolve) => socket.once('open', resolve));
  // the server has taken it on (output from now on reaches it)
  await expect.poll(() => app.websocketServer.clients.size).toBe(before + 1);
  return v;
}

/** A chunk of `lines` complete lines, numbered from `from`, with bytes JSON would escape. */
const chunk = (from: number, lines: number) =>
  Buffer.from(
    Array.from({ length: lines }, (_, i) => `line ${from + i} "quoted" \\ tab\there ü \x1b[31mred\n`).join(
      '',
    ),
  );

const bytesOf = (frames: Buffer[]) => Buffer.concat(frames.map((f) => decodeOutputFrame(f)!.bytes));

test('each chunk is one binary frame, in order, byte-identical to the log file; text viewers get lines', async () => {
  const binary = await viewer('binary=1');
  const text = await viewer('binary=0');
  const chunks = Array.from({ length: 20 }, (_, i) => chunk(i * 50, 50));
  chunks.forEach(output);
  bus.emit('log', item, ['a line the agent wrote']);
  logs.appendBytes(item, Buffer.from('a line the agent wrote\n'));
  await expect.poll(() => binary.frames.length).toBe(21);
  const file = await readFile(logs.pathOf(item));
  expect(bytesOf(binary.frames)).toEqual(file);
  binary.frames.slice(0, 20).forEach((frame, i) => {
    const decoded = decodeOutputFrame(frame)!;
    expect(decoded.workItemId).toBe(item);
    expect(decoded.bytes).toEqual(chunks[i]);
  });
  // the dashboard's decoder reads the same frames (lines only when asked for)
  const message = decodeLogFrame(new Uint8Array(binary.frames[1]!).buffer)!;
  expect(message.workItemId).toBe(item);
  expect(message.lines[0]).toBe('line 50 "quoted" \\ tab\there ü \x1b[31mred');
  expect(message.lines).toHaveLength(50);
  await expect
    .poll(() => text.texts.flatMap((t) => (JSON.parse(t) as { lines: string[] }).lines).length)
    .toBe(20 * 50 + 1);
  expect(text.texts.every((t) => (JSON.parse(t) as { kind: string }).kind === 'log')).toBe(true);
  binary.socket.close();
  text.socket.close();
});

test("an agent's frame reaches binary viewers as it came; text viewers get its lines", async () => {
  const binary = await viewer('binary=1');
  const text = await viewer('binary=0');
  const frame = encodeOutputFrame(item, chunk(0, 20));
  const decoded = decodeOutputFrame(frame)!;
  logs.appendBytes(item, decoded.bytes);
  bus.emit('output', item, decoded.bytes, frame);
  await expect.poll(() => binary.frames.length).toBe(1);
  expect(binary.frames[0]!.equals(frame)).toBe(true);
  await expect
    .poll(() => text.texts.flatMap((t) => (JSON.parse(t) as { lines: string[] }).lines).length)
    .toBe(20);
  binary.socket.close();
  text.socket.close();
});

test('a viewer that joins late reads the earlier part by range and the rest from its frames', async () => {
  for (let i = 0; i < 10; i++) output(chunk(i * 30, 30));
  const late = await viewer('binary=1');
  const size = await logs.size(item);
  const earlier: Buffer[] = [];
  for await (const piece of logs.read(item, { start: 0, end: size - 1 })) earlier.push(piece as Buffer);
  for (let i = 10; i < 15; i++) output(chunk(i * 30, 30));
  await expect.poll(() => late.frames.length).toBe(5);
  const whole = Buffer.concat([...earlier, bytesOf(late.frames)]);
  expect(whole).toEqual(await readFile(logs.pathOf(item)));
  expect(whole.toString().split('\n').slice(0, -1)).toHaveLength(15 * 30);
  late.socket.close();
});

test('a viewer that stops reading misses output, is told once it reads again, and goes on; the reader gets every frame', async () => {
  const slow = await viewer('binary=1');
  const fast = await viewer('binary=1');
  const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
  tcp.pause();
  const [slowOnServer] = [...app.websocketServer.clients].slice(0, 1);
  // the slow viewer's socket buffers fill (a few MB on loopback), then its output is left out
  let pushed = 0;
  while (pushed < 2000 && slowOnServer!.bufferedAmount <= limits.maxBufferedBytes) {
    for (let i = 0; i < 10; i++, pushed++) output(chunk(pushed * 1000, 1000));
    await expect.poll(() => fast.frames.length).toBe(pushed);
  }
  for (let i = 0; i < 5; i++, pushed++) output(chunk(pushed * 1000, 1000));
  expect(app.websocketServer.clients.size).toBe(2); // not dropped
  tcp.resume();
  await expect.poll(() => slow.texts.length, { timeout: 20_000 }).toBe(1);
  expect(JSON.parse(slow.texts[0]!)).toEqual({ kind: 'log', workItemId: item, lines: [], skipped: true });
  const before = slow.frames.length;
  // what it got before is the start of the log, whole frames in order
  const prefix = bytesOf(slow.frames);
  const file = await readFile(logs.pathOf(item));
  expect(file.subarray(0, prefix.length).equals(prefix)).toBe(true); // (toEqual compares MBs slowly)
  expect(prefix.length).toBeLessThan(file.length);
  // after the notice the output goes on, frame by frame
  for (let i = 0; i < 3; i++, pushed++) output(chunk(pushed * 1000, 1000));
  await expect.poll(() => slow.frames.length).toBe(before + 3);
  const after = bytesOf(slow.frames.slice(before)).toString().split('\n');
  expect(after[0]!.startsWith(`line ${(pushed - 3) * 1000} `)).toBe(true);
  // the reader kept up all along: it has every chunk, in order
  await expect.poll(() => fast.frames.length).toBe(pushed);
  const got = bytesOf(fast.frames).toString().split('\n').slice(0, -1);
  expect(got).toHaveLength(pushed * 1000);
  expect(got.findIndex((line, i) => !line.startsWith(`line ${i} `))).toBe(-1);
  fast.socket.close();
  slow.socket.close();
});

test('a log its agent writes: frames a stalled socket still holds are not overwritten by the next pieces read', async () => {
  // wired as coin-instance.ts wires a shared log: what the viewers did goes back to the reading
  logs.onSharedOutput((id, bytes, frame) => {
    const delivery = { behind: false, held: false };
    bus.emit('output', id, bytes, frame, delivery);
    return delivery;
  });
  const slow = await viewer('binary=1');
  const fast = await viewer('binary=1');
  const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
  tcp.pause();
  const file = logs.share(item);
  let size = 0;
  // 9 MB in reports of 450 kB (read in pieces of 256 kB): more than the stalled socket's buffers take
  for (let i = 0; i < 20; i++) {
    const whole = chunk(i * 10_000, 10_000);
    appendFileSync(file, whole);
    size += whole.length;
    logs.grown(item, size);
    await expect.poll(() => bytesOf(fast.frames).length).toBe(size);
  }
  tcp.resume();
  await logs.finish(item);
  const written = await readFile(file);
  expect(bytesOf(fast.frames).equals(written)).toBe(true);
  // the stalled viewer gets the start of the log as it is on file, then (maybe) a notice that it
  // missed the rest: had its queued frames been read into again, they would hold later lines
  await expect
    .poll(() => slow.frames.length > 0 && (slow.texts.length > 0 || bytesOf(slow.frames).length === size), {
      timeout: 20_000,
    })
    .toBe(true);
  const prefix = bytesOf(slow.frames);
  expect(prefix.length).toBeGreaterThan(256 * 1024);
  expect(written.subarray(0, prefix.length).equals(prefix)).toBe(true);
  fast.socket.close();
  slow.socket.close();
});
