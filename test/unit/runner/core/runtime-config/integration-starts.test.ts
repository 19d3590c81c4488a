// The gerrit_monitor rules as decisions: which queued integrations start now, and why the rest wait.
import { describe, expect, test } from 'vitest';
import {
  cherryPickBotEmail,
  runtimeConfigSchema,
  type GerritMonitorConfig,
} from '../../../../../runner/core/runtime-config/config-schema';
import {
  decideIntegrationStarts,
  matchingParallelRules,
  type IntegrationCandidate,
  type RunningIntegration,
  type StartDecision,
} from '../../../../../runner/core/runtime-config/integration-starts';

const hour = 3600_000;
const t0 = Date.parse('2026-12-01T10:00:00Z');

function monitor(fields: Record<string, unknown> = {}): GerritMonitorConfig {
  return runtimeConfigSchema.parse({ gerrit_monitor: fields }).gerrit_monitor;
}

function queued(id: string, lane: string, extra: Partial<IntegrationCandidate> = {}): IntegrationCandidate {
  const [owner, repo, branch] = lane.split('/');
  return {
    id,
    project: `${owner}/${repo}`,
    branch: branch!,
    queuedAt: t0,
    dependencyUpdate: false,
    changes: [{ owner: 'dev@example.org' }],
    ...extra,
  };
}

function running(id: string, lane: string, startedAt: number, dependencyUpdate = false): RunningIntegration {
  const [owner, repo, branch] = lane.split('/');
  return { id, project: `${owner}/${repo}`, branch: branch!, startedAt, dependencyUpdate };
}

function decide(
  config: GerritMonitorConfig,
  run: RunningIntegration[],
  queue: IntegrationCandidate[],
  now = t0,
): StartDecision[] {
  return decideIntegrationStarts({ gerritMonitor: config, running: run, queued: queue, now });
}

function summary(decisions: StartDecision[]): string[] {
  return decisions.map((d) =>
    d.start ? `${d.id} start${d.parallel ? ' parallel' : ''}` : `${d.id} ${d.kind}`,
  );
}

describe('parallel_project_rules and parallel_integration_delay', () => {
  test('different project/branches start side by side; the same one waits for the running one', () => {
    const decisions = decide(
      monitor(),
      [running('r1', 'qt/qtbase/dev', t0 - hour)],
      [queued('a', 'qt/qtbase/dev'), queued('b', 'qt/qtsvg/dev'), queued('c', 'qt/qtbase/6.8')],
    );
    expect(summary(decisions)).toEqual(['a project-branch', 'b start', 'c start']);
    expect(decisions[0]).toMatchObject({
      until: undefined,
      reason:
        'r1 of qt/qtbase/dev is running and no parallel_project_rules entry matches "qt/qtbase/dev": waits for it to finish',
    });
  });

  test('two queued integrations of a free project/branch: the first starts, the second waits for it', () => {
    const decisions = decide(monitor(), [], [queued('a', 'qt/qtbase/dev'), queued('b', 'qt/qtbase/dev')]);
    expect(summary(decisions)).toEqual(['a start', 'b project-branch']);
  });

  test('a matching rule allows parallel runs, parallel_integration_delay after the latest start', () => {
    const config = monitor({ parallel_project_rules: ['qt/qtbase/dev'], parallel_integration_delay: 1800 });
    const r1 = running('r1', 'qt/qtbase/dev', t0 - 10 * 60_000);
    let decisions = decide(config, [r1], [queued('a', 'qt/qtbase/dev'), queued('b', 'qt/qtbase/dev')]);
    expect(summary(decisions)).toEqual(['a parallel-delay', 'b queue-order']);
    expect(decisions[0]).toMatchObject({ until: t0 + 20 * 60_000 });
    expect(decisions[1]).toMatchObject({
      until: t0 + 20 * 60_000,
      reason: 'queued behind a of qt/qtbase/dev',
    });
    decisions = decide(
      config,
      [r1],
      [queued('a', 'qt/qtbase/dev'), queued('b', 'qt/qtbase/dev')],
      t0 + 20 * 60_000,
    );
    expect(summary(decisions)).toEqual(['a start parallel', 'b parallel-delay']);
    expect(decisions[1]).toMatchObject({ until: t0 + 50 * 60_000 });
    expect(decisions[0]!.reason).toBe('starts in parallel with r1 (parallel_project_rules: "qt/qtbase/dev")');
  });

  test('a delay of 0 starts every integration of a parallel project/branch at once', () => {
    const config = monitor({ parallel_project_rules: ['qt/.*'], parallel_integration_delay: 0 });
    const decisions = decide(config, [], [queued('a', 'qt/qtbase/dev'), queued('b', 'qt/qtbase/dev')]);
    expect(summary(decisions)).toEqual(['a start', 'b start parallel']);
  });

  test('rules match the whole <project>/<branch>', () => {
    const config = monitor({ parallel_project_rules: ['qt/qtbase/dev', 'qt/qtsvg/.*'] });
    expect(matchingParallelRules(config, 'qt/qtbase/dev')).toEqual(['qt/qtbase/dev']);
    expect(matchingParallelRules(config, 'qt/qtbase/dev2')).toEqual([]);
    expect(matchingParallelRules(config, 'qt/qtbase/6.8')).toEqual([]);
    expect(matchingParallelRules(config, 'qt/qtsvg/6.8')).toEqual(['qt/qtsvg/.*']);
  });
});

describe('serialize_dependency_updates', () => {
  test('a dependency update waits until nothing runs, and later integrations queue behind it', () => {
    const decisions = decide(
      monitor(),
      [running('r1', 'qt/qtsvg/dev', t0 - hour)],
      [queued('dep', 'qt/qtbase/dev', { dependencyUpdate: true }), queued('b', 'qt/qtdeclarative/dev')],
    );
    expect(summary(decisions)).toEqual(['dep dependency-update', 'b dependency-update']);
    expect(decisions[0]!.reason).toBe(
      'a dependency update runs alone (serialize_dependency_updates): waits for r1 to finish',
    );
  });

  test('while a dependency update runs nothing else starts', () => {
    const decisions = decide(
      monitor(),
      [running('dep', 'qt/qtbase/dev', t0 - hour, true)],
      [queued('a', 'qt/qtsvg/dev')],
    );
    expect(summary(decisions)).toEqual(['a dependency-update']);
  });

  test('with nothing running a dependency update starts, and then holds the rest', () => {
    const decisions = decide(
      monitor(),
      [],
      [queued('dep', 'qt/qtbase/dev', { dependencyUpdate: true }), queued('a', 'qt/qtsvg/dev')],
    );
    expect(summary(decisions)).toEqual(['dep start', 'a dependency-update']);
  });

  test('when false, dependency updates are ordinary integrations', () => {
    const decisions = decide(
      monitor({ serialize_dependency_updates: false }),
      [running('r1', 'qt/qtsvg/dev', t0 - hour, true)],
      [queued('dep', 'qt/qtbase/dev', { dependencyUpdate: true }), queued('b', 'qt/qtdeclarative/dev')],
    );
    expect(summary(decisions)).toEqual(['dep start', 'b start']);
  });
});

describe('cherry-pick accumulation', () => {
  const bot = { owner: cherryPickBotEmail, stagedAt: t0 - 2 * hour };

  test('an integration of only bot cherry-picks waits 6 hours after the first was staged', () => {
    const q = queued('cp', 'qt/qtbase/6.8', {
      changes: [bot, { owner: 'CherryPick_Bot@qt-project.org', stagedAt: t0 - hour }],
    });
    const decisions = decide(monitor(), [], [q, queued('b', 'qt/qtbase/6.8')]);
    expect(summary(decisions)).toEqual(['cp cherry-pick', 'b start']);
    expect(decisions[0]).toMatchObject({ until: t0 + 4 * hour });
    expect(summary(decide(monitor(), [], [q], t0 + 4 * hour))).toEqual(['cp start']);
  });

  test('disable_cherry_pick_delay, a restage by hand, or a change by someone else start it at once', () => {
    const onlyBot = queued('cp', 'qt/qtbase/6.8', { changes: [bot] });
    expect(summary(decide(monitor({ disable_cherry_pick_delay: true }), [], [onlyBot]))).toEqual([
      'cp start',
    ]);
    const restaged = queued('cp', 'qt/qtbase/6.8', { changes: [{ ...bot, restagedByHand: true }] });
    expect(summary(decide(monitor(), [], [restaged]))).toEqual(['cp start']);
    const mixed = queued('cp', 'qt/qtbase/6.8', { changes: [bot, { owner: 'dev@example.org' }] });
    expect(summary(decide(monitor(), [], [mixed]))).toEqual(['cp start']);
  });

  test('without a staged time the queue time counts', () => {
    const q = queued('cp', 'qt/qtbase/6.8', {
      changes: [{ owner: cherryPickBotEmail }],
      queuedAt: t0 - hour,
    });
    expect(decide(monitor(), [], [q])[0]).toMatchObject({ start: false, until: t0 + 5 * hour });
  });
});
