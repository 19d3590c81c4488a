/**
 * A journal followed live into a bounded buffer: the source's command streams over the host;
 * when the stream breaks (the SSH connection dropped) it starts again from the cursor after the
 * last whole line, so no line is lost or repeated. Readers poll it by sequence number. The cursor
 * is the source's (journald's, or one naming the log file and offset: journal-sources.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry } from '../../common/journal-entry';
import type { Host } from '../host/host';
import { isPermanentSshError } from '../ssh/ssh-connection';
import type { JournalSource } from './journal-sources';

/** The follower's state for the viewer. */
export interface FollowerState {
  state: 'starting' | 'following' | 'reconnecting' | 'failed' | 'stopped';
  error: string | null;
  /** Times the stream was started again after breaking. */
  resumed: number;
}

/** What read() returns: entries after a sequence number and where to continue. */
export interface JournalPage {
  entries: JournalEntry[];
  /** Pass as `after` to the next read. */
  next: number;
  /** True when entries after `after` were already dropped from the buffer. */
  truncated: boolean;
}

/** Tuning of a follower. */
export interface FollowerOptions {
  /** Entries kept (oldest dropped first); default 100,000. */
  capacity?: number;
  /** Delay before starting the stream again after it broke or ended (ms); default 500. */
  retryMs?: number;
}

/** Follows one journal source on one host. */
export class JournalFollower {
  private readonly entries: JournalEntry[] = [];
  private nextSeq = 1;
  private cursor: string | null = null;
  private partial: Buffer = Buffer.alloc(0);
  private snapshot: FollowerState = { state: 'starting', error: null, resumed: 0 };
  private stopping = false;
  private current: { stop(): Promise<void> } | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly host: Host,
    private readonly source: JournalSource,
    private readonly options: FollowerOptions = {},
  ) {}

  /** Starts following (once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** What is followed, for people. */
  get description(): string {
    return this.source.description;
  }

  /** The state now. */
  state(): FollowerState {
    return this.snapshot;
  }

  /** Up to `limit` entries with a sequence number above `after`. */
  read(after: number, limit: number): JournalPage {
    const first = this.entries[0]?.seq ?? this.nextSeq;
    const from = Math.max(0, after + 1 - first);
    const entries = this.entries.slice(from, from + limit);
    return { entries, next: entries.at(-1)?.seq ?? Math.max(after, first - 1), truncated: after + 1 < first };
  }

  /** Stops the stream on the host and the loop. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.stop();
    await this.loop;
    this.snapshot = { ...this.snapshot, state: 'stopped' };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if ((await this.followOnce()) === 'switched') continue;
        if (!this.stopping)
          this.snapshot = {
            ...this.snapshot,
            state: 'reconnecting',
            error: `${this.source.description} ended`,
          };
      } catch (error) {
        if (isPermanentSshError(error)) {
          this.snapshot = { ...this.snapshot, state: 'failed', error: (error as Error).message };
          return;
        }
        this.snapshot = { ...this.snapshot, state: 'reconnecting', error: (error as Error).message };
      }
      // What arrived after the last whole line is read again from the cursor.
      this.partial = Buffer.alloc(0);
      if (this.stopping) return;
      await sleep(this.options.retryMs ?? 500);
      this.snapshot = { ...this.snapshot, resumed: this.snapshot.resumed + 1 };
    }
  }

  /** One run of the source's command; 'switched' when the source chose another command to run. */
  private async followOnce(): Promise<'ended' | 'switched'> {
    const { argv, cursor, notice } = await this.source.command(this.cursor);
    this.cursor = cursor;
    if (notice)
      this.push({ time: Date.now(), level: 'warning', message: notice, pid: null, seq: this.nextSeq++ });
    let stderr = '';
    const stream = await this.host.stream(argv, {
      onStdout: (chunk) => this.feed(chunk),
      onStderr: (chunk) => (stderr = (stderr + chunk.toString()).slice(-2000)),
    });
    this.current = stream;
    if (this.stopping) await stream.stop();
    this.snapshot = { ...this.snapshot, state: 'following', error: null };
    const exit = await stream.done;
    if (this.stopping) return 'ended';
    if (this.source.ended?.(exit, stderr)) {
      this.partial = Buffer.alloc(0);
      return 'switched';
    }
    if (exit.code !== 0)
      throw new Error(`${this.source.description} exited with ${exit.code ?? exit.signal}: ${stderr.trim()}`);
    return 'ended';
  }

  private feed(chunk: Buffer): void {
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10)) {
      const { entry, cursor } = this.source.parse(data.subarray(0, at), this.cursor);
      this.cursor = cursor;
      if (entry) this.push({ ...entry, seq: this.nextSeq++ });
      data = data.subarray(at + 1);
    }
    this.partial = Buffer.from(data);
  }

  private push(entry: JournalEntry): void {
    this.entries.push(entry);
    // Trimmed in batches: one splice per tenth of the capacity, not one per line.
    const capacity = this.options.capacity ?? 100_000;
    if (this.entries.length > capacity + Math.ceil(capacity / 10))
      this.entries.splice(0, this.entries.length - capacity);
  }
}
