/**
 * Which work items of a retry run again: those that failed or were cancelled in the first run
 * (or have no counterpart there), and everything that depends on them, directly or not. The rest
 * is taken from the first run as it ended. Pure: on the planned units and the first run's items.
 */
import type { WorkItemState } from './model';
import { workItemId } from './phase-instructions';

export interface RetryUnit {
  readonly id: string;
  readonly kind: string;
  readonly project: string;
  readonly configuration: string;
  readonly dependsOn: readonly string[];
}

export interface FirstRunItem {
  readonly id: string;
  readonly state: WorkItemState;
}

/** A first-run item is taken over when it passed, or failed on an insignificant configuration. */
const keptStates: readonly WorkItemState[] = ['Done', 'Insignificant'];

/**
 * The units of the retry that are taken from the first run (`firstTaskId`), each with the id and
 * state of the item it copies. Units not in the answer run again.
 */
export function takenFromFirstRun(
  units: readonly RetryUnit[],
  firstTaskId: string,
  firstItems: readonly FirstRunItem[],
): Map<string, FirstRunItem> {
  const first = new Map(firstItems.map((i) => [i.id, i]));
  const counterpart = (u: RetryUnit) =>
    first.get(workItemId(firstTaskId, u.kind, u.project, u.configuration));
  const runs = new Set(
    units.filter((u) => !keptStates.includes(counterpart(u)?.state ?? 'Failed')).map((u) => u.id),
  );
  // What depends on an item that runs again runs again too (its inputs change).
  for (let grew = true; grew;) {
    grew = false;
    for (const unit of units) {
      if (runs.has(unit.id) || !unit.dependsOn.some((d) => runs.has(d))) continue;
      runs.add(unit.id);
      grew = true;
    }
  }
  return new Map(units.filter((u) => !runs.has(u.id)).map((u) => [u.id, counterpart(u)!] as const));
}
