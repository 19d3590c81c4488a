/**
 * Source archives of (repository, sha) made once and served as files: every work item of an
 * integration needs the same tree, and `git archive` is the slow part of handing it out.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { archiveTree } from './git-snapshot';

/** Caches `git archive` output under DIR/cache/sources. */
export class SourceCache {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  /** Path of the tar.gz of `sha` in `repo`, made on first use. */
  archive(repo: string, sha: string): Promise<string> {
    const name = `${sha}-${createHash('sha256').update(path.resolve(repo)).digest('hex').slice(0, 12)}.tar.gz`;
    const file = path.join(this.dir, name);
    let job = this.pending.get(file);
    if (!job) {
      job = this.make(repo, sha, file);
      this.pending.set(file, job);
      job.catch(() => this.pending.delete(file));
    }
    return job;
  }

  private async make(repo: string, sha: string, file: string): Promise<string> {
    if (await stat(file).catch(() => null)) return file;
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.part`;
    try {
      await pipeline(archiveTree(repo, sha), createWriteStream(temp));
      await rename(temp, file);
      return file;
    } finally {
      await rm(temp, { force: true });
    }
  }
}
