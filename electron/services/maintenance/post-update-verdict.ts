/**
 * The post-update watch's judgement, from what a poll saw (post-update-signals.ts): red with its
 * reasons (errors in the journal since the restart, a system failure in a task, the service not
 * running, the instance unreadable twice in a row, and at the end of the period the interrupted
 * queue not resumed or no agent reaching `running`), watching while something expected has not
 * happened yet, green when nothing is wrong and nothing is pending. Build and test failures are
 * the changes' authors' business (the guide's split): they are shown, never red. A service seen
 * down stays among the reasons: the journal and the tasks keep their own evidence.
 */
import type { PostUpdateWatch, WatchedTask } from '../../common/post-update-contract';
import type { AgentRecord } from '../../../runner/core/instance-api';
import { entryLine } from './check-decisions';
import type { WatchSnapshot } from './post-update-signals';

/** What a watch is of. */
export interface WatchStart {
  profileId: string;
  revision: string;
  kind: PostUpdateWatch['kind'];
  restartedAt: string;
  periodMinutes: number;
}

/** Error lines kept. */
const maxErrors = 50;
/** Reasons that stay once seen start with this. */
const stickyMark = 'At ';

/** A watch that has not polled yet. */
export function initialWatch(start: WatchStart): PostUpdateWatch {
  return {
    ...start,
    state: 'polling',
    verdict: 'watching',
    reasons: [],
    pending: ['the first look at the instance is being made'],
    until: new Date(Date.parse(start.restartedAt) + start.periodMinutes * 60_000).toISOString(),
    lastPollAt: null,
    pollError: null,
    journal: { source: '', errors: [], count: 0 },
    interrupted: [],
    finished: [],
    agents: { byState: {}, reachedRunning: 0 },
  };
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const taskName = (t: WatchedTask) => `${t.id.slice(0, 8)} (${t.project} ${t.branch})`;

/** The watch after a poll that could not read the instance. */
export function judgeUnreadable(previous: PostUpdateWatch, error: string, now: number): PostUpdateWatch {
  const sticky = previous.reasons.filter((r) => r.startsWith(stickyMark));
  if (previous.pollError !== null)
    sticky.push(`${stickyMark}${clock(now)} the instance could not be read twice in a row: ${error}`);
  const next = { ...previous, lastPollAt: new Date(now).toISOString(), pollError: error };
  return finish(next, [...new Set([...sticky, ...previous.reasons])], previous.pending, now);
}

/**
 * The watch after a poll. `seenRunning`: agents seen in `running` since the restart, this poll's
 * added (the caller keeps the set).
 */
export function judge(
  previous: PostUpdateWatch,
  snapshot: WatchSnapshot,
  seenRunning: Set<string>,
  now: number,
): PostUpdateWatch {
  for (const agent of snapshot.agents) if (agent.state === 'running') seenRunning.add(agent.id);
  const reasons = previous.reasons.filter((r) => r.startsWith(stickyMark));
  if (snapshot.serviceState !== 'active')
    reasons.push(`${stickyMark}${clock(now)} the service was ${snapshot.serviceState}, not active`);
  const errors = snapshot.journal.errors;
  if (errors.length)
    reasons.push(
      `${errors.length} error line(s) in the journal since the restart; the last: ${entryLine(errors.at(-1)!)}`,
    );
  const tasks = new Map([...snapshot.finished, ...snapshot.interrupted].map((t) => [t.id, t]));
  for (const task of tasks.values())
    if (task.failureKinds.includes('system'))
      reasons.push(
        `task ${taskName(task)} ended ${task.state} with a system failure${task.systemFailure ? `: ${task.systemFailure}` : ''}`,
      );
  const pending = pendingOf(snapshot.interrupted, snapshot.agents, seenRunning);
  const next: PostUpdateWatch = {
    ...previous,
    lastPollAt: new Date(now).toISOString(),
    pollError: null,
    journal: {
      source: snapshot.journal.source,
      errors: errors.slice(-maxErrors).map(entryLine),
      count: errors.length,
    },
    interrupted: snapshot.interrupted,
    finished: snapshot.finished,
    agents: { byState: countByState(snapshot.agents), reachedRunning: seenRunning.size },
  };
  return finish(next, [...new Set(reasons)], pending, now);
}

/** What is expected and has not happened yet. */
function pendingOf(
  interrupted: readonly WatchedTask[],
  agents: readonly AgentRecord[],
  seenRunning: ReadonlySet<string>,
): string[] {
  const pending: string[] = [];
  const waiting = interrupted.filter((t) => t.state === 'Initializing');
  if (waiting.length)
    pending.push(
      `${waiting.length} of ${interrupted.length} interrupted task(s) not running again yet: ${waiting.map(taskName).join(', ')}`,
    );
  const building = interrupted.filter((t) => t.state === 'Running');
  if (building.length)
    pending.push(`${building.length} interrupted task(s) building again, not finished yet`);
  // Work is under way while an agent is being started for it or runs it. Agents stopped at the last
  // poll are the ones the restart stopped, or done; a waiting one is idle (`coin run --ready-agents`
  // keeps some waiting for work that may not come): no work waits for them.
  const work =
    interrupted.length > 0 || agents.some((a) => a.state === 'provisioning' || a.state === 'running');
  if (work && seenRunning.size === 0) pending.push('no agent has reached running since the restart');
  return pending;
}

/** Ends the period: what never came becomes a reason, a build still going stays a note. */
function finish(watch: PostUpdateWatch, reasons: string[], pending: string[], now: number): PostUpdateWatch {
  const ended = watch.state === 'polling' && now >= Date.parse(watch.until) ? 'ended' : watch.state;
  if (ended === 'ended')
    for (const item of pending)
      if (!/building again/.test(item)) reasons.push(`at the end of the watch, ${item}`);
  const left = ended === 'ended' ? pending.filter((p) => /building again/.test(p)) : pending;
  const verdict = reasons.length ? 'red' : left.length && ended !== 'ended' ? 'watching' : 'green';
  return { ...watch, state: ended, reasons, pending: left, verdict };
}

function countByState(agents: readonly AgentRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const agent of agents) counts[agent.state] = (counts[agent.state] ?? 0) + 1;
  return counts;
}
