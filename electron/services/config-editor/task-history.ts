/**
 * What the configuration editor learns from an instance's task history, as functions of the task
 * records its API returned: the known project/branches (for the parallel_project_rules tester),
 * the recorded integrations (for the impact preview) and how often each configuration was used.
 */
import type { KnownLane, RecordedIntegrationJson } from '../../common/config-editor-contract';
import type { TaskRecord, WorkItemRecord } from '../../../runner/core/records';
import { integrationCandidateOf } from '../../../runner/node/runtime-config/tested-changes';

/** Every `<project>/<branch>` of `tasks`, most recently used first. */
export function knownLanes(tasks: readonly TaskRecord[]): KnownLane[] {
  const lanes = new Map<string, KnownLane>();
  for (const task of tasks) {
    const lane = `${task.project}/${task.branch}`;
    const known = lanes.get(lane);
    if (!known) {
      lanes.set(lane, {
        project: task.project,
        branch: task.branch,
        lane,
        tasks: 1,
        lastCreated: task.created,
      });
    } else {
      const lastCreated = task.created > known.lastCreated ? task.created : known.lastCreated;
      lanes.set(lane, { ...known, tasks: known.tasks + 1, lastCreated });
    }
  }
  return [...lanes.values()].sort(
    (a, b) => b.lastCreated.localeCompare(a.lastCreated) || a.lane.localeCompare(b.lane),
  );
}

/**
 * The integrations created from `fromMs` on that started, as the replay needs them: queued at
 * their creation, running for as long as they ran (a running one until `nowMs`).
 */
export function recordedIntegrations(
  tasks: readonly TaskRecord[],
  fromMs: number,
  nowMs: number,
): RecordedIntegrationJson[] {
  const out: RecordedIntegrationJson[] = [];
  for (const task of tasks) {
    if (task.type !== 'Integration' || !task.started || Date.parse(task.created) < fromMs) continue;
    const started = Date.parse(task.started);
    const finished = task.finished ? Date.parse(task.finished) : nowMs;
    const candidate = integrationCandidateOf(task);
    out.push({
      id: task.id,
      project: task.project,
      branch: task.branch,
      queuedAt: candidate.queuedAt,
      durationMs: Math.max(0, finished - started),
      dependencyUpdate: candidate.dependencyUpdate,
      changes: candidate.changes.map((c) => ({ ...c })),
      state: task.state,
    });
  }
  return out.sort((a, b) => a.queuedAt - b.queuedAt);
}

/** How many work items ran on each configuration id. */
export function configurationUsage(workItems: readonly WorkItemRecord[]): Map<string, number> {
  const usage = new Map<string, number>();
  for (const item of workItems) usage.set(item.configurationId, (usage.get(item.configurationId) ?? 0) + 1);
  return usage;
}
