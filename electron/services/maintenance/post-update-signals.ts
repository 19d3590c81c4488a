/**
 * What the post-update watch reads from the instance at each poll: the service's state, the
 * journal's errors since the restart (journald, or the `coin service` log), the tasks the update
 * interrupted and the tasks that finished since the restart (with their classified failures from
 * api/taskDetail), and the agents. Read through the profile's session: over its SSH connection and
 * tunnel for a master.
 */
import type { WatchedTask } from '../../common/post-update-contract';
import type { InstanceSession } from '../instances/instance-session';
import { instancePortOf } from '../instances/instance-status';
import { parseJournalJson } from '../journal/journal-parsers';
import { InstanceClient } from '../../../runner/client/instance-client';
import type { AgentRecord, TaskRecord } from '../../../runner/core/instance-api';
import { problemSeverity, type WindowEntry } from './check-decisions';
import { instanceUrl } from './instance-http';
import { ServiceLogReader } from './journal-window';

/** What one poll saw. */
export interface WatchSnapshot {
  /** `active`, `inactive`...: the service manager's word. */
  serviceState: string;
  journal: { source: string; errors: WindowEntry[] };
  interrupted: WatchedTask[];
  finished: WatchedTask[];
  agents: AgentRecord[];
}

/** Tasks that finished since the restart, read per poll at most. */
const recentTasks = 200;

/** The client of the instance's API when the service runs, else null with the service's state. */
export async function clientOf(
  session: InstanceSession,
): Promise<{ client: InstanceClient | null; serviceState: string }> {
  const status = await (await session.controller()).status();
  const port = instancePortOf(status, session.profile.instancePort);
  if (port === null) return { client: null, serviceState: status.state };
  const root = await instanceUrl(session, port);
  return { client: new InstanceClient({ root, timeoutMs: 20_000 }), serviceState: status.state };
}

/** Ids of the tasks running now (the ones a stop interrupts); empty when the instance does not answer. */
export async function runningTaskIds(session: InstanceSession): Promise<string[]> {
  const { client } = await clientOf(session);
  if (!client) return [];
  const page = await client.tasks({ state: 'Running', max: 1000 });
  return page.tasks.map((t) => t.id);
}

/**
 * The reader of a `coin service` log's errors since `since` (ms) for a watch that polls: after its
 * first read it fetches only what the log grew by.
 */
export function serviceLogErrorReader(since: number): ServiceLogReader {
  return new ServiceLogReader(since, isError);
}

/**
 * Journal entries since `since` (ms) that are errors (problemSeverity 'fail'). Where Coin runs as
 * a `coin service`, `reader` (serviceLogErrorReader) keeps its place in the log between polls.
 */
export async function journalErrorsSince(
  session: InstanceSession,
  since: number,
  reader: ServiceLogReader = serviceLogErrorReader(since),
): Promise<{ source: string; errors: WindowEntry[] }> {
  const controller = await session.controller();
  if (controller.manager === 'systemd') {
    const argv = ['journalctl', '--user', '-u', 'coin', '-S', `@${Math.floor(since / 1000)}`, '-o', 'json'];
    const result = await session.host.run([...argv, '--no-pager', '-q'], { timeoutMs: 60_000 });
    if (result.code !== 0)
      throw new Error(
        `journalctl failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
      );
    const entries = result.stdout.split('\n').flatMap((line) => {
      const parsed = line.trim() ? parseJournalJson(line) : undefined;
      return parsed ? [parsed.entry] : [];
    });
    return { source: 'journalctl --user -u coin', errors: entries.filter(isError) };
  }
  const window = await reader.read(session.host, session.profile.workingDir);
  return { source: window.source, errors: [...window.entries] };
}

const isError = (entry: WindowEntry) => problemSeverity(entry) === 'fail';

/** A task as the watch shows it; its failures read when it failed. */
async function watched(client: InstanceClient, task: TaskRecord): Promise<WatchedTask> {
  const base = {
    id: task.id,
    project: task.project,
    branch: task.branch,
    state: task.state,
    finished: task.finished,
  };
  if (task.state !== 'Failed' && task.state !== 'Cancelled')
    return { ...base, failureKinds: [], systemFailure: null };
  const detail = await client.taskDetail(task.id);
  const failures = detail.failures ?? [];
  const system = failures.find((f) => f.kind === 'system');
  return {
    ...base,
    failureKinds: [...new Set(failures.map((f) => f.kind))],
    systemFailure: system ? [system.message, system.cause].filter(Boolean).join(': ') : null,
  };
}

/**
 * One poll. `known`: tasks already final in an earlier poll (their failures are not read again).
 * Throws when the instance cannot be read (the watch tells it as the poll's error).
 */
export async function readSnapshot(
  session: InstanceSession,
  input: {
    restartedAt: number;
    interruptedIds: readonly string[];
    known: ReadonlyMap<string, WatchedTask>;
    /** The watch's reader of the `coin service` log (keeps its place between polls). */
    serviceLog?: ServiceLogReader;
  },
): Promise<WatchSnapshot> {
  const journal = await journalErrorsSince(session, input.restartedAt, input.serviceLog);
  const { client, serviceState } = await clientOf(session);
  if (!client) return { serviceState, journal, interrupted: [], finished: [], agents: [] };
  const final = (t: WatchedTask | undefined) => t && t.finished !== null;
  const view = async (task: TaskRecord) => {
    const known = input.known.get(task.id);
    return final(known) && known!.state === task.state ? known! : watched(client, task);
  };
  const interrupted: WatchedTask[] = [];
  for (const id of input.interruptedIds) {
    const detail = await client.taskDetail(id);
    interrupted.push(await view(detail.task));
  }
  const page = await client.tasks({ max: recentTasks });
  const finishedSince = page.tasks.filter(
    (t) => t.finished !== null && Date.parse(t.finished) >= input.restartedAt,
  );
  const finished: WatchedTask[] = [];
  for (const task of finishedSince.slice(0, 50)) finished.push(await view(task));
  return { serviceState, journal, interrupted, finished, agents: await client.agents() };
}
