/**
 * A command's output through a spool file instead of pipes (the log's fast path on an agent).
 *
 * With pipes the command can only write as fast as the agent drains them: a pipe holds 64 KiB,
 * so a chatty build wakes the agent over a thousand times per 50 MB and stalls whenever the agent
 * waits for a core. Here the command's stdout and stderr are one file (like `cmd > log 2>&1`:
 * one open file description, so the bytes stay in the order the command wrote them, exactly as a
 * terminal would show them), its writes cost what writing any file costs, and the agent reads
 * what the file grew by in reads of up to 1 MiB while it runs, and the rest once it has exited.
 *
 * The file lives in the agent's spool directory (outside every work area, so no upload takes it)
 * for the command's lifetime and is removed afterwards; it costs at most the command's output in
 * disk space while the command runs.
 */
import { closeSync, mkdirSync, openSync, read, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const readAt = promisify(read);

/** The largest read: one agent output frame's worth. */
export const spoolReadBytes = 1 << 20;
/** A read smaller than this is copied out of its 1 MiB buffer, so a short line does not pin one. */
const copyBelowBytes = 64 << 10;
/** After a read that found bytes: wait this long, so a fast writer's output arrives in large reads. */
export const busyPollMs = 4;
/** An idle file is polled at most this far apart (the output batcher's own delay is 50 ms). */
export const idlePollMs = 50;

let spoolCounter = 0;

/**
 * One command's spool file: `writeFd` (O_TRUNC|O_CREAT) is what the command gets as stdout and
 * stderr; the agent closes its copy once the command has started (`closeWriter`), follows the
 * file while the command runs and reads the rest when it has ended (`finish`).
 */
export class SpoolFile {
  readonly path: string;
  readonly writeFd: number;
  private readonly readFd: number;
  private writerOpen = true;
  private readerOpen = true;
  private position = 0;
  private finishing = false;
  private onBytes: (bytes: Buffer) => void = () => undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  private finished: Promise<void> | undefined;
  /** Why reading stopped early, if it did (the command's output after that point is lost). */
  error: Error | undefined;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = path.join(dir, `out-${process.pid}-${++spoolCounter}.log`);
    this.writeFd = openSync(this.path, 'w', 0o600);
    this.readFd = openSync(this.path, 'r');
  }

  closeWriter(): void {
    if (this.writerOpen) closeSync(this.writeFd);
    this.writerOpen = false;
  }

  /**
   * Starts following the file from its start: every byte goes to `onBytes` exactly once, in
   * order (views of fresh buffers, never reused). Call once.
   */
  follow(onBytes: (bytes: Buffer) => void): void {
    this.onBytes = onBytes;
    this.loop = this.poll().catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.error ??= error instanceof Error ? error : new Error(String(error));
  }

  /** Reads what the file holds beyond the position, in reads of up to 1 MiB; returns how much. */
  private async readAvailable(): Promise<number> {
    let total = 0;
    while (this.readerOpen) {
      const buffer = Buffer.allocUnsafe(spoolReadBytes);
      const { bytesRead } = await readAt(this.readFd, buffer, 0, spoolReadBytes, this.position);
      if (bytesRead === 0) return total;
      this.position += bytesRead;
      total += bytesRead;
      const bytes = buffer.subarray(0, bytesRead);
      this.onBytes(bytesRead < copyBelowBytes ? Buffer.from(bytes) : bytes);
      if (bytesRead < spoolReadBytes) return total;
    }
    return total;
  }

  private async poll(): Promise<void> {
    let delay = busyPollMs;
    while (!this.finishing) {
      const found = await this.readAvailable();
      delay = found > 0 ? busyPollMs : Math.min(delay * 2, idlePollMs);
      if (this.finishing) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * The command has exited and its process group is gone: read everything still in the file,
   * then close and remove it. Never rejects (a read error is kept in `error`); safe to repeat.
   */
  finish(): Promise<void> {
    this.finished ??= (async () => {
      this.finishing = true;
      this.wake?.();
      await this.loop;
      if (!this.error) await this.readAvailable().catch((error: unknown) => this.fail(error));
      this.discard();
    })();
    return this.finished;
  }

  /** Closes both descriptors and removes the file (also when the command never started). */
  discard(): void {
    this.closeWriter();
    if (this.readerOpen) closeSync(this.readFd);
    this.readerOpen = false;
    rmSync(this.path, { force: true });
  }
}
