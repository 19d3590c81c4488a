/**
 * The lines of one log that the page has fetched: chunks of lines by number, filled from any
 * range the server answers (a chunk, the tail), so a million-line log costs only what was looked
 * at. The total grows as a running work item writes. Each line keeps when it arrived, when the
 * server knows.
 */
import type { AnsiSegment, AnsiStyle } from './ansi';
import type { LogLineTime } from './api-types';

interface Chunk {
  lines: (string | undefined)[];
  /** Milliseconds since the epoch, per line. */
  times: (number | undefined)[];
  filled: number;
}

/** Fetched lines of one log. */
export class LogLineCache {
  total = 0;
  private readonly chunks = new Map<number, Chunk>();

  constructor(readonly chunkSize = 500) {}

  /** A line (0-based), or undefined while it is not fetched. */
  lineAt(index: number): string | undefined {
    return this.chunks.get(Math.floor(index / this.chunkSize))?.lines[index % this.chunkSize];
  }

  /** When a line arrived (ms since the epoch), or undefined when not fetched or not known. */
  timeAt(index: number): number | undefined {
    return this.chunks.get(Math.floor(index / this.chunkSize))?.times[index % this.chunkSize];
  }

  /** Keep lines starting at `from` (with their times, runs of lines), and the log's line count. */
  put(from: number, lines: readonly string[], total: number, times: readonly LogLineTime[] = []): void {
    this.total = Math.max(this.total, total);
    let run = -1;
    lines.forEach((line, i) => {
      const index = from + i;
      while (run + 1 < times.length && times[run + 1]!.line <= index) run++;
      const chunk = this.chunkOf(index);
      if (chunk.lines[index % this.chunkSize] === undefined) chunk.filled++;
      chunk.lines[index % this.chunkSize] = line;
      chunk.times[index % this.chunkSize] = run >= 0 ? times[run]!.at : undefined;
    });
  }

  private chunkOf(index: number): Chunk {
    const key = Math.floor(index / this.chunkSize);
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = { lines: new Array<string | undefined>(this.chunkSize), times: [], filled: 0 };
      this.chunks.set(key, chunk);
    }
    return chunk;
  }

  /** Chunks that lines first..last need and that miss lines the log has. */
  chunksToFetch(first: number, last: number): number[] {
    const result: number[] = [];
    const end = Math.min(last, this.total - 1);
    for (let key = Math.floor(first / this.chunkSize); key * this.chunkSize <= end; key++) {
      const expected = Math.min(this.chunkSize, this.total - key * this.chunkSize);
      if ((this.chunks.get(key)?.filled ?? 0) < expected) result.push(key);
    }
    return result;
  }

  /** Forget everything (the log was replaced). */
  clear(): void {
    this.chunks.clear();
    this.total = 0;
  }
}

/** `text` split around case-insensitive occurrences of `needle`, for highlighting. */
export function splitMatches(text: string, needle: string): { text: string; match: boolean }[] {
  if (!needle) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const target = needle.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (let found = lower.indexOf(target); found !== -1; found = lower.indexOf(target, at)) {
    if (found > at) parts.push({ text: text.slice(at, found), match: false });
    parts.push({ text: text.slice(found, found + target.length), match: true });
    at = found + target.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/** A styled run of a line with the parts of it that match the search. */
export interface MarkedSegment {
  style: AnsiStyle;
  parts: { text: string; match: boolean }[];
}

/**
 * Styled segments with the search matches marked inside them: a match keeps the colours of the
 * text it covers, and one that spans segments is marked in each.
 */
export function markMatches(segments: readonly AnsiSegment[], needle: string): MarkedSegment[] {
  const matches = splitMatches(segments.map((s) => s.text).join(''), needle);
  let [m, used] = [0, 0];
  return segments.map((segment) => {
    const parts: MarkedSegment['parts'] = [];
    for (let at = 0; at < segment.text.length && m < matches.length;) {
      const match = matches[m]!;
      const n = Math.min(segment.text.length - at, match.text.length - used);
      parts.push({ text: segment.text.slice(at, at + n), match: match.match });
      at += n;
      used += n;
      if (used === match.text.length) [m, used] = [m + 1, 0];
    }
    return { style: segment.style, parts };
  });
}
