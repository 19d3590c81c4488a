/**
 * The output of a local runner: its stdout and stderr cut into lines, parsed once (Coin's JSON log
 * lines or plain text) and kept in a bounded buffer, numbered so the UI reads only what is new.
 */
import type { JournalEntry } from '../../common/journal-entry';
import { parseServiceLogLine } from '../journal/journal-parsers';

/** A page of output after a sequence number. */
export interface OutputPage {
  entries: JournalEntry[];
  /** Pass as `after` next time. */
  next: number;
  /** Lines after `after` were dropped from the buffer before they were read. */
  truncated: boolean;
}

/** Cuts a stream's chunks into lines; a line longer than `maxLineChars` is cut into pieces. */
export class LineSplitter {
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 16_384,
  ) {}

  /** Feed a chunk; calls onLine for every complete line in it. */
  push(chunk: string): void {
    let text = this.partial + chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.onLine(text.slice(0, newline).replace(/\r$/, ''));
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    while (text.length > this.maxLineChars) {
      this.onLine(text.slice(0, this.maxLineChars));
      text = text.slice(this.maxLineChars);
    }
    this.partial = text;
  }

  /** The last line when the stream ended without a newline. */
  end(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}

/** Where a line came from: the runner's stdout or stderr. */
export type OutputStream = 'stdout' | 'stderr';

/** A line parsed: plain lines get their arrival time, and on stderr at least a warning's level. */
export function parseOutputLine(line: string, stream: OutputStream, now: number): Omit<JournalEntry, 'seq'> {
  const parsed = parseServiceLogLine(line);
  if (parsed.time !== null) return parsed;
  const level = stream === 'stderr' && parsed.level === 'info' ? 'warning' : parsed.level;
  return { ...parsed, time: now, level };
}

/** The latest `capacity` lines of a runner's output, numbered from 1. */
export class OutputBuffer {
  private readonly entries: JournalEntry[] = [];
  private nextSeq = 1;

  constructor(
    private readonly capacity = 5000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Add one line as the runner printed it. */
  append(line: string, stream: OutputStream = 'stdout'): JournalEntry {
    const entry = { seq: this.nextSeq++, ...parseOutputLine(line, stream, this.clock()) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  /** Entries with seq > after, at most `limit`. */
  read(after: number, limit: number): OutputPage {
    const first = this.entries[0]?.seq ?? this.nextSeq;
    const start = Math.max(0, after + 1 - first);
    const entries = this.entries.slice(start, start + limit);
    const next = entries.at(-1)?.seq ?? Math.max(after, first - 1);
    return { entries, next, truncated: after + 1 < first };
  }

  /** The messages of the last `count` lines. */
  lastMessages(count: number): string[] {
    return this.entries.slice(-count).map((e) => e.message);
  }
}
