/**
 * Which artifacts garbage collection removes, decided on plain values. Artifacts are
 * content-addressed, so several keys can share one stored file (blob): removing a key frees disk
 * only when it was the last key of its blob, and the plan therefore evicts whole blobs.
 */

/** What the planner needs to know about one stored artifact. */
export interface GcArtifact {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  /** ISO time of the last use; ISO times of one clock sort as text. */
  readonly lastUsed: string;
  readonly epoch: number;
}

/** The situation garbage collection acts on. */
export interface GcPlanInput {
  readonly artifacts: readonly GcArtifact[];
  readonly currentEpoch: number;
  readonly freeBytes: number;
  readonly minFreeBytes: number;
  /** Keys needed by queued or running tasks: never removed, whatever their epoch or age. */
  readonly pinnedKeys: ReadonlySet<string>;
}

/** Why an artifact is removed: it can never hit again, or it is the least recently used. */
export type GcReason = 'old-epoch' | 'lru';

/** One key to remove; freedBytes is the blob size on the key that frees it, else 0. */
export interface GcRemoval {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  readonly reason: GcReason;
  readonly freedBytes: number;
}

/** The decision: what to remove, the free space expected afterwards, and whether that is enough. */
export interface GcPlan {
  readonly removals: readonly GcRemoval[];
  readonly freedBytes: number;
  readonly expectedFreeBytes: number;
  /** False when even removing every unpinned artifact leaves less than minFreeBytes free. */
  readonly satisfied: boolean;
  readonly pinnedKept: number;
}

interface Blob {
  readonly sha256: string;
  readonly size: number;
  readonly keys: GcArtifact[];
  lastUsed: string;
  pinned: boolean;
}

/**
 * Plans a collection: first every unpinned artifact of an old epoch (they can never hit, so they
 * go even when disk is plentiful), then whole blobs, least recently used first, until the expected
 * free space reaches minFreeBytes. A blob is kept while any of its keys is pinned.
 */
export function planGarbageCollection(input: GcPlanInput): GcPlan {
  const removals: GcRemoval[] = [];
  let freed = 0;
  const blobs = new Map<string, Blob>();
  for (const artifact of input.artifacts) {
    const pinned = input.pinnedKeys.has(artifact.key);
    if (!pinned && artifact.epoch !== input.currentEpoch) {
      removals.push({ ...pick(artifact), reason: 'old-epoch', freedBytes: 0 });
      continue;
    }
    addToBlob(blobs, artifact, pinned);
  }
  // Old-epoch removals free their blob only when no kept key still refers to it.
  const stale = new Map<string, GcRemoval>();
  for (const removal of removals) {
    if (!blobs.has(removal.sha256) && !stale.has(removal.sha256)) stale.set(removal.sha256, removal);
  }
  for (const [index, removal] of removals.entries()) {
    if (stale.get(removal.sha256) !== removal) continue;
    removals[index] = { ...removal, freedBytes: removal.size };
    freed += removal.size;
  }
  for (const blob of lruOrder(blobs)) {
    if (input.freeBytes + freed >= input.minFreeBytes) break;
    blob.keys.forEach((artifact, i) => {
      removals.push({ ...pick(artifact), reason: 'lru', freedBytes: i === 0 ? blob.size : 0 });
    });
    freed += blob.size;
  }
  const expectedFreeBytes = input.freeBytes + freed;
  const pinnedKept = input.artifacts.filter((a) => input.pinnedKeys.has(a.key)).length;
  return {
    removals,
    freedBytes: freed,
    expectedFreeBytes,
    satisfied: expectedFreeBytes >= input.minFreeBytes,
    pinnedKept,
  };
}

function pick(artifact: GcArtifact): Pick<GcRemoval, 'key' | 'sha256' | 'size'> {
  return { key: artifact.key, sha256: artifact.sha256, size: artifact.size };
}

function addToBlob(blobs: Map<string, Blob>, artifact: GcArtifact, pinned: boolean): void {
  const blob = blobs.get(artifact.sha256);
  if (!blob) {
    const keys = [artifact];
    blobs.set(artifact.sha256, {
      sha256: artifact.sha256,
      size: artifact.size,
      keys,
      lastUsed: artifact.lastUsed,
      pinned,
    });
    return;
  }
  blob.keys.push(artifact);
  if (artifact.lastUsed > blob.lastUsed) blob.lastUsed = artifact.lastUsed;
  blob.pinned ||= pinned;
}

// Unpinned blobs, least recently used first; ties broken by hash so the plan is deterministic.
function lruOrder(blobs: Map<string, Blob>): Blob[] {
  return [...blobs.values()]
    .filter((blob) => !blob.pinned)
    .sort((x, y) => (x.lastUsed === y.lastUsed ? cmp(x.sha256, y.sha256) : cmp(x.lastUsed, y.lastUsed)));
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
