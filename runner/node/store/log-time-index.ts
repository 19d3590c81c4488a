/**
 * When the lines of a work item's log arrived: a side file next to the log (`<id>.times`) with
 * one fixed-size record per appended batch: the byte offset in the log where the batch starts
 * and the time it arrived (ms since the epoch). Agents send their output in batches at least
 * every 50 ms, so a line's time is when its batch reached the instance: up to about 50 ms after
 * the agent saw it, the same for every line of a batch. Fixed-size records in offset order let
 * a reader find the batches of any byte range without loading the file; a log written over an
 * hour has at most ~72,000 records (1.1 MB), whatever its number of lines.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes of one record: offset and time, each a little-endian float64 (exact up to 2^53). */
export const logTimeRecordBytes = 16;

/** One batch: where it starts in the log and when it arrived. */
export interface LogTimeRecord {
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** From line `line` on (to the next entry or the end of the page), the lines arrived at `at`. */
export interface LogLineTime {
  readonly line: number;
  readonly at: number;
}

/**
 * The records of the batches holding bytes [first, last] of a log: the one holding `first` and
 * every one starting up to `last`, at most `max` of them.
 */
export type TimesReader = (first: number, last: number, max: number) => Promise<LogTimeRecord[]>;

/** The record of a batch starting at byte `offset` of the log that arrived at `at`. */
export function encodeLogTime(offset: number, at: number): Buffer {
  const record = Buffer.allocUnsafe(logTimeRecordBytes);
  record.writeDoubleLE(offset, 0);
  record.writeDoubleLE(at, 8);
  return record;
}

function decode(buffer: Buffer, at: number): LogTimeRecord {
  return { offset: buffer.readDoubleLE(at), at: buffer.readDoubleLE(at + 8) };
}

/** What a TimesReader answers, from records held whole in `buffer` (a short log's, in memory or kept). */
export function recordsInRange(buffer: Buffer, first: number, last: number, max: number): LogTimeRecord[] {
  const count = Math.floor(buffer.length / logTimeRecordBytes);
  const offsets = Array.from({ length: count }, (_, i) => buffer.readDoubleLE(i * logTimeRecordBytes));
  const records: LogTimeRecord[] = [];
  for (let i = Math.max(0, lastAtOrBefore(offsets, first)); i < count && records.length < max; i++) {
    if (offsets[i]! > last) break;
    records.push(decode(buffer, i * logTimeRecordBytes));
  }
  return records;
}

/** What a reader knows of one times file: its records so far and every `step`-th one's offset. */
interface TimesFile {
  records: number;
  /** checkpoints[k]: the log offset of record k * step. */
  checkpoints: number[];
  /** Serialises reads of the same file. */
  busy: Promise<unknown>;
}

/** Records read per call (8 KiB). */
const blockRecords = 512;

/**
 * Reads batch times by byte range. Like the line index it keeps a sparse index of each recently
 * read times file (the offset of every 256th record), built in one pass and extended as the file
 * grows, so a range costs one read of a few kilobytes; least recently used files are forgotten.
 */
export class LogTimeIndex {
  private readonly files = new Map<string, TimesFile>();

  constructor(
    private readonly step = 256,
    private readonly maxFiles = 64,
  ) {}

  /**
   * The records of the batches holding bytes [first, last] of the log: the one holding `first`
   * and every one starting up to `last`, at most `max` of them. A missing file (a log written
   * before times were kept) has none; a torn last record is ignored.
   */
  async read(file: string, first: number, last: number, max = 10_000): Promise<LogTimeRecord[]> {
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) return [];
    try {
      const index = this.remember(file);
      const scan = index.busy.then(() => this.extend(handle, index));
      index.busy = scan.catch(() => undefined);
      await scan;
      if (index.records === 0) return [];
      const checkpoint = Math.max(0, lastAtOrBefore(index.checkpoints, first));
      const records = await recordsFrom(handle, checkpoint * this.step, index.records, last, max + this.step);
      const from = Math.max(
        0,
        lastAtOrBefore(
          records.map((r) => r.offset),
          first,
        ),
      );
      return records.slice(from, from + max);
    } finally {
      await handle.close();
    }
  }

  private remember(file: string): TimesFile {
    const index = this.files.get(file) ?? { records: 0, checkpoints: [], busy: Promise.resolve() };
    this.files.delete(file);
    this.files.set(file, index);
    if (this.files.size > this.maxFiles) this.files.delete(this.files.keys().next().value!);
    return index;
  }

  /** Note the checkpoints of the records added since the last look; a shrunk file starts over. */
  private async extend(handle: FileHandle, index: TimesFile): Promise<void> {
    const count = Math.floor((await handle.stat()).size / logTimeRecordBytes);
    if (count < index.records) Object.assign(index, { records: 0, checkpoints: [] });
    const buffer = Buffer.allocUnsafe(blockRecords * 16 * logTimeRecordBytes);
    while (index.records < count) {
      const wanted = Math.min(count - index.records, blockRecords * 16) * logTimeRecordBytes;
      const { bytesRead } = await handle.read(buffer, 0, wanted, index.records * logTimeRecordBytes);
      const read = Math.floor(bytesRead / logTimeRecordBytes);
      if (read === 0) break;
      // Only every step-th record is a checkpoint: visit those, not every record.
      for (let i = (this.step - (index.records % this.step)) % this.step; i < read; i += this.step)
        index.checkpoints.push(buffer.readDoubleLE(i * logTimeRecordBytes));
      index.records += read;
    }
  }
}

/** Index of the last value at or before `offset` in ascending `values` (-1 when none is). */
function lastAtOrBefore(values: readonly number[], offset: number): number {
  let [low, high] = [0, values.length - 1];
  if (high < 0 || values[0]! > offset) return -1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (values[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Records from index `start` on, while they start at or before byte `last` (blocks of 8 KiB). */
async function recordsFrom(
  handle: FileHandle,
  start: number,
  count: number,
  last: number,
  max: number,
): Promise<LogTimeRecord[]> {
  const records: LogTimeRecord[] = [];
  const buffer = Buffer.allocUnsafe(blockRecords * logTimeRecordBytes);
  for (let index = start; index < count && records.length < max;) {
    const wanted = Math.min(count - index, max - records.length, blockRecords) * logTimeRecordBytes;
    const { bytesRead } = await handle.read(buffer, 0, wanted, index * logTimeRecordBytes);
    if (bytesRead < logTimeRecordBytes) break;
    for (let at = 0; at + logTimeRecordBytes <= bytesRead; at += logTimeRecordBytes, index++) {
      const record = decode(buffer, at);
      if (record.offset > last) return records;
      records.push(record);
    }
  }
  return records;
}

/**
 * The times of a page of lines: `offsets[i]` is where line `from + i` starts in the log and
 * `records` the batches (in offset order). Consecutive lines of the same time share one entry;
 * lines before the first record (no time known) get none.
 */
export function lineTimes(
  from: number,
  offsets: readonly number[],
  records: readonly LogTimeRecord[],
): LogLineTime[] {
  const times: LogLineTime[] = [];
  let r = -1;
  offsets.forEach((offset, i) => {
    while (r + 1 < records.length && records[r + 1]!.offset <= offset) r++;
    if (r < 0) return;
    const at = records[r]!.at;
    if (times[times.length - 1]?.at !== at) times.push({ line: from + i, at });
  });
  return times;
}
