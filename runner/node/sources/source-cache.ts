/**
 * Source archives of (repository, sha) made once and served as files: every work item of an
 * integration needs the same tree, and `git archive` is the slow part of handing it out. Each
 * archive's SHA-256 is known too, so an agent that already unpacked those bytes skips the download
 * (work-area-cache.ts). For agents on this machine each archive can also be kept unpacked
 * (`<archive>.tree`, made once after the archive): they copy that tree into their work areas and
 * unpack nothing themselves.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hashingStream, sha256OfFile } from '../file-hash';
import { unpackInto } from '../tar-archive';
import { archiveTree } from './git-snapshot';

/** A source archive on disk and the SHA-256 of its bytes. */
export interface SourceArchive {
  file: string;
  sha256: string;
  /** The archive unpacked, when the cache keeps trees and it could be made. */
  tree?: string;
}

/** How many archives the cache keeps: the newest; an older one is made again if asked for. */
export const defaultKeptArchives = 100;

/** Caches `git archive` output under DIR/cache/sources, the newest `keep` archives. */
export class SourceCache {
  private readonly pending = new Map<string, Promise<SourceArchive>>();

  constructor(
    private readonly dir: string,
    private readonly keep = defaultKeptArchives,
    /** Keep each archive unpacked too (agents on this machine copy the tree). */
    private readonly trees = false,
  ) {}

  /** Path of the tar.gz of `sha` in `repo`, made on first use. */
  async archive(repo: string, sha: string): Promise<string> {
    return (await this.archiveWithHash(repo, sha)).file;
  }

  /** The tar.gz of `sha` in `repo` (made on first use) and its SHA-256. */
  archiveWithHash(repo: string, sha: string): Promise<SourceArchive> {
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

  private async make(repo: string, sha: string, file: string): Promise<SourceArchive> {
    const archive = await this.made(repo, sha, file);
    if (!this.trees) return archive;
    const tree = await this.unpacked(file);
    return tree ? { ...archive, tree } : archive;
  }

  // The archive's tree next to it (made from the file unless there), or none when it cannot be
  // made: the agents then unpack the archive themselves.
  private async unpacked(file: string): Promise<string | undefined> {
    const tree = treeOf(file);
    if (await stat(tree).catch(() => null)) return tree;
    const part = `${tree}.${process.pid}.part`;
    try {
      await rm(part, { recursive: true, force: true });
      await unpackInto(createReadStream(file), part);
      await rename(part, tree);
      return tree;
    } catch {
      await rm(part, { recursive: true, force: true });
      return undefined;
    }
  }

  private async made(repo: string, sha: string, file: string): Promise<SourceArchive> {
    // Made by an earlier run of the instance: hashed once now.
    if (await stat(file).catch(() => null)) return { file, sha256: await sha256OfFile(file) };
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.part`;
    const hash = createHash('sha256');
    try {
      await pipeline(archiveTree(repo, sha), hashingStream(hash), createWriteStream(temp));
      await rename(temp, file);
      await this.prune(file);
      return { file, sha256: hash.digest('hex') };
    } finally {
      await rm(temp, { force: true });
    }
  }

  /**
   * Removes all but the newest `keep` archives (by modification time; `made`, just written, always
   * stays). An archive being sent keeps its bytes until the send ends (an open file); asking for a
   * removed one makes it again.
   */
  private async prune(made: string): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.tar.gz'));
    if (names.length <= this.keep) return;
    const dated = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.dir, name);
        return { file, mtime: (await stat(file).catch(() => null))?.mtimeMs ?? 0 };
      }),
    );
    dated.sort((a, b) => b.mtime - a.mtime);
    for (const { file } of dated.slice(this.keep)) {
      if (file === made) continue;
      this.pending.delete(file);
      await rm(file, { force: true });
      await rm(treeOf(file), { recursive: true, force: true });
    }
  }
}

/** Where the unpacked tree of an archive file is kept. */
function treeOf(file: string): string {
  return file.replace(/\.tar\.gz$/, '.tree');
}
