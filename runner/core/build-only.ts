/**
 * A build-only integration (a Gerrit precheck with `onlybuild`): the planned work items without
 * the test ones, as if every configuration had `DoNotRunTests` (configuration-verdicts.ts), the
 * builds and their keys unchanged so they reuse and are reused by other integrations. Pure.
 */
import type { WorkUnit } from './work-unit';

/** `units` without test work items; nothing left depends on one. */
export function withoutTestUnits(units: readonly WorkUnit[]): WorkUnit[] {
  const tests = new Set(units.filter((u) => u.kind === 'test').map((u) => u.id));
  return units
    .filter((u) => !tests.has(u.id))
    .map((u) => ({ ...u, dependsOn: u.dependsOn.filter((id) => !tests.has(id)) }));
}
