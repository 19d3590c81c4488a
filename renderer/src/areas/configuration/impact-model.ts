/**
 * The impact preview as a function of plain values: the recorded integrations replayed under the
 * saved and the edited configuration (replayIntegrations), which would have run in parallel with
 * another of their project/branch or been serialised, and which of them the edit changes.
 */
import type { GerritMonitorConfig } from '../../../../runner/core/runtime-config/config-schema';
import {
  replayIntegrations,
  type RecordedIntegration,
  type ReplayedIntegration,
} from '../../../../runner/core/runtime-config/integration-replay';
import type { WaitKind } from '../../../../runner/core/runtime-config/integration-starts';

/** Totals of one replay. */
export interface ReplayTotals {
  readonly integrations: number;
  /** Ran at the same time as another integration of the same project/branch. */
  readonly parallel: number;
  /** Waited before starting, by the rule that held them first. */
  readonly waited: number;
  readonly waitedBy: Readonly<Partial<Record<WaitKind, number>>>;
  /** Sum of the waits (ms). */
  readonly waitedMs: number;
}

/** One integration under both configurations. */
export interface ImpactRow {
  readonly id: string;
  readonly lane: string;
  readonly queuedAt: number;
  readonly saved: ReplayedIntegration;
  readonly edited: ReplayedIntegration;
  readonly changed: boolean;
}

/** The whole comparison. */
export interface Impact {
  readonly saved: ReplayTotals;
  readonly edited: ReplayTotals;
  readonly rows: readonly ImpactRow[];
  readonly changed: number;
}

function totals(replayed: readonly ReplayedIntegration[]): ReplayTotals {
  const waitedBy: Partial<Record<WaitKind, number>> = {};
  let waitedMs = 0;
  for (const r of replayed) {
    if (r.waitedFor) waitedBy[r.waitedFor] = (waitedBy[r.waitedFor] ?? 0) + 1;
    waitedMs += r.startedAt - r.queuedAt;
  }
  return {
    integrations: replayed.length,
    parallel: replayed.filter((r) => r.parallelWith.length > 0).length,
    waited: replayed.filter((r) => r.startedAt > r.queuedAt).length,
    waitedBy,
    waitedMs,
  };
}

function sameOutcome(a: ReplayedIntegration, b: ReplayedIntegration): boolean {
  return a.startedAt === b.startedAt && a.parallelWith.join() === b.parallelWith.join();
}

/** Replays `recorded` under the saved and the edited gerrit_monitor rules and compares them. */
export function compareImpact(
  recorded: readonly RecordedIntegration[],
  saved: GerritMonitorConfig,
  edited: GerritMonitorConfig,
): Impact {
  const before = replayIntegrations(saved, recorded);
  const after = new Map(replayIntegrations(edited, recorded).map((r) => [r.id, r]));
  const rows: ImpactRow[] = [];
  for (const b of before) {
    const a = after.get(b.id);
    if (!a) continue;
    rows.push({
      id: b.id,
      lane: b.lane,
      queuedAt: b.queuedAt,
      saved: b,
      edited: a,
      changed: !sameOutcome(a, b),
    });
  }
  return {
    saved: totals(before),
    edited: totals([...after.values()]),
    rows,
    changed: rows.filter((r) => r.changed).length,
  };
}

/** `1 h 5 min`, `12 min`, `40 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** What happened to one integration in a replay, in words. */
export function describeReplayed(r: ReplayedIntegration): string {
  const waited = r.startedAt - r.queuedAt;
  const start =
    waited > 0 ? `waited ${formatDuration(waited)} (${r.waitedFor ?? 'queue'})` : 'started at once';
  return r.parallelWith.length > 0 ? `${start}, in parallel with ${r.parallelWith.join(', ')}` : start;
}
