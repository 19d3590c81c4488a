import { expect, test } from 'vitest';
import { runtimeConfigSchema } from '../../../../runner/core/runtime-config/config-schema';
import type { RecordedIntegration } from '../../../../runner/core/runtime-config/integration-replay';
import {
  compareImpact,
  describeReplayed,
  formatDuration,
} from '../../../../renderer/src/areas/configuration/impact-model';

const minute = 60_000;
const t0 = Date.parse('2030-01-01T08:00:00Z');
const integration = (
  id: string,
  lane: string,
  queuedMin: number,
  durationMin: number,
): RecordedIntegration => {
  const [project, branch] = [lane.slice(0, lane.lastIndexOf('/')), lane.slice(lane.lastIndexOf('/') + 1)];
  return {
    id,
    project: project!,
    branch: branch!,
    queuedAt: t0 + queuedMin * minute,
    durationMs: durationMin * minute,
    dependencyUpdate: false,
    changes: [],
  };
};
const recorded = [
  integration('A1', 'qt/qtbase/dev', 0, 40),
  integration('A2', 'qt/qtbase/dev', 5, 40),
  integration('A3', 'qt/qtbase/dev', 10, 40),
  integration('B1', 'qt/qtsvg/dev', 2, 20),
];
const gerrit = (rules: string[], delay = 600) =>
  runtimeConfigSchema.parse({
    gerrit_monitor: { parallel_project_rules: rules, parallel_integration_delay: delay },
  }).gerrit_monitor;

test('allowing a project/branch in parallel shows which integrations would have overlapped instead of waiting', () => {
  const impact = compareImpact(recorded, gerrit([]), gerrit(['qt/qtbase/.*']));
  expect(impact.saved).toMatchObject({
    integrations: 4,
    parallel: 0,
    waited: 2,
    waitedBy: { 'project-branch': 1, 'queue-order': 1 },
  });
  expect(impact.saved.waitedMs).toBe((35 + 70) * minute);
  expect(impact.edited).toMatchObject({
    integrations: 4,
    parallel: 3,
    waited: 2,
    waitedBy: { 'parallel-delay': 2 },
  });
  expect(impact.edited.waitedMs).toBe((5 + 10) * minute);
  expect(impact.rows.filter((r) => r.changed).map((r) => r.id)).toEqual(['A1', 'A2', 'A3']);
  expect(impact.changed).toBe(3);
  const a2 = impact.rows.find((r) => r.id === 'A2')!;
  expect(describeReplayed(a2.saved)).toBe('waited 35 min (project-branch)');
  expect(describeReplayed(a2.edited)).toBe('waited 5 min (parallel-delay), in parallel with A1, A3');
  expect(describeReplayed(impact.rows.find((r) => r.id === 'B1')!.edited)).toBe('started at once');
});

test('the same rules change nothing', () => {
  const impact = compareImpact(recorded, gerrit(['qt/qtsvg/dev']), gerrit(['qt/qtsvg/.*']));
  expect(impact.changed).toBe(0);
  expect(impact.saved).toEqual(impact.edited);
});

test('durations read the way people say them', () => {
  expect([
    formatDuration(40_000),
    formatDuration(12 * minute),
    formatDuration(65 * minute),
    formatDuration(120 * minute),
  ]).toEqual(['40 s', '12 min', '1 h 5 min', '2 h']);
});
