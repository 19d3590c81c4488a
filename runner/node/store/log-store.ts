/**
 * Work item logs: one file per work item under DIR/logs, appended line by line as agents stream
 * them, read back in byte ranges (a million-line log is never loaded whole). Next to each log,
 * `<id>.times` records when each appended batch arrived (log-time-index.ts); the log itself
 * stays the raw bytes.
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  statSync,
  writeSync,
  type WriteStream,
} from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { encodeLogTime } from './log-time-index';

/** A log being written: its stream, its times file and where the next batch starts. */
interface OpenLog {
  stream: WriteStream;
  /** File descriptor of the times file (written synchronously, see append); none if it failed. */
  times: number | undefined;
  offset: number;
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

/** Appends and serves work item logs. */
export class LogStore {
  private readonly open = new Map<string, OpenLog>();

  private constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  /** The store of DIR/logs; `now` is the clock of the batch times. */
  static async create(workingDir: string, now: () => number = Date.now): Promise<LogStore> {
    const dir = path.join(workingDir, 'logs');
    await mkdir(dir, { recursive: true });
    return new LogStore(dir, now);
  }

  /** The file of a work item's log (ids are made of safe characters by the planner). */
  pathOf(workItemId: string): string {
    return path.join(this.dir, `${workItemId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  /** The file of the times a work item's log batches arrived. */
  timesPathOf(workItemId: string): string {
    return this.pathOf(workItemId).replace(/\.log$/, '.times');
  }

  /**
   * Append a batch of lines, noting when it arrived. The time record is written synchronously
   * (16 bytes, one call per batch) so it is on file before any reader can see the batch's lines.
   * The times are a convenience: when they cannot be written the log still is.
   */
  append(workItemId: string, lines: readonly string[]): void {
    const log = this.open.get(workItemId) ?? this.openLog(workItemId);
    const bytes = Buffer.from(lines.join('\n') + '\n');
    if (log.times !== undefined) log.times = writeTime(log.times, encodeLogTime(log.offset, this.now()));
    log.stream.write(bytes);
    log.offset += bytes.length;
  }

  private openLog(workItemId: string): OpenLog {
    const file = this.pathOf(workItemId);
    const log = {
      stream: createWriteStream(file, { flags: 'a' }),
      times: openTimes(this.timesPathOf(workItemId)),
      offset: statSync(file, { throwIfNoEntry: false })?.size ?? 0,
    };
    this.open.set(workItemId, log);
    return log;
  }

  /** Close the log of a finished work item (flushes what was written). */
  async finish(workItemId: string): Promise<void> {
    const log = this.open.get(workItemId);
    this.open.delete(workItemId);
    if (!log) return;
    if (log.times !== undefined) closeSync(log.times);
    await new Promise<void>((resolve) => log.stream.end(resolve));
  }

  /** Remove the log of a discarded work item, with its times and test results. */
  async discard(workItemId: string): Promise<void> {
    await this.finish(workItemId);
    await rm(this.pathOf(workItemId), { force: true });
    await rm(this.timesPathOf(workItemId), { force: true });
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
