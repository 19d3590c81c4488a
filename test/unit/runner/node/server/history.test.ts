import { expect, test } from 'vitest';
import { artifactBytesSeries, eventsFrom, poolSeries } from '../../../../../runner/node/server/history';
import type { StoreEvent } from '../../../../../runner/node/store/store-records';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 0, minute)).toISOString();
const ms = (minute: number) => Date.parse(at(minute));
let seq = 0;
const ev = (minute: number, kind: string, subject: string, payload: Record<string, unknown>): StoreEvent => ({
  seq: ++seq,
  time: at(minute),
  kind,
  subject,
  payload,
});

test('agent counts over time are rebuilt backwards from the present, each point the peak since the last', () => {
  const events = [
    ev(10, 'agent.created', 'a', { state: 'provisioning' }),
    ev(11, 'agent.state', 'a', { from: 'provisioning', to: 'waiting' }),
    ev(20, 'agent.state', 'a', { from: 'waiting', to: 'running' }),
    ev(30, 'agent.state', 'a', { from: 'running', to: 'waiting' }),
  ];
  const series = poolSeries(events, [{ state: 'waiting' }], { fromMs: ms(0), toMs: ms(40), points: 5 });
  expect(series.map((p) => [p.time.slice(11, 16), p.provisioning, p.waiting, p.running])).toEqual([
    ['00:00', 0, 0, 0],
    ['00:10', 1, 0, 0],
    ['00:20', 1, 1, 1],
    ['00:30', 0, 1, 1],
    ['00:40', 0, 1, 0],
  ]);
});

test('artifact bytes over time follow recorded and removed artifacts', () => {
  const events = [
    ev(5, 'artifact.recorded', 'k1', { size: 100 }),
    ev(15, 'artifact.recorded', 'k2', { size: 50 }),
    ev(25, 'artifact.removed', 'k1', { size: 100 }),
  ];
  const series = artifactBytesSeries(events, 50, { fromMs: ms(0), toMs: ms(30), points: 4 });
  expect(series.map((p) => p.bytes)).toEqual([0, 100, 150, 50]);
});

test('the first event of a period is found by binary search over sequence numbers', () => {
  const all = Array.from({ length: 1000 }, (_, i) => ({ ...ev(i, 'x', 's', {}), seq: i + 1 }));
  let reads = 0;
  const read = (after: number, limit: number) => {
    reads++;
    return all.filter((e) => e.seq > after).slice(0, limit);
  };
  const found = eventsFrom(read, 1000, ms(990));
  expect(found.map((e) => e.seq)).toEqual([991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
  expect(reads).toBeLessThan(15);
});
