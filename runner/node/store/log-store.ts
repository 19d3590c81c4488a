/**
 * Work item logs: one file per work item under DIR/logs, appended as agents stream their output
 * and read back in byte ranges (a million-line log is never loaded whole). Appends are raw bytes
 * written synchronously: in order, on file before any reader hears of them, and never queued in
 * memory (a 200 MB log costs the instance no more memory than a small one). When each appended
 * chunk arrived is recorded too (log-time-index.ts): a short log's few records are held in memory
 * and then kept by the instance's store, a long one's go to `<id>.times` next to it (log-times.ts).
 * Once the log is finished, `<id>.lines` holds its line checkpoints (log-line-checkpoints.ts); the
 * log itself stays the raw bytes.
 *
 * A log can also be written by its agent (`share`: an agent on this machine appends to the file
 * itself, log-file-sink.ts) and only reported here as it grows (`grown`): the store then notes the
 * times and counts the lines of what it reads back from the page cache, and hands the new
 * complete lines to the log's viewers.
 */
import {
  closeSync,
  createReadStream,
  fstatSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LineCounter } from './log-line-checkpoints';
import { LogTimeIndex, recordsInRange, type TimesReader } from './log-time-index';
import { LogTimes, type KeptTimes } from './log-times';
import { type Delivery, SharedLog } from './shared-log';
import { outputFrameHead } from '../../core/agent-output-frame';

/** A log being written: its file, its times and its lines so far. */
interface OpenLog {
  /**
   * The log's descriptor, readable too: a log its agent writes is read back from it. Opened only
   * when first needed for a log its agent writes (the agent creates the file, so the instance's
   * thread does not pay for that).
   */
  fd: number | undefined;
  times: LogTimes;
  lines: LineCounter;
  /** The log was empty when this store opened it, so `lines` counts all of it. */
  fromStart: boolean;
  /** Written by its agent (`share`). */
  shared?: SharedLog;
}

/** All of `bytes` at the end of the file (a write may take less than it was given). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Appends and serves work item logs. */
/**
 * Told what was read of a shared log: the bytes, and the same bytes as a viewer's binary frame
 * (agent-output-frame.ts) made without a copy. Says whether a viewer is falling behind and whether
 * one still holds the memory after the call (the reading then uses new memory for the next piece).
 */
export type SharedOutputListener = (workItemId: string, bytes: Buffer, frame: Buffer) => Delivery;

export class LogStore {
  private readonly open = new Map<string, OpenLog>();
  /** Shared logs of finished work items still being read (`finish`). */
  private readonly closing = new Set<Promise<void>>();
  /** The times of finished logs still being read, until they are kept (`timesOf` reads them). */
  private readonly finishing = new Map<string, LogTimes>();
  private sharedOutput: SharedOutputListener = () => ({ behind: false, held: false });
  /** Reads the times files of long logs by range. */
  private readonly timeIndex = new LogTimeIndex();

  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
    private readonly kept: KeptTimes | undefined,
  ) {}

  /**
   * The store of DIR/logs; `now` is the clock of the chunk times. `kept` keeps the times of short
   * logs once they are finished (the instance's store); without it they are written to their
   * times file then.
   */
  static async create(workingDir: string, now: () => number = Date.now, kept?: KeptTimes): Promise<LogStore> {
    const dir = path.join(workingDir, 'logs');
    await mkdir(dir, { recursive: true });
    return new LogStore(dir, now, kept);
  }

  /** The file of a work item's log (ids are made of safe characters by the planner). */
  pathOf(workItemId: string): string {
    return path.join(this.dir, `${workItemId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  /** The file of the times a long log's chunks arrived (or a short one's, kept without a store). */
  timesPathOf(workItemId: string): string {
    return this.pathOf(workItemId).replace(/\.log$/, '.times');
  }

  /** The file of a finished log's line checkpoints. */
  linesPathOf(workItemId: string): string {
    return this.pathOf(workItemId).replace(/\.log$/, '.lines');
  }

  /**
   * Who gets the output of logs their agents write (the instance's viewers), as it is read; the
   * listener returns true when a viewer is falling behind (the reading then waits a little).
   */
  onSharedOutput(listener: SharedOutputListener): void {
    this.sharedOutput = listener;
  }

  /** Append lines (each gets a newline), noting when they arrived. */
  append(workItemId: string, lines: readonly string[]): void {
    this.appendBytes(workItemId, Buffer.from(lines.join('\n') + '\n'));
  }

  /**
   * Append raw output as it came, noting when it arrived. The time record goes first (16 bytes),
   * so it is on file before any reader can see the chunk. The times are a convenience: when they
   * cannot be written the log still is.
   */
  appendBytes(workItemId: string, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const log = this.open.get(workItemId) ?? this.openLog(workItemId);
    if (log.shared) {
      // a line of the instance's own in a log its agent writes: one more growth of the file
      const fd = this.descriptor(workItemId, log);
      writeAll(fd, bytes);
      this.grown(workItemId, fstatSync(fd).size);
      return;
    }
    log.times.add(log.lines.scanned, this.now());
    writeAll(this.descriptor(workItemId, log), bytes);
    log.lines.add(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  /**
   * Takes a work item's log as one its agent writes and returns its path (the agent creates the
   * file, appending if it is there); from now on the agent's `grown` reports say how far it has
   * got, and what it wrote goes to the `onSharedOutput` listener once read (shared-log.ts).
   */
  share(workItemId: string): string {
    let log = this.open.get(workItemId);
    if (!log) {
      const size = statSync(this.pathOf(workItemId), { throwIfNoEntry: false })?.size ?? 0;
      log = this.track(workItemId, undefined, size);
    }
    const shared = log;
    shared.shared ??= new SharedLog(
      () => this.descriptor(workItemId, shared),
      shared.lines,
      (bytes, frame) => this.sharedOutput(workItemId, bytes, frame),
      outputFrameHead(workItemId),
    );
    return this.pathOf(workItemId);
  }

  /** The agent has written a shared log up to `size` bytes: notes when that chunk arrived. */
  grown(workItemId: string, size: number): void {
    const log = this.open.get(workItemId);
    const from = log?.shared?.reported;
    if (from === undefined || !log!.shared!.grew(size)) return;
    log!.times.add(from, this.now());
  }

  private openLog(workItemId: string): OpenLog {
    const fd = openSync(this.pathOf(workItemId), 'a+');
    return this.track(workItemId, fd, fstatSync(fd).size);
  }

  private track(workItemId: string, fd: number | undefined, size: number): OpenLog {
    // A log appended to again (not in normal runs) goes on from the times it has.
    const prior = size > 0 ? this.priorTimes(workItemId) : undefined;
    const log: OpenLog = {
      fd,
      times: new LogTimes(this.timesPathOf(workItemId), prior),
      lines: new LineCounter(size),
      // A log appended to again (not in normal runs) is indexed by its readers from the file.
      fromStart: size === 0,
    };
    this.open.set(workItemId, log);
    return log;
  }

  /** The log's descriptor, opened (the file created if its agent has not yet) on first use. */
  private descriptor(workItemId: string, log: OpenLog): number {
    log.fd ??= openSync(this.pathOf(workItemId), 'a+');
    return log.fd;
  }

  /**
   * Close the log of a finished work item and keep its line checkpoints. A log its agent wrote is
   * closed once everything in it has been read (the promise waits for that; the work item need
   * not); until then `closeAll` waits for it too.
   */
  async finish(workItemId: string): Promise<void> {
    const log = this.open.get(workItemId);
    this.open.delete(workItemId);
    if (!log) return;
    if (!log.shared) return this.close(workItemId, log);
    this.finishing.set(workItemId, log.times);
    const closed = log.shared.close().then(() => this.close(workItemId, log));
    this.closing.add(closed);
    await closed;
    this.closing.delete(closed);
  }

  private async close(workItemId: string, log: OpenLog): Promise<void> {
    const records = log.times.close();
    if (records) this.keepTimes(workItemId, records);
    else this.forgetKeptTimes(workItemId); // on file now: any kept from before are out of date
    if (this.finishing.get(workItemId) === log.times) this.finishing.delete(workItemId);
    if (log.fd !== undefined) closeSync(log.fd);
    // Only a log written whole by this store has checkpoints from byte 0 on; a short log (below
    // one checkpoint step and a megabyte) gets none: a reader scans it in one short read.
    const short = log.lines.checkpoints.length === 1 && log.lines.scanned < 1 << 20;
    if (log.fromStart && !short) writeCheckpoints(this.linesPathOf(workItemId), log.lines);
  }

  /** The times of a finished short log go to the store; without one (or if it fails), to their file. */
  private keepTimes(workItemId: string, records: Buffer): void {
    try {
      if (this.kept) return this.kept.put(workItemId, records);
    } catch {
      // not kept there (a log of no known work item): the file keeps them
    }
    try {
      writeFileSync(this.timesPathOf(workItemId), records);
    } catch {
      // a full disk: the log goes on without its times
    }
  }

  private forgetKeptTimes(workItemId: string): void {
    try {
      this.kept?.remove(workItemId);
    } catch {
      // nothing kept to forget
    }
  }

  /** The times a log had before it was opened again: kept by the store, or in its file. */
  private priorTimes(workItemId: string): Buffer | undefined {
    try {
      return this.kept?.get(workItemId) ?? readFileSync(this.timesPathOf(workItemId));
    } catch {
      return undefined;
    }
  }

  /**
   * When the chunks of a work item's log arrived, by byte range: from memory while a short log is
   * open, from the store once it is finished, from the times file of a long one; none for a log
   * kept before times were.
   */
  timesOf(workItemId: string): TimesReader {
    return async (first, last, max) => {
      const times = this.open.get(workItemId)?.times ?? this.finishing.get(workItemId);
      const held = times ? times.inMemory() : this.kept?.get(workItemId);
      if (held) return recordsInRange(held, first, last, max);
      return this.timeIndex.read(this.timesPathOf(workItemId), first, last, max);
    };
  }

  /** Remove the log of a discarded work item, with its times and test results. */
  async discard(workItemId: string): Promise<void> {
    await this.finish(workItemId);
    await rm(this.pathOf(workItemId), { force: true });
    await rm(this.timesPathOf(workItemId), { force: true });
    this.forgetKeptTimes(workItemId);
    await rm(this.linesPathOf(workItemId), { force: true });
    await rm(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), { force: true });
  }

  /** Keep the test results a work item reported (JSON next to its log). */
  async writeTestResults(workItemId: string, results: readonly unknown[]): Promise<void> {
    if (results.length === 0) return;
    await writeFile(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), JSON.stringify(results));
  }

  /** The test results of a work item (empty when it reported none). */
  async readTestResults(workItemId: string): Promise<unknown[]> {
    const text = await readFile(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), 'utf8').catch(
      () => '[]',
    );
    return JSON.parse(text) as unknown[];
  }

  async size(workItemId: string): Promise<number> {
    return (await stat(this.pathOf(workItemId)).catch(() => null))?.size ?? 0;
  }

  /** Bytes [start, end] (inclusive) of the log, or all of it. */
  read(workItemId: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(workItemId), range);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.finish(id)));
    await Promise.all([...this.closing]);
  }
}

/** The checkpoints are a convenience as well: a reader that finds none indexes the file itself. */
function writeCheckpoints(file: string, lines: LineCounter): void {
  try {
    writeFileSync(file, lines.encode());
  } catch {
    // a full disk: the reader scans the log instead
  }
}
