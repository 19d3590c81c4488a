/**
 * Reading the service log (DIR/service/coin.log) like `tail -n N -F`, but exactly: every line
 * once, in order, across rotations, and resumable from a cursor after the reader went away (the
 * desktop app over SSH, reconnecting).
 *
 * Why a cursor names the file and not only an offset: `coin service start` rotates a big log by
 * renaming coin.log to coin.log.1 and starting a new coin.log (service-daemon.ts), so "byte N of
 * coin.log" means another place after every rotation. A cursor is therefore
 *
 *     f1:<device>:<inode>:<offset>:<head>
 *
 * - device and inode: which file, wherever its name is now (a rename keeps them);
 * - head: a hash of the file's first min(offset, 256) bytes. A freed inode number is soon given
 *   to a new file (ext4 does), so after coin.log.1 is overwritten by a second rotation the new
 *   coin.log can have the inode the cursor names; its first bytes (the service's start line,
 *   with a time in ms) differ, and the cursor is not taken for it;
 * - offset: the byte after the last whole line read from that file.
 *
 * Resuming after a cursor looks for its file among coin.log and coin.log.1:
 * - coin.log: nothing rotated, go on from the offset;
 * - coin.log.1: rotated once, finish it from the offset, then coin.log from its start;
 * - neither: it was rotated twice (or removed, or truncated). What followed the cursor in that
 *   file is gone; a notice record says lines may be missing and coin.log is read from its start
 *   (every line of it is newer than the cursor; coin.log.1 may hold older ones, so it is skipped).
 * While following, the file is read through one descriptor; when the name coin.log points to
 * another file, what was appended to the old one is read to its end (a last line without newline
 * included: nobody appends to it any more) and the new one is read from 0, with cursors naming
 * it. This runs where the file is, so no race between a remote `tail -F` and the reader's idea
 * of which file the bytes came from is possible.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceFiles } from './service-files';

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

/** The byte offset where the last `count` lines of an open file start (within its last `maxBytes`). */
export function startOfLastLines(fd: number, size: number, count: number, maxBytes = 1024 * 1024): number {
  if (count === Infinity || size === 0) return 0;
  const length = Math.min(size, maxBytes);
  const base = size - length;
  const buffer = Buffer.alloc(length);
  fs.readSync(fd, buffer, 0, length, base);
  const lastNewline = buffer.lastIndexOf(10);
  if (lastNewline < 0) return base === 0 ? 0 : size; // one line longer than maxBytes: skip it
  let start = lastNewline + 1;
  // A last line still being written counts as one, as in `tail -n`.
  let counted = start < length ? 1 : 0;
  while (counted < count && start > 0) {
    const previous = start >= 2 ? buffer.lastIndexOf(10, start - 2) : -1;
    if (previous < 0) {
      if (base === 0) start = 0; // else the line before `start` is cut by the window: left out
      break;
    }
    start = previous + 1;
    counted++;
  }
  return base + start;
}

/** A position in the service log; see the top of this file. */
export interface LogCursor {
  dev: bigint;
  ino: bigint;
  offset: number;
  /** sha256 of the file's first min(offset, 256) bytes, first 16 hex digits. */
  head: string;
}

const headBytes = 256;

/** The cursor as text (what `coin service logs --json` prints and `--after` takes). */
export function formatLogCursor(cursor: LogCursor): string {
  return `f1:${cursor.dev}:${cursor.ino}:${cursor.offset}:${cursor.head}`;
}

/** A cursor from its text; undefined when it is not one. */
export function parseLogCursor(text: string): LogCursor | undefined {
  const match = /^f1:(\d{1,20}):(\d{1,20}):(\d{1,16}):([0-9a-f]{16})$/.exec(text);
  if (!match) return undefined;
  const offset = Number(match[3]);
  if (!Number.isSafeInteger(offset)) return undefined;
  return { dev: BigInt(match[1]!), ino: BigInt(match[2]!), offset, head: match[4]! };
}

function hashHead(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** One file of the log, open, with the offset after the last whole line read from it. */
class OpenLog {
  private fullHead: string | undefined;

  private constructor(
    private readonly fd: number,
    readonly dev: bigint,
    readonly ino: bigint,
    public offset: number,
  ) {}

  /** Opens `file`; undefined when it does not exist (or cannot be read). */
  static open(file: string): OpenLog | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return undefined;
    }
    const stat = fs.fstatSync(fd, { bigint: true });
    return new OpenLog(fd, stat.dev, stat.ino, 0);
  }

  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** Whether this is the file `cursor` names, with at least `cursor.offset` bytes. */
  isAt(cursor: LogCursor): boolean {
    return (
      this.dev === cursor.dev &&
      this.ino === cursor.ino &&
      this.size() >= cursor.offset &&
      this.headAt(cursor.offset) === cursor.head
    );
  }

  cursor(): string {
    return formatLogCursor({
      dev: this.dev,
      ino: this.ino,
      offset: this.offset,
      head: this.headAt(this.offset),
    });
  }

  startOfLastLines(count: number): number {
    return startOfLastLines(this.fd, this.size(), count);
  }

  /**
   * Reads from the offset to the end, giving each whole line with the cursor after it; with
   * `final` (nothing will be appended any more) a last line without newline too. False when the
   * file is now shorter than the offset (truncated in place): the offset is then 0.
   */
  readLines(emit: (line: Buffer, cursor: string) => void, final: boolean): boolean {
    let size = this.size();
    if (size < this.offset) {
      this.offset = 0;
      this.fullHead = undefined;
      return false;
    }
    const chunkBytes = 1024 * 1024;
    while (this.offset < size) {
      const buffer = Buffer.alloc(Math.min(size - this.offset, chunkBytes));
      const read = fs.readSync(this.fd, buffer, 0, buffer.length, this.offset);
      if (read === 0) break;
      const data = buffer.subarray(0, read);
      let start = 0;
      for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, start)) {
        this.offset += at + 1 - start;
        emit(data.subarray(start, at), this.cursor());
        start = at + 1;
      }
      const rest = read - start;
      const atEnd = this.offset + rest >= size || read < buffer.length;
      // A line longer than a chunk is given in pieces; an unterminated last one only when final.
      if (rest > 0 && ((start === 0 && read === chunkBytes) || (atEnd && final))) {
        this.offset += rest;
        emit(data.subarray(start), this.cursor());
      } else if (atEnd) break;
      if (this.offset >= size) size = this.size();
    }
    return true;
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private headAt(offset: number): string {
    if (offset >= headBytes && this.fullHead !== undefined) return this.fullHead;
    const length = Math.min(offset, headBytes);
    const buffer = Buffer.alloc(length);
    const read = length > 0 ? fs.readSync(this.fd, buffer, 0, length, 0) : 0;
    const head = hashHead(buffer.subarray(0, read));
    if (length === headBytes && read === headBytes) this.fullHead = head;
    return head;
  }
}

function identityOf(file: string): { dev: bigint; ino: bigint } | undefined {
  try {
    return fs.statSync(file, { bigint: true });
  } catch {
    return undefined;
  }
}

/** One record of the log as `followLog` gives it. */
export interface LogRecord {
  /** Where a reader that has this record resumes (formatLogCursor). */
  cursor: string;
  /** A whole line, without its newline. */
  line?: Buffer;
  /** Something the reader must be told, such as lines that may be missing. */
  notice?: string;
}

/** Where followLog starts, what it reads and where the records go. */
export interface FollowLogOptions {
  files: Pick<ServiceFiles, 'logFile' | 'previousLogFile'>;
  /** Resume after this cursor; null: begin with the last `initialLines` lines of coin.log. */
  after: LogCursor | null;
  /** Lines of coin.log to give first when `after` is null (Infinity: all). */
  initialLines: number;
  /** Keep reading what is appended (across rotations) until `signal` aborts; else stop at the end. */
  follow: boolean;
  /** Records in order, in batches; a record without line or notice only moves the cursor. */
  onRecords(records: LogRecord[]): void;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Gives the records of the service log from a cursor (or its end), following rotations. */
export async function followLog(options: FollowLogOptions): Promise<void> {
  const { logFile, previousLogFile } = options.files;
  let batch: LogRecord[] = [];
  const flush = () => {
    if (batch.length > 0) options.onRecords(batch);
    batch = [];
  };
  const emit = (record: LogRecord) => {
    batch.push(record);
    if (batch.length >= 1000) flush();
  };
  const emitLine = (line: Buffer, cursor: string) => emit({ cursor, line });
  let current: OpenLog | undefined;
  // True when `current` is no longer coin.log: read to its end, then coin.log from 0.
  let finishing = false;
  const opened = (log: OpenLog) => emit({ cursor: log.cursor() });
  if (options.after === null) {
    current = OpenLog.open(logFile);
    if (current) {
      current.offset = current.startOfLastLines(options.initialLines);
      opened(current);
    }
  } else {
    const after = options.after;
    const at = (file: string) => {
      const log = OpenLog.open(file);
      if (log?.isAt(after)) {
        log.offset = after.offset;
        return log;
      }
      log?.close();
      return undefined;
    };
    current = at(logFile);
    if (!current) {
      current = at(previousLogFile);
      finishing = current !== undefined;
    }
    if (!current) {
      const notice =
        `lines may be missing here: ${logFile} was rotated more than once (or replaced or truncated) ` +
        `since the last line read; going on from its start (older lines may be in ${previousLogFile})`;
      current = OpenLog.open(logFile);
      emit({ cursor: current?.cursor() ?? formatLogCursor(after), notice });
    }
  }
  try {
    for (;;) {
      if (current && !current.readLines(emitLine, finishing))
        emit({ cursor: current.cursor(), notice: `lines may be missing here: ${logFile} was truncated` });
      if (current && finishing) {
        current.close();
        current = undefined;
        finishing = false;
      }
      const now = identityOf(logFile);
      if (current && now && (now.dev !== current.dev || now.ino !== current.ino)) {
        finishing = true; // rotated: what was appended before the rename is read first
        continue;
      }
      if (!current && now) {
        current = OpenLog.open(logFile);
        if (current) opened(current);
        continue;
      }
      flush();
      if (!options.follow || options.signal?.aborted) break;
      await sleep(options.pollMs ?? 200, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal?.aborted) break;
    }
  } finally {
    current?.close();
    flush();
  }
}
