/**
 * The times file of an open log (`<id>.times`, format in log-time-index.ts): records appended in
 * order. For a log this store writes itself it is created at once, so a chunk's record is on file
 * before the chunk. For a log its agent writes (`LogStore.share`) it is created off the event
 * loop: creating a file is the dearest step of starting a work item (0.2 to 0.3 ms of the
 * instance's own thread on this kind of machine's ext4, measured with perf in
 * docs/performance.md), and the records of the first milliseconds wait in memory meanwhile.
 * The times are a convenience: once the file cannot be made or written (a full disk), no more
 * are kept and the log goes on without them.
 */
import { closeSync, open, openSync, writeSync } from 'node:fs';

export class TimesFile {
  private fd: number | undefined;
  /** Records that came while the file was being created. */
  private waiting: Buffer[] | undefined;
  private opened: Promise<void> = Promise.resolve();

  private constructor() {}

  /** Creates (or opens) `file` now; none is kept when that fails. */
  static now(file: string): TimesFile {
    const times = new TimesFile();
    try {
      times.fd = openSync(file, 'a');
    } catch {
      times.fd = undefined;
    }
    return times;
  }

  /** Creates (or opens) `file` in the background; records written before that are kept in order. */
  static later(file: string): TimesFile {
    const times = new TimesFile();
    times.waiting = [];
    times.opened = new Promise<void>((resolve) =>
      open(file, 'a', (error, fd) => {
        const waiting = times.waiting ?? [];
        times.waiting = undefined;
        if (!error) {
          times.fd = fd;
          if (waiting.length > 0) times.write(Buffer.concat(waiting));
        }
        resolve();
      }),
    );
    return times;
  }

  /** Appends a record (or records); a failed write closes the file for good. */
  write(record: Buffer): void {
    if (this.waiting) return void this.waiting.push(record);
    if (this.fd === undefined) return;
    try {
      for (let done = 0; done < record.length;)
        done += writeSync(this.fd, record, done, record.length - done);
    } catch {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Closes the file, once it has been created and what waited for it is written. */
  async close(): Promise<void> {
    await this.opened;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
