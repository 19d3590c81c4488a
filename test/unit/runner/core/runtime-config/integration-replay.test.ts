// The impact preview: recorded integrations replayed under two configurations.
import { describe, expect, test } from 'vitest';
import { runtimeConfigSchema } from '../../../../../runner/core/runtime-config/config-schema';
import {
  replayIntegrations,
  type RecordedIntegration,
} from '../../../../../runner/core/runtime-config/integration-replay';

const minute = 60_000;

function recorded(
  id: string,
  lane: string,
  queuedMin: number,
  durationMin: number,
  dep = false,
): RecordedIntegration {
  const [owner, repo, branch] = lane.split('/');
  return {
    id,
    project: `${owner}/${repo}`,
    branch: branch!,
    queuedAt: queuedMin * minute,
    durationMs: durationMin * minute,
    dependencyUpdate: dep,
    changes: [],
  };
}

const history = [
  recorded('a', 'qt/qtbase/dev', 0, 60),
  recorded('b', 'qt/qtbase/dev', 5, 60),
  recorded('c', 'qt/qtsvg/dev', 10, 20),
  recorded('d', 'qt/qtbase/dev', 20, 60),
];

describe('replayIntegrations', () => {
  test('without parallel rules the same project/branch runs one after the other', () => {
    const result = replayIntegrations(runtimeConfigSchema.parse({}).gerrit_monitor, history);
    expect(result.map((r) => [r.id, r.startedAt / minute, r.parallelWith, r.waitedFor])).toEqual([
      ['a', 0, [], undefined],
      ['b', 60, [], 'project-branch'],
      ['c', 10, [], undefined],
      ['d', 120, [], 'queue-order'],
    ]);
  });

  test('a parallel rule with a 30 minute delay overlaps them, starting 30 minutes apart', () => {
    const config = runtimeConfigSchema.parse({
      gerrit_monitor: { parallel_project_rules: ['qt/qtbase/.*'], parallel_integration_delay: 1800 },
    }).gerrit_monitor;
    const result = replayIntegrations(config, history);
    expect(result.map((r) => [r.id, r.startedAt / minute, r.parallelWith])).toEqual([
      ['a', 0, ['b']],
      ['b', 30, ['a', 'd']],
      ['c', 10, []],
      ['d', 60, ['b']],
    ]);
  });

  test('a dependency update waits for a quiet system and holds the queue behind it', () => {
    const result = replayIntegrations(runtimeConfigSchema.parse({}).gerrit_monitor, [
      recorded('a', 'qt/qtsvg/dev', 0, 30),
      recorded('dep', 'qt/qtbase/dev', 1, 10, true),
      recorded('b', 'qt/qtdeclarative/dev', 2, 10),
    ]);
    expect(result.map((r) => [r.id, r.startedAt / minute, r.waitedFor])).toEqual([
      ['a', 0, undefined],
      ['dep', 30, 'dependency-update'],
      ['b', 40, 'dependency-update'],
    ]);
  });
});
