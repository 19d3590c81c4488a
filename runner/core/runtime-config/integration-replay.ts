/**
 * The impact preview: replays recorded integrations (when each was queued, how long it ran) under
 * a configuration with decideIntegrationStarts, so the editor can show which would have run in
 * parallel or waited, under the current and the proposed configuration side by side. Agent
 * capacity is not modelled: only the gerrit_monitor rules decide.
 */
import type { GerritMonitorConfig } from './config-schema';
import {
  decideIntegrationStarts,
  laneOf,
  type IntegrationCandidate,
  type RunningIntegration,
  type WaitKind,
} from './integration-starts';

/** A recorded integration: when it was queued and how long it ran. */
export interface RecordedIntegration extends IntegrationCandidate {
  readonly durationMs: number;
}

/** What the replay says happened to one integration. */
export interface ReplayedIntegration {
  readonly id: string;
  readonly lane: string;
  readonly queuedAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** Integrations of the same project/branch that overlapped it. */
  readonly parallelWith: readonly string[];
  /** The first reason it waited, when it did. */
  readonly waitedFor: WaitKind | undefined;
  readonly waitReason: string | undefined;
}

/** Replays `recorded` (any order) under `config`; results in queue order. */
export function replayIntegrations(
  config: GerritMonitorConfig,
  recorded: readonly RecordedIntegration[],
): ReplayedIntegration[] {
  const pending = [...recorded].sort((a, b) => a.queuedAt - b.queuedAt);
  const running: (RunningIntegration & { finishAt: number })[] = [];
  const done = new Map<string, { startedAt: number; finishedAt: number }>();
  const firstWait = new Map<string, { kind: WaitKind; reason: string }>();
  let now = pending[0]?.queuedAt ?? 0;
  for (let step = 0; pending.length > 0 && step < recorded.length * 20 + 100; step++) {
    for (let i = running.length - 1; i >= 0; i--) if (running[i]!.finishAt <= now) running.splice(i, 1);
    const queued = pending.filter((p) => p.queuedAt <= now);
    let wakeAt = Infinity;
    for (const decision of decideIntegrationStarts({ gerritMonitor: config, running, queued, now })) {
      const item = queued.find((q) => q.id === decision.id)!;
      if (decision.start) {
        running.push({ ...item, startedAt: now, finishAt: now + item.durationMs });
        done.set(item.id, { startedAt: now, finishedAt: now + item.durationMs });
        pending.splice(pending.indexOf(item), 1);
      } else {
        if (!firstWait.has(item.id)) firstWait.set(item.id, { kind: decision.kind, reason: decision.reason });
        if (decision.until !== undefined) wakeAt = Math.min(wakeAt, decision.until);
      }
    }
    const nextArrival = pending.find((p) => p.queuedAt > now)?.queuedAt ?? Infinity;
    const nextFinish = Math.min(...running.map((r) => r.finishAt));
    now = Math.min(wakeAt, nextArrival, nextFinish);
    if (!Number.isFinite(now)) break;
  }
  return results(recorded, done, firstWait);
}

function results(
  recorded: readonly RecordedIntegration[],
  done: ReadonlyMap<string, { startedAt: number; finishedAt: number }>,
  firstWait: ReadonlyMap<string, { kind: WaitKind; reason: string }>,
): ReplayedIntegration[] {
  const ordered = [...recorded].filter((r) => done.has(r.id)).sort((a, b) => a.queuedAt - b.queuedAt);
  return ordered.map((r) => {
    const times = done.get(r.id)!;
    const parallelWith = ordered
      .filter((o) => o.id !== r.id && laneOf(o) === laneOf(r))
      .filter(
        (o) => done.get(o.id)!.startedAt < times.finishedAt && done.get(o.id)!.finishedAt > times.startedAt,
      )
      .map((o) => o.id);
    const wait = firstWait.get(r.id);
    return {
      id: r.id,
      lane: laneOf(r),
      queuedAt: r.queuedAt,
      ...times,
      parallelWith,
      waitedFor: wait?.kind,
      waitReason: wait?.reason,
    };
  });
}
