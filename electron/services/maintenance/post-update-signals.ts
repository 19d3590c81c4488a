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
import type { Host } from '../host/host';
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
 * The journal's errors (problemSeverity 'fail') since `since` (ms), for a watch that polls: each
 * read after the first fetches only what is new. journald: the first read asks `-S @<since>`,
 * later ones `--after-cursor=<the last entry's cursor>` (journald's own position, exact across
 * restarts of the service). A `coin service` log: ServiceLogReader (only what coin.log grew by).
 */
export class JournalErrorReader {
  private readonly serviceLog: ServiceLogReader;
  private cursor: string | null = null;
  private journald: WindowEntry[] = [];
  /** The journalctl command of the last read (what a poll asked). */
  lastJournalctl: readonly string[] = [];

  constructor(private readonly since: number) {
    this.serviceLog = new ServiceLogReader(since, isError);
  }

  /** The errors since `since` so far, from `host` where `manager` runs Coin. */
  async read(
    host: Host,
    manager: 'systemd' | 'coin-service',
    workingDir: string,
  ): Promise<{ source: string; errors: WindowEntry[] }> {
    if (manager === 'coin-service') {
      const window = await this.serviceLog.read(host, workingDir);
      return { source: window.source, errors: [...window.entries] };
    }
    const from = this.cursor
      ? [`--after-cursor=${this.cursor}`]
      : ['-S', `@${Math.floor(this.since / 1000)}`];
    const argv = ['journalctl', '--user', '-u', 'coin', ...from, '-o', 'json', '--no-pager', '-q'];
    this.lastJournalctl = argv;
    const result = await host.run(argv, { timeoutMs: 60_000 });
    if (result.code !== 0)
      throw new Error(
        `journalctl failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
      );
    for (const line of result.stdout.split('\n')) {
      const parsed = line.trim() ? parseJournalJson(line) : undefined;
      if (!parsed) continue;
      this.cursor = parsed.cursor;
      if (isError(parsed.entry)) this.journald.push(parsed.entry);
    }
    return { source: 'journalctl --user -u coin', errors: [...this.journald] };
  }
}

/**
 * Journal entries since `since` (ms) that are errors. `reader` (a JournalErrorReader kept by a
 * watch between its polls) reads only what is new since its last read.
 */
export async function journalErrorsSince(
  session: InstanceSession,
  since: number,
  reader: JournalErrorReader = new JournalErrorReader(since),
): Promise<{ source: string; errors: WindowEntry[] }> {
  const controller = await session.controller();
  const manager = controller.manager === 'systemd' ? 'systemd' : 'coin-service';
  return reader.read(session.host, manager, session.profile.workingDir);
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
    /** The watch's reader of the journal (keeps its place between polls). */
    journal?: JournalErrorReader;
  },
): Promise<WatchSnapshot> {
  const journal = await journalErrorsSince(session, input.restartedAt, input.journal);
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
