/**
 * The line index of a log as it is written: the byte offset of every `step`-th line, counted on
 * each appended chunk (one memchr-speed pass over bytes already in memory), and kept next to the
 * finished log as `<id>.lines` so the first reader of a million-line log after a restart does not
 * scan it. Layout: three little-endian float64 (bytes covered, complete lines, step), then one
 * float64 offset per checkpoint from line `step` on (line 0 starts at 0).
 */
import { readFile } from 'node:fs/promises';

/** Lines between two checkpoints: the same step as the reader's index (log-line-index.ts). */
export const lineCheckpointStep = 1000;

/** What is known of a log's lines up to `scanned` bytes. */
export interface LineCheckpoints {
  scanned: number;
  lines: number;
  /** checkpoints[k]: byte offset where line k*step starts. */
  checkpoints: number[];
}

/** Counts the lines of appended chunks. */
export class LineCounter implements LineCheckpoints {
  lines = 0;
  checkpoints = [0];

  constructor(
    public scanned: number,
    private readonly step = lineCheckpointStep,
  ) {}

  /** The chunk that was appended at `scanned`. */
  add(bytes: Buffer): void {
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
      this.lines++;
      if (this.lines % this.step === 0) this.checkpoints.push(this.scanned + i + 1);
    }
    this.scanned += bytes.length;
  }

  encode(): Buffer {
    const out = Buffer.allocUnsafe(8 * (2 + this.checkpoints.length));
    out.writeDoubleLE(this.scanned, 0);
    out.writeDoubleLE(this.lines, 8);
    out.writeDoubleLE(this.step, 16);
    this.checkpoints.slice(1).forEach((offset, k) => out.writeDoubleLE(offset, 24 + 8 * k));
    return out;
  }
}

/** The checkpoints kept for a log, when they exist, use `step` and cover at most `size` bytes. */
export async function readLineCheckpoints(
  file: string,
  size: number,
  step = lineCheckpointStep,
): Promise<LineCheckpoints | undefined> {
  const data = await readFile(file).catch(() => undefined);
  if (!data || data.length < 24 || data.length % 8 !== 0) return undefined;
  const scanned = data.readDoubleLE(0);
  const lines = data.readDoubleLE(8);
  if (data.readDoubleLE(16) !== step || scanned > size) return undefined;
  const checkpoints = [0];
  for (let at = 24; at < data.length; at += 8) checkpoints.push(data.readDoubleLE(at));
  if (checkpoints.length !== Math.floor(lines / step) + 1) return undefined;
  return { scanned, lines, checkpoints };
}
