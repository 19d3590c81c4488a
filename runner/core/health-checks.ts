/**
 * The daily monitoring checks an instance can make about itself, as functions of plain values:
 * the disk, the agent pool, the latest results, the OpenNebula hosts and the extra web servers the
 * runtime configuration lists, each turned into ok / warn / fail / skipped with one sentence and
 * the evidence. The instance gathers the values (runner/node/instance/health-monitor.ts) on its schedule; the desktop
 * app's checklist uses the same judgements (electron/services/maintenance/check-decisions.ts).
 */
import { formatBytes } from './format-bytes';

/** How a check came out. `skipped`: it cannot be made for this instance (the summary says why). */
export const healthStatuses = ['ok', 'warn', 'fail', 'skipped'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/** The checks an instance makes on itself, in the guide's order. */
export const healthCheckIds = [
  'disk',
  'agents',
  'latest-results',
  'opennebula-hosts',
  'web-servers',
] as const;
export type HealthCheckId = (typeof healthCheckIds)[number];

/** Each check's title. */
export const healthCheckTitles: Record<HealthCheckId, string> = {
  disk: 'Disk space',
  agents: 'Agents waiting vs running',
  'latest-results': 'Latest results',
  'opennebula-hosts': 'OpenNebula hosts ON',
  'web-servers': 'Web servers',
};

/** One check's outcome. */
export interface HealthCheck {
  id: HealthCheckId;
  title: string;
  status: HealthStatus;
  /** One sentence for people. */
  summary: string;
  /** Evidence, at most maxHealthDetails lines. */
  details: string[];
}

/** Evidence lines kept per check. */
export const maxHealthDetails = 50;

/** A check with its title, the details cut to maxHealthDetails. */
export function healthCheck(
  id: HealthCheckId,
  status: HealthStatus,
  summary: string,
  details: readonly string[] = [],
): HealthCheck {
  return { id, title: healthCheckTitles[id], status, summary, details: details.slice(0, maxHealthDetails) };
}

const rank: Record<HealthStatus, number> = { skipped: -1, ok: 0, warn: 1, fail: 2 };

/** The worst status of the checks that were made ('skipped' only when none was). */
export function worstStatus(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worst, s) => (rank[s] > rank[worst] ? s : worst), 'skipped');
}

/** "3 agents", "1 agent". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "5 minutes ago", "3 hours ago", "2 days ago". */
export function ago(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 90) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${plural(hours, 'hour')} ago`;
  return `${plural(Math.round(hours / 24), 'day')} ago`;
}

/** Free disk of the working directory and the threshold the garbage collector keeps free. */
export interface DiskFacts {
  freeBytes: number;
  totalBytes: number;
  gcMinFreeBytes: number;
  /** Where the threshold comes from, for the summary. */
  thresholdSource: string;
}

/** Disk: under the GC threshold fails, under twice the threshold warns. */
export function judgeDisk(facts: DiskFacts): HealthCheck {
  const free = `${formatBytes(facts.freeBytes)} free of ${formatBytes(facts.totalBytes)}`;
  const threshold = `the garbage collector's threshold is ${formatBytes(facts.gcMinFreeBytes)} (${facts.thresholdSource})`;
  const details = [free, threshold];
  if (facts.freeBytes < facts.gcMinFreeBytes)
    return healthCheck(
      'disk',
      'fail',
      `${free}: under ${threshold}; the collector cannot keep up, or something else fills the disk`,
      details,
    );
  if (facts.freeBytes < 2 * facts.gcMinFreeBytes)
    return healthCheck('disk', 'warn', `${free}: less than twice ${threshold}`, details);
  return healthCheck('disk', 'ok', `${free}; ${threshold}`, details);
}

/** "Many" waiting agents for the agents rule. */
export const manyWaiting = 20;

/**
 * Agents: the guide's "many (hundreds of) agents waiting with none or a handful running" as a
 * rule: at least manyWaiting waiting and at most a tenth of that number running warns.
 */
export function judgeAgents(agents: readonly { id: string; state: string }[]): HealthCheck {
  const counts: Record<string, number> = {};
  for (const agent of agents) counts[agent.state] = (counts[agent.state] ?? 0) + 1;
  const waiting = counts.waiting ?? 0;
  const running = counts.running ?? 0;
  const details = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${state}: ${n}`);
  const summary = `${running} running, ${waiting} waiting (${plural(agents.length, 'agent')} in the pool)`;
  if (waiting >= manyWaiting && running <= waiting / 10)
    return healthCheck(
      'agents',
      'warn',
      `${summary}: many agents wait while few run, which usually means they cannot start work; read the journal`,
      details,
    );
  return healthCheck('agents', 'ok', summary, details);
}

/** A finished task as the results check sees it. */
export interface FinishedTask {
  id: string;
  project: string;
  branch: string;
  state: string;
  finished: string;
}

/** The task list's facts: the latest finished tasks (newest first), system failures among them, and what waits. */
export interface ResultsFacts {
  finished: readonly FinishedTask[];
  /** Ids of the finished tasks (of those above) with a work item that failed on a system failure. */
  systemFailures: readonly string[];
  /** Tasks queued or running now. */
  pending: number;
  /** When the oldest of them was created (null when none is). */
  oldestPending: string | null;
  now: number;
}

/** Tasks looked at for system failures. */
export const recentFinished = 20;
/** No finished task for this long while tasks wait looks like a hang. */
export const staleAfterMs = 24 * 3600_000;

/**
 * Latest results: warn on system failures among the last recentFinished finished tasks, and when
 * nothing finished for staleAfterMs while a task has been queued or running for that long too (a
 * hang; a quiet instance that has just been given work is not one).
 */
export function judgeLatestResults(facts: ResultsFacts): HealthCheck {
  const newest = facts.finished[0];
  const age = newest ? facts.now - Date.parse(newest.finished) : Infinity;
  const newestText = newest
    ? `the newest finished task is ${newest.project} ${newest.branch} (${newest.id}), ${newest.state} ${ago(age)}`
    : 'no task has finished yet';
  const details = facts.finished
    .slice(0, recentFinished)
    .map(
      (t) =>
        `${t.finished} ${t.state} ${t.project} ${t.branch} ${t.id}${facts.systemFailures.includes(t.id) ? ' (system failure)' : ''}`,
    );
  const problems: string[] = [];
  if (facts.systemFailures.length)
    problems.push(
      `${plural(facts.systemFailures.length, 'task')} of the last ${Math.min(recentFinished, facts.finished.length)} finished failed on a system failure`,
    );
  const waited = facts.oldestPending ? facts.now - Date.parse(facts.oldestPending) : 0;
  if (age > staleAfterMs && waited > staleAfterMs)
    problems.push(
      `nothing finished in the last 24 hours while ${plural(facts.pending, 'task')} are queued or running`,
    );
  if (problems.length)
    return healthCheck('latest-results', 'warn', `${problems.join('; ')}; ${newestText}`, details);
  return healthCheck('latest-results', 'ok', `${newestText}; ${facts.pending} queued or running`, details);
}

/** A host as the hypervisor reports it (runner/core/hypervisor.ts). */
export interface HostFacts {
  name: string;
  state: 'on' | 'off' | 'error' | 'disabled';
}

/** What the OpenNebula check is given: not configured, the hosts, or why they could not be read. */
export type OpenNebulaFacts =
  | { kind: 'not-configured'; hypervisor: string }
  | { kind: 'hosts'; endpoint: string; hosts: readonly HostFacts[] }
  | { kind: 'unreadable'; endpoint: string; error: string };

/**
 * OpenNebula hosts (the guide: "check that all the servers show ON"): skipped without OpenNebula;
 * a host in error fails; a host off or disabled warns (someone may have taken it out on purpose);
 * no host at all fails (no agent can start); the pool that cannot be read fails with why.
 */
export function judgeOpenNebulaHosts(facts: OpenNebulaFacts): HealthCheck {
  if (facts.kind === 'not-configured')
    return healthCheck(
      'opennebula-hosts',
      'skipped',
      `this instance runs its agents with the ${facts.hypervisor} hypervisor, not OpenNebula`,
    );
  if (facts.kind === 'unreadable')
    return healthCheck(
      'opennebula-hosts',
      'fail',
      `OpenNebula at ${facts.endpoint} cannot be asked for its hosts: ${facts.error}`,
    );
  const details = facts.hosts.map((h) => `${h.name}: ${h.state === 'on' ? 'ON' : h.state.toUpperCase()}`);
  if (facts.hosts.length === 0)
    return healthCheck('opennebula-hosts', 'fail', `OpenNebula at ${facts.endpoint} has no host`, details);
  const notOn = facts.hosts.filter((h) => h.state !== 'on');
  const all = `${facts.hosts.length - notOn.length} of ${plural(facts.hosts.length, 'host')} ON`;
  if (notOn.length === 0) return healthCheck('opennebula-hosts', 'ok', `all ${all}`, details);
  const names = notOn.map((h) => `${h.name} (${h.state})`).join(', ');
  const status = notOn.some((h) => h.state === 'error') ? 'fail' : 'warn';
  return healthCheck('opennebula-hosts', status, `${all}; not ON: ${names}`, details);
}

/** What one extra web server answered to a GET. */
export type WebServerAnswer =
  | { url: string; kind: 'answered'; status: number; ms: number }
  | { url: string; kind: 'down'; error: string };

/**
 * Extra web servers (the guide's list: testresults, the file server, the public Coin page): each
 * URL must answer 2xx or 3xx. Skipped when the runtime configuration lists none; any other answer
 * or none fails, naming the server.
 */
export function judgeWebServers(answers: readonly WebServerAnswer[]): HealthCheck {
  if (answers.length === 0)
    return healthCheck(
      'web-servers',
      'skipped',
      'no extra web server is listed (health.web_servers in coin_configuration.json)',
    );
  const good = (a: WebServerAnswer) => a.kind === 'answered' && a.status >= 200 && a.status < 400;
  const details = answers.map((a) =>
    a.kind === 'answered' ? `${a.url}: HTTP ${a.status} in ${a.ms} ms` : `${a.url}: no answer (${a.error})`,
  );
  const bad = answers.filter((a) => !good(a));
  if (bad.length === 0)
    return healthCheck('web-servers', 'ok', `all ${plural(answers.length, 'web server')} answer`, details);
  const which = bad
    .map((a) => (a.kind === 'answered' ? `${a.url} (HTTP ${a.status})` : `${a.url} (${a.error})`))
    .join(', ');
  return healthCheck(
    'web-servers',
    'fail',
    `${bad.length} of ${plural(answers.length, 'web server')} not answering well: ${which}`,
    details,
  );
}
