import { describe, expect, test } from 'vitest';
import { planGarbageCollection, type GcArtifact, type GcPlanInput } from '../../../../runner/core/gc-plan';

const sha = (n: number) => n.toString(16).padStart(64, '0');
const day = (d: number) => `2024-05-${String(d).padStart(2, '0')}T12:00:00.000Z`;

function artifact(key: string, blob: number, size: number, lastUsedDay: number, epoch = 3): GcArtifact {
  return { key, sha256: sha(blob), size, lastUsed: day(lastUsedDay), epoch };
}

function plan(input: Partial<GcPlanInput> & { artifacts: GcArtifact[] }) {
  return planGarbageCollection({
    currentEpoch: 3,
    freeBytes: 0,
    minFreeBytes: 0,
    pinnedKeys: new Set(),
    ...input,
  });
}

describe('planGarbageCollection', () => {
  test('removes nothing current when there is enough free space', () => {
    const result = plan({ artifacts: [artifact('a', 1, 100, 1)], freeBytes: 1000, minFreeBytes: 500 });
    expect(result.removals).toEqual([]);
    expect(result.satisfied).toBe(true);
    expect(result.expectedFreeBytes).toBe(1000);
  });

  test('evicts least recently used first, and stops as soon as the threshold is reached', () => {
    const artifacts = [artifact('new', 1, 100, 9), artifact('old', 2, 100, 1), artifact('mid', 3, 100, 5)];
    const result = plan({ artifacts, freeBytes: 0, minFreeBytes: 150 });
    expect(result.removals.map((r) => [r.key, r.reason])).toEqual([
      ['old', 'lru'],
      ['mid', 'lru'],
    ]);
    expect(result.freedBytes).toBe(200);
    expect(result.expectedFreeBytes).toBe(200);
    expect(result.satisfied).toBe(true);
  });

  test('never evicts a pinned key, and says so when the threshold cannot be met', () => {
    const artifacts = [artifact('pinned-old', 1, 100, 1), artifact('free', 2, 100, 2)];
    const result = plan({ artifacts, freeBytes: 0, minFreeBytes: 1000, pinnedKeys: new Set(['pinned-old']) });
    expect(result.removals.map((r) => r.key)).toEqual(['free']);
    expect(result.satisfied).toBe(false);
    expect(result.pinnedKept).toBe(1);
  });

  test('removes every unpinned artifact of an old epoch first, even with plenty of space', () => {
    const artifacts = [
      artifact('current', 1, 100, 1),
      artifact('stale', 2, 50, 9, 2),
      artifact('stale-pinned', 3, 50, 9, 1),
    ];
    const result = plan({
      artifacts,
      freeBytes: 10_000,
      minFreeBytes: 10,
      pinnedKeys: new Set(['stale-pinned']),
    });
    expect(result.removals).toEqual([
      { key: 'stale', sha256: sha(2), size: 50, reason: 'old-epoch', freedBytes: 50 },
    ]);
  });

  test('counts old-epoch removals towards the threshold before evicting current artifacts', () => {
    const artifacts = [artifact('current', 1, 100, 1), artifact('stale', 2, 100, 9, 2)];
    const result = plan({ artifacts, freeBytes: 0, minFreeBytes: 100 });
    expect(result.removals.map((r) => r.key)).toEqual(['stale']);
  });

  test('treats keys sharing a blob as one: evicted together, freed once, kept if one is pinned', () => {
    const artifacts = [artifact('a1', 1, 100, 1), artifact('a2', 1, 100, 8), artifact('b', 2, 100, 5)];
    const lru = plan({ artifacts, freeBytes: 0, minFreeBytes: 100 });
    // Blob 1 was last used on day 8 (through a2), so blob 2 goes first.
    expect(lru.removals.map((r) => r.key)).toEqual(['b']);
    const all = plan({ artifacts, freeBytes: 0, minFreeBytes: 200 });
    expect(all.removals.map((r) => [r.key, r.freedBytes])).toEqual([
      ['b', 100],
      ['a1', 100],
      ['a2', 0],
    ]);
    expect(all.freedBytes).toBe(200);
    const pinned = plan({ artifacts, freeBytes: 0, minFreeBytes: 200, pinnedKeys: new Set(['a2']) });
    expect(pinned.removals.map((r) => r.key)).toEqual(['b']);
  });

  test('an old-epoch key frees nothing while a current key still shares its blob', () => {
    const artifacts = [artifact('old', 1, 100, 1, 2), artifact('current', 1, 100, 2)];
    const result = plan({ artifacts, freeBytes: 1000, minFreeBytes: 0 });
    expect(result.removals).toEqual([
      { key: 'old', sha256: sha(1), size: 100, reason: 'old-epoch', freedBytes: 0 },
    ]);
    expect(result.freedBytes).toBe(0);
  });

  test('breaks ties in last use by hash, so the plan is deterministic', () => {
    const artifacts = [artifact('second', 2, 10, 1), artifact('first', 1, 10, 1)];
    const result = plan({ artifacts, freeBytes: 0, minFreeBytes: 10 });
    expect(result.removals.map((r) => r.key)).toEqual(['first']);
  });
});
