/**
 * The judgements of the daily monitoring checklist, as functions of plain values: what the
 * service manager, the journal, the disk, the agent pool, the web server and the task list say,
 * turned into ok / warn / fail with one sentence and the evidence. maintenance-checks.ts gathers
 * the values; docs/maintenance.md explains every threshold. The disk, agents and results judgements
 * are the instance's own (runner/core/health-checks.ts), so its scheduled runs and this checklist agree.
 */
import type { CheckStatus, MaintenanceCheck } from '../../common/maintenance-contract';
import { problemPattern, type JournalLevel } from '../../common/journal-entry';
import type { DirectoryInstance, ServiceStatus } from '../../common/instance-schemas';
import * as health from '../../../runner/core/health-checks';
import { plural, type DiskFacts, type ResultsFacts } from '../../../runner/core/health-checks';
import { instanceBasePath, instancePaths } from '../../../runner/core/instance-api';
import { describeRow, type GerritApiAnswer } from '../../../runner/core/gerrit/gerrit-overview';

type CheckId = MaintenanceCheck['id'];

/** Each check's title, in the guide's order. */
export const checkTitles: Record<CheckId, string> = {
  service: 'Service',
  'journal-problems': 'Problems in the journal (last hour)',
  disk: 'Disk space',
  agents: 'Agents waiting vs running',
  'web-server': 'Web server',
  'latest-results': 'Latest results',
  gerrit: 'Gerrit and Coin converge',
};

/** Evidence lines kept per check. */
export const maxDetails = 50;

/** A check with its title, the details cut to maxDetails. */
export function check(
  id: CheckId,
  status: CheckStatus,
  summary: string,
  details: readonly string[] = [],
): MaintenanceCheck {
  return { id, title: checkTitles[id], status, summary, details: details.slice(0, maxDetails) };
}

/** A check whose facts could not be read: fail, with the reason. */
export function unreadable(id: CheckId, reason: string): MaintenanceCheck {
  return check(id, 'fail', `could not be checked: ${reason}`);
}

const rank: Record<CheckStatus, number> = { skipped: -1, ok: 0, warn: 1, fail: 2 };

/** The worst status of the checks that were made ('skipped' only when none was). */
export function overallStatus(checks: readonly MaintenanceCheck[]): CheckStatus {
  return checks.reduce<CheckStatus>(
    (worst, c) => (rank[c.status] > rank[worst] ? c.status : worst),
    'skipped',
  );
}

/**
 * Service: active is ok, failed or inactive fail, anything in between (activating, ...) warns.
 * A service that is not active while an instance it did not start runs in its working directory
 * (the app's local runner, `coin run` in a terminal) warns: the instance runs, but not as a service.
 */
export function judgeService(
  status: ServiceStatus,
  instance: DirectoryInstance | null = null,
): MaintenanceCheck {
  const since = status.since ? ` since ${status.since}` : '';
  const state = `${status.state} (${status.subState})${since}`;
  const details = [`manager: ${status.manager}`, ...(status.pid ? [`pid ${status.pid}`] : []), status.detail];
  if (status.state !== 'active' && instance?.state === 'running' && instance.owner !== 'service')
    return check(
      'service',
      'warn',
      `${state}, but the instance in its working directory is ${instance.detail}: it is not under the service manager`,
      [...details, `instance: ${instance.detail}`],
    );
  switch (status.state) {
    case 'active':
      return check('service', 'ok', `${state}`, details);
    case 'inactive':
      return check('service', 'fail', `${state}: the instance is not running`, details);
    case 'failed':
      return check('service', 'fail', `${state}: the instance ended on its own; read the journal`, details);
    case 'activating':
    case 'deactivating':
    case 'reloading':
      return check('service', 'warn', `${state}: check again in a moment`, details);
    case 'unknown':
      return check(
        'service',
        'fail',
        `${state}: the service manager does not know the Coin service`,
        details,
      );
  }
}

/** A journal entry as the journal check sees it. */
export interface WindowEntry {
  time: number | null;
  level: JournalLevel;
  message: string;
}

/** How bad a journal entry is: null when it is not a problem (the guide's grep plus warning/error levels). */
export function problemSeverity(entry: WindowEntry): 'warn' | 'fail' | null {
  const levelProblem = entry.level === 'warning' || entry.level === 'error' || entry.level === 'critical';
  if (!levelProblem && !problemPattern.test(entry.message)) return null;
  if (entry.level === 'error' || entry.level === 'critical') return 'fail';
  return /traceback|error|critical/i.test(entry.message) ? 'fail' : 'warn';
}

/** One evidence line: the entry's time, level and first line (cut to 300 characters). */
export function entryLine(entry: WindowEntry): string {
  const time = entry.time === null ? '(no time)' : new Date(entry.time).toISOString();
  const [first = '', ...rest] = entry.message.split('\n');
  const text = first.length > 300 ? `${first.slice(0, 300)}…` : first;
  return `${time} ${entry.level.toUpperCase()} ${text}${rest.length ? ` (+${rest.length} lines)` : ''}`;
}

/**
 * Journal problems of the last hour: any warning warns; an error, critical or traceback line
 * fails. Details: the latest maxDetails matching lines with their times, oldest first.
 */
export function judgeJournal(
  entries: readonly WindowEntry[],
  source: string,
  notes: readonly string[] = [],
): MaintenanceCheck {
  const problems = entries.flatMap((entry) => {
    const severity = problemSeverity(entry);
    return severity ? [{ entry, severity }] : [];
  });
  const errors = problems.filter((p) => p.severity === 'fail').length;
  const warnings = problems.length - errors;
  const room = maxDetails - notes.length;
  const shown = problems.slice(-room).map((p) => entryLine(p.entry));
  const more = problems.length > room ? ` (the latest ${room} shown)` : '';
  const details = [...notes, ...shown];
  if (problems.length === 0)
    return check(
      'journal-problems',
      'ok',
      `no traceback, warning, error or critical line in the last hour of ${source} (${entries.length} lines read)`,
      notes,
    );
  const counts = [
    errors ? plural(errors, 'error/critical/traceback line') : '',
    warnings ? plural(warnings, 'warning') : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return check(
    'journal-problems',
    errors ? 'fail' : 'warn',
    `${counts} in the last hour of ${source}${more}`,
    details,
  );
}

export {
  ago,
  manyWaiting,
  recentFinished,
  staleAfterMs,
  type DiskFacts,
  type FinishedTask,
  type ResultsFacts,
} from '../../../runner/core/health-checks';

/** Disk: under the GC threshold fails, under twice the threshold warns (health-checks.ts). */
export function judgeDisk(facts: DiskFacts): MaintenanceCheck {
  return { ...health.judgeDisk(facts), id: 'disk' };
}

/** Agents: many waiting while few run warns (health-checks.ts). */
export function judgeAgents(agents: readonly { id: string; state: string }[]): MaintenanceCheck {
  return { ...health.judgeAgents(agents), id: 'agents' };
}

/** Latest results: system failures or a hang warn (health-checks.ts). */
export function judgeLatestResults(facts: ResultsFacts): MaintenanceCheck {
  return { ...health.judgeLatestResults(facts), id: 'latest-results' };
}

/** What the web server answered at its root and at api/tasks. */
export interface WebFacts {
  port: number;
  page: WebAnswer;
  api: WebAnswer;
}

/** One answer, as instance-http.ts probes it. */
export type WebAnswer =
  | { kind: 'answered'; status: number; maintenance: { error: string } | null }
  | { kind: 'down'; error: string };

/** Web server: the API must answer 200; the maintenance page fails; a dashboard page that is not built warns. */
export function judgeWebServer(facts: WebFacts): MaintenanceCheck {
  const where = `port ${facts.port}`;
  const root = `${instanceBasePath}/`;
  const details = [
    `${root}: ${describe(facts.page)}`,
    `${root}${instancePaths.tasks()}: ${describe(facts.api)}`,
  ];
  const { api, page } = facts;
  if (api.kind === 'down')
    return check('web-server', 'fail', `nothing answers on ${where} (${api.error})`, details);
  if (api.maintenance)
    return check(
      'web-server',
      'fail',
      `the maintenance page answers on ${where} (HTTP 503): ${api.maintenance.error}`,
      details,
    );
  if (api.status !== 200)
    return check('web-server', 'fail', `the API answers HTTP ${api.status} on ${where}`, details);
  if (page.kind === 'answered' && page.status === 200)
    return check('web-server', 'ok', `the dashboard and its API answer on ${where} (HTTP 200)`, details);
  const pageSaid = page.kind === 'down' ? `no answer (${page.error})` : `HTTP ${page.status}`;
  const hint =
    page.kind === 'answered' && page.status === 503
      ? ': the dashboard is not built in the Coin directory (npm run build:renderer)'
      : '';
  return check(
    'web-server',
    'warn',
    `the API answers on ${where}, the dashboard page ${pageSaid}${hint}`,
    details,
  );
}

function describe(answer: WebAnswer): string {
  if (answer.kind === 'down') return `nothing answered (${answer.error})`;
  return answer.maintenance ? `HTTP ${answer.status} (maintenance page)` : `HTTP ${answer.status}`;
}

/** Why Gerrit is not checked on an instance that does not watch it. */
export const gerritNotWatched = 'this instance does not watch Gerrit (coin run --gerrit)';

/**
 * Gerrit and Coin converge (the guide: "check out Gerrit's status and match it with Coin's"), from
 * the instance's /api/gerrit: not watching Gerrit is skipped; a connection that is down (reconnecting,
 * or refused by Gerrit for good) fails with its last error; changes INTEGRATING in Gerrit without a Coin task, or staged changes Coin does
 * not know, warn with the changes; Gerrit's view that cannot be read warns; else ok with counts.
 */
export function judgeGerrit(answer: GerritApiAnswer): MaintenanceCheck {
  if (!answer.enabled) return check('gerrit', 'skipped', gerritNotWatched);
  const { connection, convergence, gerrit, coin } = answer;
  const mode = answer.mode === 'write' ? 'writes to Gerrit' : 'read-only';
  const facts = [
    `${answer.server} (${mode}): ${connection.state} since ${connection.since}`,
    ...(connection.lastError ? [`last error ${connection.lastErrorAt ?? ''}: ${connection.lastError}`] : []),
    ...(gerrit.checkedAt ? [`Gerrit asked at ${gerrit.checkedAt}`] : []),
  ];
  if (connection.state !== 'connected') {
    const why = connection.lastError ? `: ${connection.lastError}` : '';
    // refused: stream-events was refused for good (no Stream Events capability): as down as reconnecting
    const status = connection.state === 'connecting' ? 'warn' : 'fail';
    const what =
      connection.state === 'reconnecting'
        ? `the connection to ${answer.server} is down since ${connection.since}, reconnecting${why}`
        : connection.state === 'refused'
          ? `${answer.server} refused the event stream since ${connection.since}, not retrying${why}`
          : `still connecting to ${answer.server} (since ${connection.since})${why}`;
    return check('gerrit', status, what, facts);
  }
  if (convergence.converged === null)
    return check('gerrit', 'warn', `Gerrit's view could not be read: ${gerrit.error ?? 'no answer'}`, facts);
  const rows = [
    ...convergence.integratingWithoutTask.map((r) => `integrating with no Coin task: ${describeRow(r)}`),
    ...convergence.stagedUnknown.map((r) => `staged, unknown to Coin: ${describeRow(r)}`),
  ];
  if (!convergence.converged) return check('gerrit', 'warn', convergence.summary, [...rows, ...facts]);
  const building = coin.building.length ? `; ${plural(coin.building.length, 'build')} running` : '';
  return check(
    'gerrit',
    'ok',
    `converged: ${gerrit.staged.length} staged, ${gerrit.integrating.length} integrating in Gerrit${building} (${mode})`,
    [...gerrit.integrating.map(describeRow), ...gerrit.staged.map(describeRow), ...facts],
  );
}
