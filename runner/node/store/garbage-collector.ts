/**
 * `coin gc` and the automatic collection: removes artifacts until the disk has the wanted free
 * space. The decision is runner/core/gc-plan.ts; this module gathers the facts and carries it out,
 * then sweeps blobs no record refers to and leftovers of interrupted puts.
 */
import { planGarbageCollection, type GcRemoval } from '../../core/gc-plan';
import type { ArtifactStore, SweepReport } from './artifact-store';
import type { SqliteStore } from './sqlite-store';

/** What one collection works on. */
export interface GarbageCollectionOptions {
  readonly store: SqliteStore;
  readonly artifacts: ArtifactStore;
  /** Evict until at least this many bytes are free. */
  readonly minFreeBytes: number;
  /** Keys needed by queued or running tasks (see SqliteStore.activeBuildKeys); never removed. */
  readonly pinnedKeys: ReadonlySet<string>;
  /** Report what would be removed without removing anything. */
  readonly dryRun?: boolean;
  /** Free bytes on the artifact file system now (statfs in production, a number in tests). */
  readonly freeBytes: () => number;
}

/** What a collection removed (or, in a dry run, would remove). */
export interface GarbageCollectionReport {
  readonly dryRun: boolean;
  readonly removed: readonly GcRemoval[];
  /** Bytes freed by removing artifacts (planned in a dry run). */
  readonly freedBytes: number;
  readonly freeBytesBefore: number;
  /** Measured after the collection; the planned figure in a dry run. */
  readonly freeBytesAfter: number;
  /** False when everything removable was removed and free space is still below the threshold. */
  readonly satisfied: boolean;
  readonly pinnedKept: number;
  readonly sweep: SweepReport;
}

/**
 * Removes old-epoch artifacts, then least recently used ones, until minFreeBytes are free; pinned
 * keys stay. The plan is made once from the records and the free space at the start; the report
 * gives the free space measured afterwards so a caller can see when block sizes or other writers
 * made the arithmetic wrong.
 */
export async function collectGarbage(options: GarbageCollectionOptions): Promise<GarbageCollectionReport> {
  const dryRun = options.dryRun ?? false;
  const freeBytesBefore = options.freeBytes();
  const plan = planGarbageCollection({
    artifacts: options.store.listArtifacts(),
    currentEpoch: options.store.artifactEpoch(),
    freeBytes: freeBytesBefore,
    minFreeBytes: options.minFreeBytes,
    pinnedKeys: options.pinnedKeys,
  });
  let freedBytes = plan.freedBytes;
  if (!dryRun) {
    freedBytes = 0;
    for (const removal of plan.removals) {
      const reason =
        removal.reason === 'lru'
          ? 'garbage collection (least recently used)'
          : 'garbage collection (old epoch)';
      freedBytes += options.artifacts.remove(removal.key, reason)?.freedBytes ?? 0;
    }
  }
  const sweep = await options.artifacts.sweep({ dryRun });
  const freeBytesAfter = dryRun ? plan.expectedFreeBytes + sweep.freedBytes : options.freeBytes();
  return {
    dryRun,
    removed: plan.removals,
    freedBytes,
    freeBytesBefore,
    freeBytesAfter,
    satisfied: freeBytesAfter >= options.minFreeBytes,
    pinnedKept: plan.pinnedKept,
    sweep,
  };
}
