// The incremental schedule of a running task makes the decisions of the whole-task functions
// (readyItems, blockedByInsignificant, taskProgress) at every step of random runs of random task
// graphs, handing each ready item out once, and a change costs the item and its dependents only.
import { describe, expect, test } from 'vitest';
import type { WorkItemState } from '../../../../runner/core/model';
import {
  blockedByInsignificant,
  readyItems,
  taskProgress,
  WorkSchedule,
  type SchedulableItem,
} from '../../../../runner/core/work-scheduling';

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds and tests of `configs` configurations; some tests depend on another configuration's build too. */
function taskOf(next: () => number, configs: number): SchedulableItem[] {
  const items: SchedulableItem[] = [];
  for (let c = 0; c < configs; c++) items.push({ id: `b${c}`, state: 'Queued', dependsOn: [] });
  for (let c = 0; c < configs; c++) {
    const other = Math.floor(next() * configs);
    const pick = next();
    // most on their own build; some on another's (TestOnly), some on both
    const dependsOn =
      pick < 0.15 ? [`b${other}`] : pick < 0.35 ? [...new Set([`b${c}`, `b${other}`])] : [`b${c}`];
    if (next() < 0.3) items.push({ id: `t${c}`, state: 'Queued', dependsOn });
    else items.splice(Math.floor(next() * items.length), 0, { id: `t${c}`, state: 'Queued', dependsOn });
  }
  return items;
}

const ends: WorkItemState[] = ['Done', 'Done', 'Done', 'Done', 'Failed', 'Insignificant'];

describe('WorkSchedule', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'agrees with the whole-task functions in a random run (seed %i)',
    (seed) => {
      const next = random(seed);
      const current = new Map(taskOf(next, 6 + Math.floor(next() * 20)).map((i) => [i.id, i]));
      const all = () => [...current.values()];
      const schedule = new WorkSchedule(all());
      const set = (id: string, state: WorkItemState) => {
        const item = { ...current.get(id)!, state };
        current.set(id, item);
        schedule.update(item);
      };
      const handedOut = new Set<string>();
      const running: string[] = [];
      for (let step = 0; step < 500; step++) {
        const blocked = blockedByInsignificant(all()).map((i) => i.id);
        const direct = all().filter(
          (i) => i.state === 'Queued' && i.dependsOn.some((d) => current.get(d)!.state === 'Insignificant'),
        );
        expect(schedule.blockedItems().map((i) => i.id)).toEqual(direct.map((i) => i.id));
        // the runner ends the blocked ones (and those they block in turn) before it looks further
        for (let b = schedule.blockedItems(); b.length > 0; b = schedule.blockedItems())
          b.forEach((i) => set(i.id, 'Insignificant'));
        expect(blocked.every((id) => current.get(id)!.state === 'Insignificant')).toBe(true);
        const progress = taskProgress(all());
        expect(schedule.progress()).toBe(progress);
        if (progress !== 'running') break;
        const expected = readyItems(all()).filter((i) => !handedOut.has(i.id));
        const taken = schedule.take();
        expect(taken.map((i) => i.id)).toEqual(expected.map((i) => i.id));
        for (const item of taken) {
          handedOut.add(item.id);
          set(item.id, 'Running');
          running.push(item.id);
        }
        expect(schedule.take()).toEqual([]);
        if (running.length === 0) break;
        const [ended] = running.splice(Math.floor(next() * running.length), 1);
        set(ended!, ends[Math.floor(next() * ends.length)]!);
      }
      expect(schedule.progress()).not.toBe('running');
    },
  );

  test('a reused build (Queued to Done) makes its test ready; an unknown dependency never is', () => {
    const schedule = new WorkSchedule<SchedulableItem>([
      { id: 'b', state: 'Queued', dependsOn: [] },
      { id: 't', state: 'Queued', dependsOn: ['b'] },
      { id: 'x', state: 'Queued', dependsOn: ['elsewhere'] },
    ]);
    expect(schedule.take().map((i) => i.id)).toEqual(['b']);
    schedule.update({ id: 'b', state: 'Done', dependsOn: [] });
    expect(schedule.take().map((i) => i.id)).toEqual(['t']);
    schedule.update({ id: 't', state: 'Done', dependsOn: ['b'] });
    expect(schedule.take()).toEqual([]);
    expect(schedule.progress()).toBe('running');
  });

  test('a task of 20,000 items runs through, each step handing out only what became ready', () => {
    const items: SchedulableItem[] = [];
    for (let c = 0; c < 10_000; c++)
      items.push(
        { id: `b${c}`, state: 'Queued', dependsOn: [] },
        { id: `t${c}`, state: 'Queued', dependsOn: [`b${c}`] },
      );
    const schedule = new WorkSchedule(items);
    let steps = 0;
    for (let ready = schedule.take(); ready.length > 0; ready = schedule.take())
      for (const item of ready) {
        schedule.update({ ...item, state: 'Done' });
        steps++;
      }
    expect(steps).toBe(20_000);
    expect(schedule.progress()).toBe('passed');
  });
});
