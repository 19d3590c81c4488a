/**
 * The instance's side of a log its agent writes itself (log-file-sink.ts): the agent reports how
 * far the file has grown, and this reads the new bytes back from the page cache behind the
 * instance's other work, a piece per turn of the event loop (a result or an event waits for at
 * most one piece), counts their lines for the checkpoints and hands each run of complete lines to
 * the log's viewers. The log is on file before it is reported, so nothing here is on the path of
 * the work item: its end does not wait for the reading to catch up. Since the bytes wait safely
 * on file, the reading also slows down for a viewer whose socket is filling up (for up to 2 s in
 * all per log), rather than have it skip output it would then read again by range.
 * The memory a piece is read into is read into again for the next piece, unless a viewer's socket
 * still holds it (it could not write the frame out at once): a fresh 256 kB for every piece made the
 * kernel fault in 50 MB of new pages for a 50 MB log (11,000 to 16,000 page faults, about 30 ms of
 * the instance's CPU on this kind of machine, against 3,000 to 4,000 with the reuse).
 */
import { fstatSync, readSync } from 'node:fs';
import type { LineCounter } from './log-line-checkpoints';

/** What the viewers did with a delivered run of lines. */
export interface Delivery {
  /** A viewer is falling behind: the reading waits a little. */
  behind: boolean;
  /** A viewer's socket still holds the frame's memory: it must not be read into again. */
  held: boolean;
}

/** The first read of a turn; doubled while a single line is longer than it. */
const pieceBytes = 1 << 18;
/** How long the reading waits for a viewer that is falling behind, each time and at most in all. */
const paceMs = 2;
const paceBudgetMs = 2000;

export class SharedLog {
  /** The size the agent last reported. */
  reported: number;
  private scheduled = false;
  private piece = pieceBytes;
  /** The last delivery found a viewer falling behind. */
  private behind = false;
  private waitedMs = 0;
  /** The memory of the last piece, when nobody holds it any more. */
  private spare: Buffer | undefined;
  private closing: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    /** The log's descriptor (opened on first use: the agent may not have made the file yet). */
    private readonly fd: () => number,
    /** Counts what has been read; `lines.scanned` is how far that is. */
    private readonly lines: LineCounter,
    /**
     * A run of complete lines, in order, each byte once (the last line of the log may lack its
     * newline); says whether a viewer is falling behind and whether one still holds the memory.
     */
    private readonly deliver: (bytes: Buffer, frame: Buffer) => Delivery,
    /**
     * What a viewer's binary frame puts before the bytes: each piece is read in after it, so the
     * frame is the same memory (a 50 MB log was a 50 MB copy on the instance's thread).
     */
    private readonly head: Buffer = Buffer.alloc(0),
  ) {
    this.reported = lines.scanned;
  }

  /** The agent reports `size` bytes; true when that is new. */
  grew(size: number): boolean {
    if (size <= this.reported || this.closing) return false;
    this.reported = size;
    this.schedule();
    return true;
  }

  /**
   * The work item has ended: reads the rest, whatever the file holds (a partial last line too,
   * and what the agent wrote after its last report); resolves once everything is read.
   */
  close(): Promise<void> {
    if (!this.closing) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.closing = { promise, resolve };
      this.schedule();
    }
    return this.closing.promise;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    this.scheduled = false;
    try {
      if (!this.read()) return this.finish();
      // A viewer half way to being skipped: the bytes wait on file while its socket drains, a
      // little at a time and within a budget, so one stalled viewer cannot hold the log up.
      if (this.behind && this.waitedMs < paceBudgetMs) {
        this.waitedMs += paceMs;
        this.scheduled = true;
        setTimeout(() => this.step(), paceMs);
        return;
      }
      return this.schedule();
    } catch {
      // the file is gone or unreadable: what was read stands, readers index the file themselves
    }
    this.finish();
  }

  /** Nothing more to read for now; at the end, the spare memory goes too. */
  private finish(): void {
    if (!this.closing) return;
    this.spare = undefined;
    this.closing.resolve();
  }

  /** One piece: read, count, deliver; true when there may be more to read now. */
  private read(): boolean {
    const closing = this.closing !== undefined;
    const target = closing ? Math.max(this.reported, fstatSync(this.fd()).size) : this.reported;
    const from = this.lines.scanned;
    if (from < target) {
      const wanted = Math.min(target - from, this.piece);
      const headLength = this.head.length;
      const spare = this.spare;
      const buffer =
        spare && spare.length >= headLength + wanted ? spare : Buffer.allocUnsafe(headLength + wanted);
      this.spare = undefined;
      if (buffer !== spare) this.head.copy(buffer, 0);
      const got = readSync(this.fd(), buffer, headLength, wanted, from);
      if (got === 0) {
        this.spare = buffer;
        return false;
      }
      const last = from + got >= target;
      // complete lines only, unless this is the end of a finished log
      const end = closing && last ? got : buffer.lastIndexOf(10, headLength + got - 1) + 1 - headLength;
      if (end > 0) {
        const bytes = buffer.subarray(headLength, headLength + end);
        this.lines.add(bytes);
        this.piece = pieceBytes;
        const delivery = this.deliver(bytes, buffer.subarray(0, headLength + end));
        this.behind = delivery.behind;
        if (!delivery.held) this.spare = buffer;
      } else if (!last) this.piece *= 2;
      else this.spare = buffer;
      return end > 0 || !last;
    }
    return false;
  }
}
