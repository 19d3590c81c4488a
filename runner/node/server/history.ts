/**
 * What the dashboard's charts show over the last hours, rebuilt from the event log so it
 * survives restarts: agents waiting vs running (the guide's "many waiting, few running" sign of
 * trouble) and the bytes held by artifacts. Both walk back from the present state, undoing the
 * events of the period one by one; only the period's events are read.
 */
import type { StoreEvent } from '../store/store-records';

/** Agents per state at one moment. */
export interface PoolPoint {
  time: string;
  provisioning: number;
  waiting: number;
  running: number;
  stopping: number;
}

/** Artifact bytes at one moment. */
export interface BytesPoint {
  time: string;
  bytes: number;
}

/** How events are read: the first `limit` with a sequence number above `seq`. */
export type EventSource = (seq: number, limit: number) => readonly StoreEvent[];

/** Events from `fromMs` on (event times only grow with seq, so the start is a binary search). */
export function eventsFrom(read: EventSource, lastSeq: number, fromMs: number, max = 200_000): StoreEvent[] {
  let lo = 0;
  let hi = lastSeq;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = read(mid, 1)[0];
    if (!probe || Date.parse(probe.time) >= fromMs) hi = mid;
    else lo = mid + 1;
  }
  const events: StoreEvent[] = [];
  for (let seq = lo; events.length < max;) {
    const batch = read(seq, 10_000);
    events.push(...batch);
    if (batch.length < 10_000) break;
    seq = batch[batch.length - 1]!.seq;
  }
  return events;
}

/** The moments to sample: `points` evenly spaced from fromMs to toMs. */
function moments(fromMs: number, toMs: number, points: number): number[] {
  const step = points > 1 ? (toMs - fromMs) / (points - 1) : 0;
  return Array.from({ length: points }, (_, k) => Math.round(fromMs + k * step));
}

/**
 * Walks `events` backward from the present `state`, calling `undo` for each event later than a
 * moment before taking `snapshot` at it; returns the snapshots oldest first.
 */
function walkBack<T>(
  events: readonly StoreEvent[],
  times: number[],
  undo: (event: StoreEvent) => void,
  snapshot: (time: number) => T,
): T[] {
  const result: T[] = [];
  let next = events.length - 1;
  for (let k = times.length - 1; k >= 0; k--) {
    while (next >= 0 && Date.parse(events[next]!.time) > times[k]!) undo(events[next--]!);
    result.push(snapshot(times[k]!));
  }
  return result.reverse();
}

type Counted = Exclude<keyof PoolPoint, 'time'>;
const counted: readonly Counted[] = ['provisioning', 'waiting', 'running', 'stopping'];

/** Undo one agent event on `counts` (the counts before it happened). */
function undoAgentEvent(counts: Record<Counted, number>, event: StoreEvent): void {
  const add = (state: unknown, n: number) => {
    if (typeof state === 'string' && (counted as readonly string[]).includes(state))
      counts[state as Counted] = Math.max(0, counts[state as Counted] + n);
  };
  if (event.kind === 'agent.state') {
    add(event.payload.to, -1);
    add(event.payload.from, 1);
  } else if (event.kind === 'agent.created') add(event.payload.state, -1);
}

/**
 * Agents per state at `points` moments from fromMs to toMs, given the agents' present states.
 * Each point holds the most agents seen in each state since the previous point, so a burst of
 * work shorter than the spacing still shows.
 */
export function poolSeries(
  events: readonly StoreEvent[],
  present: readonly { state: string }[],
  range: { fromMs: number; toMs: number; points: number },
): PoolPoint[] {
  const counts: Record<Counted, number> = { provisioning: 0, waiting: 0, running: 0, stopping: 0 };
  for (const agent of present)
    if ((counted as readonly string[]).includes(agent.state)) counts[agent.state as Counted]++;
  const times = moments(range.fromMs, range.toMs, range.points);
  const result: PoolPoint[] = [];
  let next = events.length - 1;
  const undoAfter = (time: number, peak: Record<Counted, number>) => {
    while (next >= 0 && Date.parse(events[next]!.time) > time) {
      undoAgentEvent(counts, events[next--]!);
      for (const state of counted) peak[state] = Math.max(peak[state], counts[state]);
    }
  };
  undoAfter(times[times.length - 1]!, { ...counts });
  for (let k = times.length - 1; k >= 0; k--) {
    const peak = { ...counts };
    if (k > 0) undoAfter(times[k - 1]!, peak);
    result.push({ time: new Date(times[k]!).toISOString(), ...peak });
  }
  return result.reverse();
}

/** Bytes of stored artifacts at `points` moments, given the bytes stored now. */
export function artifactBytesSeries(
  events: readonly StoreEvent[],
  presentBytes: number,
  range: { fromMs: number; toMs: number; points: number },
): BytesPoint[] {
  let bytes = presentBytes;
  const size = (event: StoreEvent) => Number(event.payload.size) || 0;
  return walkBack(
    events,
    moments(range.fromMs, range.toMs, range.points),
    (event) => {
      if (event.kind === 'artifact.recorded') bytes = Math.max(0, bytes - size(event));
      else if (event.kind === 'artifact.removed') bytes += size(event);
    },
    (time) => ({ time: new Date(time).toISOString(), bytes }),
  );
}
