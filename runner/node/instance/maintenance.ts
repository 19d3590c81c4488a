/**
 * The guide's maintenance jobs on an instance's state: garbage collection (keep free disk above
 * a threshold, least recently used artifacts first, never one a queued or running task needs)
 * and artifact invalidation (every stored key misses from now on, without a code change).
 */
import { statfsSync } from 'node:fs';
import type { ArtifactStore } from '../store/artifact-store';
import { collectGarbage, type GarbageCollectionReport } from '../store/garbage-collector';
import type { SqliteStore } from '../store/sqlite-store';

/** Default free space the automatic collection keeps (bytes). */
export const defaultGcMinFreeBytes = 10 * 1024 ** 3;

/** Free bytes of the file system that holds `dir`. */
export function freeBytesOf(dir: string): number {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
}

export interface GcRequest {
  store: SqliteStore;
  artifacts: ArtifactStore;
  workingDir: string;
  minFreeBytes: number;
  dryRun: boolean;
  /** Keys running work needs besides those of queued/running work items (their inputs). */
  extraPinned?: Iterable<string>;
}

/** Run one collection pass. */
export function runGarbageCollection(request: GcRequest): Promise<GarbageCollectionReport> {
  const pinned = new Set(request.store.activeBuildKeys());
  for (const key of request.extraPinned ?? []) pinned.add(key);
  return collectGarbage({
    store: request.store,
    artifacts: request.artifacts,
    minFreeBytes: request.minFreeBytes,
    pinnedKeys: pinned,
    dryRun: request.dryRun,
    freeBytes: () => freeBytesOf(request.workingDir),
  });
}

/** Make every stored artifact miss from now on; returns the new epoch. */
export function invalidateArtifacts(store: SqliteStore, reason: string): number {
  return store.bumpArtifactEpoch(reason);
}
