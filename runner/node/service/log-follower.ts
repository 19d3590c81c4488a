/**
 * Reading the service log like `tail -n N -F`: the last lines, then whatever is appended, across
 * a rotation (the file replaced by a new one) until the signal aborts.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

/** The last `count` lines of a file (at most the last `maxBytes` of it), without reading all of it. */
export function readLastLines(file: string, count: number, maxBytes = 1024 * 1024): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (length < size) lines.shift(); // the first one is cut
    return count >= lines.length ? lines : lines.slice(lines.length - count);
  } finally {
    fs.closeSync(fd);
  }
}

/** How followFile starts and where its text goes. */
export interface FollowOptions {
  /** Lines of what is already there to emit first (Infinity: all of it). */
  initialLines: number;
  onText(text: string): void;
  signal: AbortSignal;
  pollMs?: number;
}

/** Emit the end of `file`, then everything appended to it, until `signal` aborts. */
export async function followFile(file: string, options: FollowOptions): Promise<void> {
  const initial = Number.isFinite(options.initialLines)
    ? readLastLines(file, options.initialLines)
    : readAll(file);
  if (initial.length > 0) options.onText(`${initial.join('\n')}\n`);
  let current = openAtEnd(file);
  while (!options.signal.aborted) {
    if (current) drain(current, options.onText);
    const replaced = current ? inodeOf(file) !== current.inode : fs.existsSync(file);
    if (replaced) {
      // What was appended to the old file before it was replaced still counts.
      if (current) drain(current, options.onText);
      if (current) fs.closeSync(current.fd);
      current = openAt(file, 0);
      continue;
    }
    await sleep(options.pollMs ?? 200, undefined, { signal: options.signal }).catch(() => undefined);
  }
  if (current) fs.closeSync(current.fd);
}

interface OpenFile {
  fd: number;
  inode: number;
  position: number;
  // Keeps a character split across two reads whole.
  decoder: StringDecoder;
}

function readAll(file: string): string[] {
  return readLastLines(file, Infinity, Number.MAX_SAFE_INTEGER);
}

function openAtEnd(file: string): OpenFile | undefined {
  try {
    return openAt(file, fs.statSync(file).size);
  } catch {
    return undefined;
  }
}

function openAt(file: string, position: number): OpenFile | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    return { fd, inode: fs.fstatSync(fd).ino, position, decoder: new StringDecoder('utf8') };
  } catch {
    return undefined;
  }
}

function drain(open: OpenFile, onText: (text: string) => void): void {
  const size = fs.fstatSync(open.fd).size;
  if (size < open.position) open.position = 0; // truncated in place
  while (open.position < size) {
    const buffer = Buffer.alloc(Math.min(size - open.position, 1024 * 1024));
    const read = fs.readSync(open.fd, buffer, 0, buffer.length, open.position);
    if (read === 0) break;
    open.position += read;
    const text = open.decoder.write(buffer.subarray(0, read));
    if (text) onText(text);
  }
}

function inodeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).ino;
  } catch {
    return undefined;
  }
}
