/**
 * Work item logs: one file per work item under DIR/logs, appended as agents stream their output
 * and read back in byte ranges (a million-line log is never loaded whole). Appends are raw bytes
 * written synchronously: in order, on file before any reader hears of them, and never queued in
 * memory (a 200 MB log costs the instance no more memory than a small one). Next to each log,
 * `<id>.times` records when each appended chunk arrived (log-time-index.ts) and, once the log is
 * finished, `<id>.lines` its line checkpoints (log-line-checkpoints.ts); the log itself stays the
 * raw bytes.
 */
import { closeSync, createReadStream, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LineCounter } from './log-line-checkpoints';
import { encodeLogTime } from './log-time-index';

/** A log being written: its file, its times file and its lines so far. */
interface OpenLog {
  fd: number;
  /** File descriptor of the times file; none if it could not be written. */
  times: number | undefined;
  lines: LineCounter;
  /** The log was empty when this store opened it, so `lines` counts all of it. */
  fromStart: boolean;
}

function openTimes(file: string): number | undefined {
  try {
    return openSync(file, 'a');
  } catch {
    return undefined;
  }
}

/** Write a time record; on failure (disk full) close the file and keep no more times. */
function writeTime(fd: number, record: Buffer): number | undefined {
  try {
    writeSync(fd, record);
    return fd;
  } catch {
    closeSync(fd);
    return undefined;
  }
}

/** All of `bytes` at the end of the file (a write may take less than it was given). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Appends and serves work item logs. */
export class LogStore {
  private readonly open = new Map<string, OpenLog>();

  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  /** The store of DIR/logs; `now` is the clock of the chunk times. */
  static async create(workingDir: string, now: () => number = Date.now): Promise<LogStore> {
    const dir = path.join(workingDir, 'logs');
    await mkdir(dir, { recursive: true });
    return new LogStore(dir, now);
  }

  /** The file of a work item's log (ids are made of safe characters by the planner). */
  pathOf(workItemId: string): string {
    return path.join(this.dir, `${workItemId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  /** The file of the times a work item's log chunks arrived. */
  timesPathOf(workItemId: string): string {
    return this.pathOf(workItemId).replace(/\.log$/, '.times');
  }

  /** The file of a finished log's line checkpoints. */
  linesPathOf(workItemId: string): string {
    return this.pathOf(workItemId).replace(/\.log$/, '.lines');
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
    if (log.times !== undefined)
      log.times = writeTime(log.times, encodeLogTime(log.lines.scanned, this.now()));
    writeAll(log.fd, bytes);
    log.lines.add(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  private openLog(workItemId: string): OpenLog {
    const file = this.pathOf(workItemId);
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const log = {
      fd: openSync(file, 'a'),
      times: openTimes(this.timesPathOf(workItemId)),
      lines: new LineCounter(size),
      // A log appended to again (not in normal runs) is indexed by its readers from the file.
      fromStart: size === 0,
    };
    this.open.set(workItemId, log);
    return log;
  }

  /** Close the log of a finished work item and keep its line checkpoints. */
  async finish(workItemId: string): Promise<void> {
    const log = this.open.get(workItemId);
    this.open.delete(workItemId);
    if (!log) return;
    if (log.times !== undefined) closeSync(log.times);
    closeSync(log.fd);
    // Only a log written whole by this store has checkpoints from byte 0 on.
    if (log.fromStart) writeCheckpoints(this.linesPathOf(workItemId), log.lines);
  }

  /** Remove the log of a discarded work item, with its times and test results. */
  async discard(workItemId: string): Promise<void> {
    await this.finish(workItemId);
    await rm(this.pathOf(workItemId), { force: true });
    await rm(this.timesPathOf(workItemId), { force: true });
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
