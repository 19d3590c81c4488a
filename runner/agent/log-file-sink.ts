/**
 * A work item's log written by its agent (an agent on the instance's own machine, given the log's
 * path in the run message). The agent appends its own lines and masked output here, commands
 * write into the file directly (run-command.ts `direct`), and the instance is told how far the
 * file has grown instead of being sent the bytes: no copy of the output crosses a socket, and
 * the instance reads only what its viewers and its line index need, from the page cache.
 *
 * The file is opened for appending (O_APPEND), so the agent's writes and a command's land one
 * after the other, never over each other. Sizes are reported at most every 50 ms, at once when
 * 1 MiB or more is unreported, and on `flush`; the final size goes with the result (`close`).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { ResultMessage } from '../core/agent-protocol';
import type { DirectOutput } from './run-command';

/** Report the size at once when this much has not been reported yet. */
const reportAtBytes = 1 << 20;
const reportEveryMs = 50;
const newline = Buffer.from('\n');

export class LogFileSink implements DirectOutput {
  readonly fd: number;
  private reported: number;
  /**
   * How big the file is at least: the last size seen, plus what the agent appended since (an
   * O_APPEND write grows the file by its length). Enough to decide when to report, so a line costs
   * one write and no fstat; the size reported is always read from the file.
   */
  private known: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Why writing stopped (a full disk): the log ends there; the result says so (`verdict`). */
  error: Error | undefined;

  /** Opens (creates) `file` for appending; throws when it cannot be opened. */
  constructor(
    file: string,
    private readonly report: (size: number) => void,
  ) {
    this.fd = openSync(file, 'a+', 0o644);
    this.reported = this.size();
    this.known = this.reported;
  }

  size(): number {
    return fstatSync(this.fd).size;
  }

  /** A line of the agent's own (what runs, what failed, how long it took). */
  line(text: string): void {
    this.write(Buffer.from(`${text}\n`, 'utf8'));
  }

  /** Bytes the agent passes on itself (a command's output with hidden texts masked). */
  write(bytes: Uint8Array): void {
    if (this.closed || this.error || bytes.length === 0) return;
    try {
      for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
      return;
    }
    this.grew(this.known + bytes.length);
  }

  /** The file is `size` bytes now (a command writing into it, or the agent). */
  grew(size: number): void {
    this.known = Math.max(this.known, size);
    if (this.closed || size <= this.reported) return;
    if (size - this.reported >= reportAtBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), reportEveryMs);
  }

  /**
   * A command that wrote into the file from byte `from` on has ended: a last line without a
   * newline gets one, so the next line of the log starts on its own (as on the other paths).
   */
  ended(from: number): void {
    const size = this.size();
    if (size <= from || this.error) return;
    const last = Buffer.alloc(1);
    readSync(this.fd, last, 0, 1, size - 1);
    if (last[0] !== 10) this.write(newline);
    else this.grew(size);
  }

  /** Reports the size now if it changed since the last report. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const size = this.size();
    this.known = Math.max(this.known, size);
    if (size === this.reported) return;
    this.reported = size;
    this.report(size);
  }

  /**
   * The work item's result as the log allows: a work item that passed but whose log could not be
   * written to the end (a full disk) fails as a system failure that says why, so no one trusts a
   * log that stops short; a failure of its own stays the failure.
   */
  verdict(result: ResultMessage): ResultMessage {
    if (!this.error || !result.passed) return result;
    const message = `writing the work item's log failed, it stops there: ${this.error.message}`;
    return { ...result, passed: false, failure: { kind: 'system', message, at: null } };
  }

  /**
   * Closes the file and returns its final size; reports it too unless `report` is false (the
   * caller then sends it itself, with the result).
   */
  close({ report = true } = {}): number {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return this.reported;
    if (report) this.flush();
    const size = report ? this.reported : this.size();
    this.reported = size;
    this.closed = true;
    closeSync(this.fd);
    return size;
  }
}
