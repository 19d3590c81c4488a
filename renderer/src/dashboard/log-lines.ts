/**
 * The lines of one log that the page has fetched: chunks of lines by number, filled from any
 * range the server answers (a chunk, the tail), so a million-line log costs only what was looked
 * at. The total grows as a running work item writes.
 */

/** Fetched lines of one log. */
export class LogLineCache {
  total = 0;
  private readonly chunks = new Map<number, { lines: (string | undefined)[]; filled: number }>();

  constructor(readonly chunkSize = 500) {}

  /** A line (0-based), or undefined while it is not fetched. */
  lineAt(index: number): string | undefined {
    return this.chunks.get(Math.floor(index / this.chunkSize))?.lines[index % this.chunkSize];
  }

  /** Keep lines starting at `from`, and the log's current line count. */
  put(from: number, lines: readonly string[], total: number): void {
    this.total = Math.max(this.total, total);
    lines.forEach((line, i) => {
      const index = from + i;
      const key = Math.floor(index / this.chunkSize);
      let chunk = this.chunks.get(key);
      if (!chunk) {
        chunk = { lines: new Array<string | undefined>(this.chunkSize), filled: 0 };
        this.chunks.set(key, chunk);
      }
      if (chunk.lines[index % this.chunkSize] === undefined) chunk.filled++;
      chunk.lines[index % this.chunkSize] = line;
    });
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
