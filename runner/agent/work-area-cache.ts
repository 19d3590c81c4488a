/**
 * Trees an agent unpacked once and copies into each work area: the sources of an integration's
 * revision and the artifacts its work items install are the same archive for every work item, so
 * the archive is unpacked once per agent and each work area gets a copy (a reflink where the file
 * system has them, else a plain copy; never a hard link, which a build writing a source file in
 * place would corrupt for every later work item). Trees are keyed by the SHA-256 of the archive
 * as downloaded, so a changed artifact behind the same key is never served stale; the few most
 * recently used are kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hashingStream } from '../node/file-hash';
import { unpackInto } from '../node/tar-archive';
import { masterGet, type MasterEndpoint } from './master-http';
import { copyTree } from './tree-copy';

/** Download `urlPath` into `file`; resolves with the SHA-256 of its bytes. */
async function downloadHashed(master: MasterEndpoint, urlPath: string, file: string): Promise<string> {
  const response = await masterGet(master, urlPath);
  const hash = createHash('sha256');
  await pipeline(response, hashingStream(hash), createWriteStream(file));
  return hash.digest('hex');
}

/** Unpack the tar.gz `source` into `directory`; resolves with the SHA-256 of its bytes. */
async function unpackHashed(source: Readable, directory: string): Promise<string> {
  const hash = createHash('sha256');
  const hashing = hashingStream(hash);
  // The source's error reaches whoever reads `hashing` (tar's stdin, once unpackInto has made the
  // directory); an error before that (a file that cannot be opened) must not go uncaught meanwhile.
  hashing.on('error', () => undefined);
  source.once('error', (error) => hashing.destroy(error));
  await unpackInto(source.pipe(hashing), directory);
  return hash.digest('hex');
}

/**
 * Copies the instance's tree into `target`; false when it cannot (the instance removed the tree
 * meanwhile), with the partial copy removed.
 */
async function copiedFrom(tree: string, target: string, exact: boolean): Promise<boolean> {
  try {
    await copyTree(tree, target, { exact });
    return true;
  } catch {
    await rm(target, { recursive: true, force: true });
    return false;
  }
}

/** The unpacked trees of one agent, under `dir`. */
export class WorkAreaCache {
  /** Trees by archive hash, least recently used first. */
  private readonly used = new Set<string>();
  private parts = 0;

  constructor(
    private readonly dir: string,
    private readonly keep = 4,
  ) {}

  /**
   * Put the contents of the tar.gz at `urlPath` into `target`. Says whether the tree was
   * already unpacked (`copied`) or was unpacked now (`unpacked`). `known.sha256` is the archive's
   * hash as the instance states it; `known.file` the archive itself and `known.tree` the
   * instance's unpacked copy of it, for an agent on the instance's machine: the tree is copied,
   * else the file is read where it lies rather than downloaded.
   */
  async install(
    master: MasterEndpoint,
    urlPath: string,
    target: string,
    known: { sha256?: string; file?: string; tree?: string; exact?: boolean } = {},
  ): Promise<'copied' | 'unpacked'> {
    const { sha256, file, tree, exact = false } = known;
    // The instance's own tree of the archive (an agent on its machine): copied, nothing unpacked.
    if (tree && (await copiedFrom(tree, target, exact))) return 'copied';
    // The instance says which bytes the archive holds: a tree unpacked from them is used as it is.
    if (sha256 && /^[0-9a-f]{64}$/.test(sha256) && existsSync(path.join(this.dir, sha256))) {
      await this.copyOut(sha256, target, exact);
      return 'copied';
    }
    await mkdir(this.dir, { recursive: true });
    const part = path.join(this.dir, `unpack-${this.parts++}.part`);
    try {
      const hash =
        (file && (await unpackHashed(createReadStream(file), part).catch(() => undefined))) ||
        (await this.download(master, urlPath, part));
      const kept = path.join(this.dir, hash);
      const cached = existsSync(kept);
      if (!cached) await rename(part, kept);
      await this.copyOut(hash, target, exact);
      await this.evict();
      return cached ? 'copied' : 'unpacked';
    } finally {
      await rm(part, { recursive: true, force: true });
    }
  }

  // Downloaded whole first (and hashed on the way), so a broken download unpacks nothing.
  private async download(master: MasterEndpoint, urlPath: string, part: string): Promise<string> {
    const archive = `${part}.tar.gz`;
    try {
      const hash = await downloadHashed(master, urlPath, archive);
      await rm(part, { recursive: true, force: true });
      await unpackInto(createReadStream(archive), part);
      return hash;
    } finally {
      await rm(archive, { force: true });
    }
  }

  /** Copy the tree of `hash` into `target`, marking it the most recently used. */
  private async copyOut(hash: string, target: string, exact: boolean): Promise<void> {
    this.used.delete(hash);
    this.used.add(hash);
    await copyTree(path.join(this.dir, hash), target, { exact });
  }

  private async evict(): Promise<void> {
    for (const hash of this.used) {
      if (this.used.size <= this.keep) return;
      this.used.delete(hash);
      await rm(path.join(this.dir, hash), { recursive: true, force: true });
    }
  }
}

const caches = new Map<string, WorkAreaCache>();

/** The cache of the agent whose work areas are made under `workRoot` (kept for its life). */
export function workAreaCacheOf(workRoot: string): WorkAreaCache {
  let cache = caches.get(workRoot);
  if (!cache) {
    cache = new WorkAreaCache(path.join(workRoot, '.trees'));
    caches.set(workRoot, cache);
  }
  return cache;
}
