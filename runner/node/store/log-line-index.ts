/**
 * Lines of work item logs by number, without loading a log: a sparse index (the byte offset of
 * every 1000th line) is taken from the checkpoints the log store kept for a finished log
 * (log-line-checkpoints.ts), else built by one pass over the file, and extended as the file grows, so
 * reading lines 500,000-500,200 of a million-line log reads a few kilobytes. A pass for a page
 * goes as far as the page's lines and no further: the first lines of a log opened for the first
 * time neither wait for the rest nor share the machine with a pass over it while they are drawn
 * (their total is then the lines counted so far; count() goes to the end). Search and the first
 * error scan the file in chunks. Only complete lines (ended by a newline) count. A page can
 * carry when its lines arrived, from the log's times file (log-time-index.ts).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { errorLineCandidates, FirstErrorFinder } from '../../core/first-error';
import { readLineCheckpoints } from './log-line-checkpoints';
import { lineTimes, type LogLineTime, type TimesReader } from './log-time-index';

/** One page of lines and how many complete lines the log has now. */
export interface LogLines {
  total: number;
  from: number;
  lines: string[];
  /** Bytes of the log file. */
  size: number;
  /** When the lines arrived (batch granularity), when asked with a times file. */
  times?: LogLineTime[];
}

/** Line numbers (0-based) of matches, at most `max` of them. */
export interface LogSearchResult {
  matches: number[];
  truncated: boolean;
}

interface FileIndex {
  /** Bytes looked at so far (may end inside a line). */
  scanned: number;
  /** Complete lines among them. */
  lines: number;
  /** checkpoints[k]: byte offset where line k*step starts. */
  checkpoints: number[];
  /** Serialises scans of the same file. */
  busy: Promise<unknown>;
  /** The checkpoints kept next to the log (`.lines`) were looked for. */
  seeded: boolean;
  /** Pages waiting for the pass to count `need` lines. */
  waiters: { need: number; resolve: () => void }[];
  /** Pages being read now: the pass waits for them (a page is asked for by a person waiting). */
  reading: number;
  /** The pass, waiting for the pages being read. */
  paused: (() => void)[];
}

const chunkBytes = 1 << 20;
/** The first read of a pass (a first page of 200 lines of 80 characters is 16 KiB). */
const firstChunkBytes = 64 << 10;
/** Longer lines are cut in responses (the raw log keeps them whole). */
export const maxLineChars = 16_384;
/** Bytes of a line read at most (UTF-8 takes up to 4 bytes a character). */
const lineLimitBytes = maxLineChars * 4;

function cut(line: string): string {
  return line.length <= maxLineChars
    ? line
    : `${line.slice(0, maxLineChars)} … [line cut at ${maxLineChars} characters]`;
}

/** Calls `onChunk(text, firstLineNumber)` for every run of complete lines of the file. */
async function forEachChunk(
  file: string,
  onChunk: (text: string, firstLine: number) => boolean | void,
): Promise<void> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let carry = Buffer.alloc(0);
    let position = 0;
    let line = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      const data = carry.length
        ? Buffer.concat([carry, buffer.subarray(0, bytesRead)])
        : buffer.subarray(0, bytesRead);
      const end = data.lastIndexOf(10);
      if (end < 0) {
        // One enormous line: keep only its last megabyte, the server's memory matters more.
        carry = Buffer.from(data.length > 4 * chunkBytes ? data.subarray(data.length - chunkBytes) : data);
        continue;
      }
      const text = data.toString('utf8', 0, end);
      if (onChunk(text, line) === false) return;
      line += countNewlines(data, end + 1);
      carry = Buffer.from(data.subarray(end + 1));
    }
  } finally {
    await handle.close();
  }
}

function countNewlines(data: Buffer, end: number): number {
  let n = 0;
  for (let i = data.indexOf(10); i !== -1 && i < end; i = data.indexOf(10, i + 1)) n++;
  return n;
}

/** Line numbers of chunk positions, for positions in increasing order. */
function lineNumbersOf(text: string, firstLine: number, positions: number[]): number[] {
  const result: number[] = [];
  let line = firstLine;
  let at = 0;
  for (const position of positions) {
    for (let nl = text.indexOf('\n', at); nl !== -1 && nl < position; nl = text.indexOf('\n', nl + 1)) {
      line++;
      at = nl + 1;
    }
    result.push(line);
  }
  return result;
}

/** The sparse line indexes of recently read logs (least recently used ones are forgotten). */
export class LogLineIndex {
  private readonly files = new Map<string, FileIndex>();

  constructor(
    private readonly step = 1000,
    private readonly maxFiles = 64,
  ) {}

  /**
   * Lines [from, from + count) of the file; `from` past the end gives none. With `times` (the
   * log's batch times: LogStore.timesOf), the page says when its lines arrived.
   */
  async lines(file: string, from: number, count: number, times?: TimesReader): Promise<LogLines> {
    const index = await this.refresh(file, Math.max(0, from) + count);
    index.reading++;
    try {
      return await this.page(file, index, from, count, times);
    } finally {
      if (--index.reading === 0) for (const resume of index.paused.splice(0)) resume();
    }
  }

  private async page(
    file: string,
    index: FileIndex,
    from: number,
    count: number,
    times: TimesReader | undefined,
  ): Promise<LogLines> {
    const total = index.lines;
    const first = Math.min(Math.max(0, from), total);
    const wanted = Math.min(count, total - first);
    const empty = times === undefined ? {} : { times: [] };
    if (wanted <= 0) return { total, from: first, lines: [], size: index.scanned, ...empty };
    const handle = await open(file, 'r');
    try {
      const checkpoint = Math.floor(first / this.step);
      const { lines, offsets } = await readLines(
        handle,
        index.checkpoints[checkpoint]!,
        first - checkpoint * this.step,
        wanted,
      );
      const page = { total, from: first, lines, size: index.scanned };
      if (times === undefined || offsets.length === 0) return { ...page, ...empty };
      const records = await times(offsets[0]!, offsets[offsets.length - 1]!, wanted + 1);
      return { ...page, times: lineTimes(first, offsets, records) };
    } finally {
      await handle.close();
    }
  }

  /** How many complete lines the file has now (its whole index). */
  async count(file: string): Promise<number> {
    return (await this.refresh(file)).lines;
  }

  /** Lines containing `text` (case-insensitive), in order. */
  async search(file: string, text: string, max = 1000): Promise<LogSearchResult> {
    const needle = text.toLowerCase();
    const matches: number[] = [];
    let truncated = false;
    await forEachChunk(file, (chunk, firstLine) => {
      const lower = chunk.toLowerCase();
      const positions: number[] = [];
      for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + 1)) {
        positions.push(at);
        at = lower.indexOf('\n', at);
        if (at === -1) break;
      }
      for (const line of lineNumbersOf(lower, firstLine, positions)) {
        if (matches.length >= max) {
          truncated = true;
          return false;
        }
        matches.push(line);
      }
      return true;
    });
    return { matches, truncated };
  }

  /**
   * The line that shows where the work item failed (runner/core/first-error.ts: the failing
   * tool's output before the agent's account of it, never an echoed command), or null.
   */
  async firstError(file: string): Promise<number | null> {
    const finder = new FirstErrorFinder();
    await forEachChunk(file, (chunk, firstLine) => {
      const candidates = errorLineCandidates();
      let line = firstLine;
      let lineStart = 0;
      for (let match = candidates.exec(chunk); match; match = candidates.exec(chunk)) {
        for (
          let nl = chunk.indexOf('\n', lineStart);
          nl !== -1 && nl < match.index;
          nl = chunk.indexOf('\n', nl + 1)
        ) {
          line++;
          lineStart = nl + 1;
        }
        const end = chunk.indexOf('\n', match.index);
        const lineEnd = end === -1 ? chunk.length : end;
        if (finder.offer(line, chunk.slice(lineStart, lineEnd))) return false;
        candidates.lastIndex = lineEnd;
      }
      return true;
    });
    return finder.result();
  }

  /**
   * The file's index, extended to the file's current size; with `need`, as soon as it counts that
   * many lines (the pass goes on behind).
   */
  private async refresh(file: string, need?: number): Promise<FileIndex> {
    let index = this.files.get(file);
    if (index) this.files.delete(file);
    index ??= {
      scanned: 0,
      lines: 0,
      checkpoints: [0],
      busy: Promise.resolve(),
      seeded: false,
      waiters: [],
      reading: 0,
      paused: [],
    };
    this.files.set(file, index);
    if (this.files.size > this.maxFiles) this.files.delete(this.files.keys().next().value!);
    const current = index;
    const scan = current.busy.then(async () => {
      if (!current.seeded) await seed(file, current, this.step);
      await extend(file, current, this.step, need);
    });
    current.busy = scan.catch(() => undefined).finally(() => wakeWaiters(current, true));
    await (need === undefined ? scan : Promise.race([scan, linesCounted(current, need)]));
    return current;
  }
}

/** Resolves once the index has counted `need` lines (or its pass ends). */
function linesCounted(index: FileIndex, need: number): Promise<void> {
  if (index.lines >= need) return Promise.resolve();
  return new Promise((resolve) => index.waiters.push({ need, resolve }));
}

/** Wakes the pages whose lines are counted; all of them when the pass has ended. */
function wakeWaiters(index: FileIndex, ended: boolean): void {
  if (index.waiters.length === 0) return;
  const waiting = index.waiters;
  index.waiters = [];
  for (const waiter of waiting) {
    if (ended || index.lines >= waiter.need) waiter.resolve();
    else index.waiters.push(waiter);
  }
}

/** Start from the checkpoints the log store kept for a finished log, when there are any. */
async function seed(file: string, index: FileIndex, step: number): Promise<void> {
  index.seeded = true;
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  const kept = await readLineCheckpoints(file.replace(/\.log$/, '.lines'), size, step);
  if (kept && kept.scanned > index.scanned) Object.assign(index, kept);
}

/**
 * Count the newlines added since the last scan; a file that shrank is indexed again. Between
 * chunks the pass waits while pages are being read: a cold million-line log's first page took
 * three times as long with the pass's chunks in between its reads.
 */
async function extend(file: string, index: FileIndex, step: number, need = Infinity): Promise<void> {
  const handle = await open(file, 'r').catch(() => undefined);
  const size = handle ? (await handle.stat()).size : 0;
  if (size < index.scanned) Object.assign(index, { scanned: 0, lines: 0, checkpoints: [0] });
  if (!handle) return;
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    // Small reads first, growing to chunkBytes: the first page of a log opened for the first time
    // waits for the lines it shows, not for a megabyte.
    for (
      let wanted = firstChunkBytes;
      index.scanned < size && index.lines < need;
      wanted = Math.min(chunkBytes, wanted * 4)
    ) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(wanted, size - index.scanned),
        index.scanned,
      );
      if (bytesRead === 0) break;
      const data = buffer.subarray(0, bytesRead);
      for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) {
        index.lines++;
        if (index.lines % step === 0) index.checkpoints.push(index.scanned + i + 1);
      }
      index.scanned += bytesRead;
      wakeWaiters(index, false);
      if (index.reading > 0) await new Promise<void>((resume) => index.paused.push(resume));
    }
  } finally {
    await handle.close();
  }
}

/** `count` complete lines starting `skip` lines after byte `offset`, and where each starts. */
async function readLines(
  handle: FileHandle,
  offset: number,
  skip: number,
  count: number,
): Promise<{ lines: string[]; offsets: number[] }> {
  const lines: string[] = [];
  const offsets: number[] = [];
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let carry = Buffer.alloc(0);
  let position = offset;
  let lineStart = offset;
  let toSkip = skip;
  while (lines.length < count) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    // File position of data[0] for the bytes after the carry (which holds no newline).
    const base = position - carry.length;
    position += bytesRead;
    const data = carry.length
      ? Buffer.concat([carry, buffer.subarray(0, bytesRead)])
      : buffer.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1 && lines.length < count; nl = data.indexOf(10, start)) {
      if (toSkip > 0) toSkip--;
      else {
        lines.push(cut(data.toString('utf8', start, Math.min(nl, start + lineLimitBytes))));
        offsets.push(lineStart);
      }
      start = nl + 1;
      lineStart = base + start;
    }
    carry = Buffer.from(data.subarray(start, start + lineLimitBytes));
    // A line longer than the limit: what follows until its newline is never shown; skip it.
    if (data.length - start > lineLimitBytes) position = await nextNewline(handle, position, buffer);
  }
  return { lines, offsets };
}

/** The file position of the next newline at or after `position` (or the end of the file). */
async function nextNewline(handle: FileHandle, position: number, buffer: Buffer): Promise<number> {
  for (let at = position; ;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return at;
    const nl = buffer.subarray(0, bytesRead).indexOf(10);
    if (nl !== -1) return at + nl;
    at += bytesRead;
  }
}
