/**
 * A command's output on its way to the log as bytes: cut into runs of complete lines per stream
 * (stdout and stderr never tear each other's lines), hidden texts masked on those runs, and
 * batched into large binary messages (agent-output-frame.ts). Nothing here looks at a line on
 * its own; a chunk costs a few memchr-speed searches.
 */

/** Passes on the complete lines of a byte stream, keeping a trailing partial line until the next chunk. */
export class ByteLineSplitter {
  private rest: Buffer | undefined;

  constructor(private readonly emit: (bytes: Buffer) => void) {}

  /**
   * A pipe's chunk is passed on as a view, not copied: only a partial line left from the last
   * chunk is joined with the first line of this one (two runs of complete lines then).
   */
  push(chunk: Buffer): void {
    const end = chunk.lastIndexOf(10);
    if (end === -1) {
      this.rest = this.rest ? Buffer.concat([this.rest, chunk]) : Buffer.from(chunk);
      return;
    }
    let from = 0;
    if (this.rest) {
      from = chunk.indexOf(10) + 1;
      this.emit(Buffer.concat([this.rest, chunk.subarray(0, from)]));
    }
    this.rest = end + 1 < chunk.length ? Buffer.from(chunk.subarray(end + 1)) : undefined;
    if (from <= end) this.emit(chunk.subarray(from, end + 1));
  }

  /** The last line without its newline gets one, so the next line of the log starts on its own. */
  flush(): void {
    if (this.rest) this.emit(Buffer.concat([this.rest, Buffer.from('\n')]));
    this.rest = undefined;
  }
}

const stars = Buffer.from('***');

/**
 * Every occurrence of each hidden text replaced by `***`, longest text first (as maskHidden does
 * for a line). Chunks hold complete lines, so a text without a newline is never cut by a chunk's
 * end; a longer, multi-line text is masked where a chunk holds it whole, and its lines always.
 */
export function maskHiddenBytes(bytes: Buffer, hidden: readonly string[]): Buffer {
  let masked = bytes;
  for (const text of hidden) {
    const needle = Buffer.from(text, 'utf8');
    let at = masked.indexOf(needle);
    if (at === -1) continue;
    const parts: Buffer[] = [];
    let from = 0;
    for (; at !== -1; at = masked.indexOf(needle, from)) {
      parts.push(masked.subarray(from, at), stars);
      from = at + needle.length;
    }
    parts.push(masked.subarray(from));
    masked = Buffer.concat(parts);
  }
  return masked;
}

/**
 * Collects output and sends it in large messages: at least every 50 ms, at most about 1 MiB each.
 * Each message is `head` (the frame's header, agent-output-frame.ts) followed by the output,
 * made with one copy of the output.
 */
export class OutputBatcher {
  private parts: Buffer[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (message: Buffer) => void,
    private readonly maxBytes = 1 << 20,
    private readonly head: Uint8Array = new Uint8Array(0),
  ) {}

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.bytes += bytes.length;
    if (this.bytes >= this.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 50);
  }

  /** A line the agent itself writes (what runs, what failed, how long it took). */
  line(text: string): void {
    this.push(Buffer.from(`${text}\n`, 'utf8'));
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.bytes === 0) return;
    const batch = Buffer.concat([this.head, ...this.parts], this.head.length + this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.send(batch);
  }
}

/** Feed a command's output stream, as bytes, through a splitter into `emit`; `touch` on every chunk. */
export function followBytes(
  stream: NodeJS.ReadableStream,
  touch: () => void,
  emit: (bytes: Buffer) => void,
): ByteLineSplitter {
  const splitter = new ByteLineSplitter(emit);
  stream.on('data', (chunk: Buffer) => {
    touch();
    splitter.push(chunk);
  });
  return splitter;
}
