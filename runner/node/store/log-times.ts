/**
 * The batch times of an open log (records in the format of log-time-index.ts), in memory while
 * there are few of them. Most logs are short: a work item that runs a few commands has a handful
 * of batches, and a file of their own would be the dearest thing it makes (creating a file costs
 * 0.2 to 0.3 ms of CPU on this kind of machine's ext4, measured with perf in docs/performance.md).
 * Their records go to whoever keeps the times of finished logs (`KeptTimes`: the instance's store)
 * when the log closes. A log whose records pass `spillBytes` (about 13 s of steady output at one
 * batch per 50 ms) gets its times file `<id>.times` then, written whole, and appended to from then
 * on: a long log's times cost no memory and are read by range (LogTimeIndex).
 * The times are a convenience: once the file cannot be made or written, no more are kept and the
 * log goes on without them.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeLogTime, logTimeRecordBytes } from './log-time-index';

/** Where the times of finished short logs are kept (the instance's store). */
export interface KeptTimes {
  /** The records of a finished log kept here, or undefined. */
  get(workItemId: string): Buffer | undefined;
  /** Keeps (or replaces) a finished log's records; throws when they cannot be kept. */
  put(workItemId: string, records: Buffer): void;
  remove(workItemId: string): void;
}

/** Records held in memory before a log gets a times file (256 records). */
export const defaultSpillBytes = 4096;

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

export class LogTimes {
  /** The records while they are held in memory (`length` bytes of it used). */
  private held: Buffer | undefined;
  private length = 0;
  /** The times file once the records spilled into it; undefined again after a failed write. */
  private fd: number | undefined;
  private closed = false;

  /**
   * `file` is the log's times file, made only if the records outgrow `spillBytes`; `prior` holds
   * the records of the same log from before (a log appended to again), which come first.
   */
  constructor(
    private readonly file: string,
    prior?: Buffer,
    private readonly spillBytes = defaultSpillBytes,
  ) {
    this.held = Buffer.allocUnsafe(Math.max(256, prior?.length ?? 0));
    if (prior) {
      prior.copy(this.held);
      this.length = prior.length;
      if (this.length > spillBytes) this.spill();
    }
  }

  /** The batch starting at byte `offset` of the log arrived at `at` (ms since the epoch). */
  add(offset: number, at: number): void {
    if (this.closed) return;
    if (this.held) {
      if (this.length + logTimeRecordBytes > this.held.length) this.grow();
      this.held.writeDoubleLE(offset, this.length);
      this.held.writeDoubleLE(at, this.length + 8);
      this.length += logTimeRecordBytes;
      if (this.length > this.spillBytes) this.spill();
      return;
    }
    if (this.fd !== undefined) this.write(encodeLogTime(offset, at));
  }

  /** The records so far while they are in memory (a view: copy it to keep it); undefined once on file. */
  inMemory(): Buffer | undefined {
    return this.held?.subarray(0, this.length);
  }

  /**
   * Ends the log's times: the file (if it spilled) is closed; the records held in memory are
   * returned, for the caller to keep.
   */
  close(): Buffer | undefined {
    if (this.closed) return undefined;
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const records = this.held && Buffer.from(this.held.subarray(0, this.length));
    this.held = undefined;
    return records;
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(this.held!.length * 2);
    this.held!.copy(bigger, 0, 0, this.length);
    this.held = bigger;
  }

  /** Writes what is held into a new times file (replacing any stale one) and appends from then on. */
  private spill(): void {
    const records = this.held!.subarray(0, this.length);
    this.held = undefined;
    try {
      this.fd = openSync(this.file, 'w');
    } catch {
      return;
    }
    this.write(records);
  }

  /** Appends records to the file; a failed write closes it for good. */
  private write(records: Buffer): void {
    try {
      writeAll(this.fd!, records);
    } catch {
      closeSync(this.fd!);
      this.fd = undefined;
    }
  }
}
