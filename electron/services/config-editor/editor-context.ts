/**
 * Gathers the configuration editor's context from an instance: its task history (known
 * project/branches, the integrations of the last days for the impact preview), the
 * configurations its recent work items ran on, and, for a local instance, the properties of the
 * configurations it offers (for the sched_rules tester).
 */
import type { EditorContext, KnownConfiguration } from '../../common/config-editor-contract';
import type { ConnectionProfile } from '../../common/instance-schemas';
import type { TaskRecord, WorkItemRecord } from '../../../runner/core/records';
import type { InstanceReader } from './instance-api-client';
import { localConfigurations } from './local-configurations';
import { configurationUsage, knownLanes, recordedIntegrations } from './task-history';

/** How much history is read. */
export interface HistoryLimits {
  /** Tasks read at most (newest first). */
  maxTasks: number;
  /** Tasks read at least, whatever their age (for the known project/branches). */
  minTasks: number;
  /** Newest tasks whose work items are read (for the configurations in use). */
  detailTasks: number;
}

/** The defaults: enough for a busy production master's week without a long wait. */
export const defaultHistoryLimits: HistoryLimits = { maxTasks: 3000, minTasks: 500, detailTasks: 20 };

const pageSize = 500;

/** What gatherEditorContext needs. */
export interface ContextRequest {
  profile: ConnectionProfile;
  /** The instance's API and dashboard URL; null when it does not run (`problem` says why). */
  instance: { reader: InstanceReader; url: string } | null;
  problem: string | null;
  days: number;
  nowMs: number;
  limits?: HistoryLimits;
  /** The configurations of a local profile (default: read from this computer). */
  localConfigurations?: (workingDir: string) => KnownConfiguration[];
}

/** Newest first, until old enough for `fromMs` and at least `minTasks`, at most `maxTasks`. */
async function readTasks(
  reader: InstanceReader,
  fromMs: number,
  limits: HistoryLimits,
): Promise<{ tasks: TaskRecord[]; truncated: boolean }> {
  const tasks: TaskRecord[] = [];
  for (;;) {
    const page = await reader.tasks({ start: tasks.length, max: pageSize });
    tasks.push(...page.tasks);
    const oldest = tasks[tasks.length - 1];
    const more = page.tasks.length === pageSize && tasks.length < page.total;
    const oldEnough = oldest !== undefined && Date.parse(oldest.created) < fromMs;
    if (!more || (oldEnough && tasks.length >= limits.minTasks)) return { tasks, truncated: false };
    if (tasks.length >= limits.maxTasks) return { tasks, truncated: true };
  }
}

async function recentWorkItems(
  reader: InstanceReader,
  tasks: readonly TaskRecord[],
  count: number,
): Promise<WorkItemRecord[]> {
  const recent = tasks.filter((t) => t.started !== null).slice(0, count);
  const details = await Promise.all(recent.map((t) => reader.taskDetail(t.id)));
  return details.flatMap((d) => d.workItems);
}

/** The configurations offered (local profiles) and used (any), with their use counts. */
export function mergeConfigurations(
  offered: readonly KnownConfiguration[],
  usage: ReadonlyMap<string, number>,
): KnownConfiguration[] {
  const merged = offered.map((c) => ({ ...c, workItems: usage.get(c.id) ?? 0 }));
  for (const [id, workItems] of usage) {
    if (!merged.some((c) => c.id === id))
      merged.push({ id, properties: null, source: 'task history', workItems });
  }
  return merged;
}

function offeredConfigurations(request: ContextRequest, problems: string[]): KnownConfiguration[] {
  if (request.profile.kind !== 'local') return [];
  try {
    return (request.localConfigurations ?? localConfigurations)(request.profile.workingDir);
  } catch (error) {
    problems.push(`the configurations of this computer: ${(error as Error).message}`);
    return [];
  }
}

/** The editor's context for one profile. */
export async function gatherEditorContext(request: ContextRequest): Promise<EditorContext> {
  const limits = request.limits ?? defaultHistoryLimits;
  const fromMs = request.nowMs - request.days * 24 * 3_600_000;
  const problems: string[] = [];
  const offered = offeredConfigurations(request, problems);
  const base = {
    profileId: request.profile.id,
    days: request.days,
    fromMs,
    toMs: request.nowMs,
    problems,
  };
  if (!request.instance) {
    return {
      ...base,
      instance: { running: false, url: null, problem: request.problem },
      lanes: [],
      configurations: mergeConfigurations(offered, new Map()),
      integrations: [],
      tasksRead: 0,
      truncated: false,
    };
  }
  const { reader, url } = request.instance;
  const { tasks, truncated } = await readTasks(reader, fromMs, limits);
  const workItems = await recentWorkItems(reader, tasks, limits.detailTasks).catch((error: Error) => {
    problems.push(`work items of the recent tasks: ${error.message}`);
    return [];
  });
  return {
    ...base,
    instance: { running: true, url, problem: null },
    lanes: knownLanes(tasks),
    configurations: mergeConfigurations(offered, configurationUsage(workItems)),
    integrations: recordedIntegrations(tasks, fromMs, request.nowMs),
    tasksRead: tasks.length,
    truncated,
  };
}
