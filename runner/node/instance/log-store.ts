/**
 * Work item logs: one file per work item under DIR/logs, appended line by line as agents stream
 * them, read back in byte ranges (a million-line log is never loaded whole).
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Appends and serves work item logs. */
export class LogStore {
  private readonly open = new Map<string, WriteStream>();

  private constructor(private readonly dir: string) {}

  static async create(workingDir: string): Promise<LogStore> {
    const dir = path.join(workingDir, 'logs');
    await mkdir(dir, { recursive: true });
    return new LogStore(dir);
  }

  /** The file of a work item's log (ids are made of safe characters by the planner). */
  pathOf(workItemId: string): string {
    return path.join(this.dir, `${workItemId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }

  append(workItemId: string, lines: readonly string[]): void {
    let stream = this.open.get(workItemId);
    if (!stream) {
      stream = createWriteStream(this.pathOf(workItemId), { flags: 'a' });
      this.open.set(workItemId, stream);
    }
    stream.write(lines.join('\n') + '\n');
  }

  /** Close the log of a finished work item (flushes what was written). */
  async finish(workItemId: string): Promise<void> {
    const stream = this.open.get(workItemId);
    this.open.delete(workItemId);
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  /** Remove the log of a discarded work item. */
  async discard(workItemId: string): Promise<void> {
    await this.finish(workItemId);
    await rm(this.pathOf(workItemId), { force: true });
    await rm(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), { force: true });
  }

  /** Keep the test results a work item reported (JSON next to its log). */
  async writeTestResults(workItemId: string, results: readonly unknown[]): Promise<void> {
    if (results.length === 0) return;
    await writeFile(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), JSON.stringify(results));
  }

  /** The test results of a work item (empty when it reported none). */
  async readTestResults(workItemId: string): Promise<unknown[]> {
    const text = await readFile(this.pathOf(workItemId).replace(/\.log$/, '.tests.json'), 'utf8').catch(
      () => '[]',
    );
    return JSON.parse(text) as unknown[];
  }

  async size(workItemId: string): Promise<number> {
    return (await stat(this.pathOf(workItemId)).catch(() => null))?.size ?? 0;
  }

  /** Bytes [start, end] (inclusive) of the log, or all of it. */
  read(workItemId: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(workItemId), range);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.finish(id)));
  }
}
