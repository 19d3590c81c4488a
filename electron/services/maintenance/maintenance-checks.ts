/**
 * The daily monitoring checklist on a profile's instance: gathers what each check needs (the
 * service manager, the journal of the last hour, df or the instance's storage report, its agents,
 * its web server, its task list, its Gerrit overview: the instance's API through runner/client)
 * and hands it to check-decisions.ts. A check whose facts cannot be read fails with the reason;
 * the report always has all seven checks.
 */
import type { ServiceStatus } from '../../common/instance-schemas';
import type { ChecksReport, MaintenanceCheck } from '../../common/maintenance-contract';
import { checkIds } from '../../common/maintenance-contract';
import { InstanceClient } from '../../../runner/client/instance-client';
import { InstanceRefusedError } from '../../../runner/client/instance-errors';
import { instancePaths, type TaskPage, type TaskRecord } from '../../../runner/core/instance-api';
import { defaultGcMinFreeBytes } from '../../../runner/node/instance/maintenance';
import type { InstanceSession } from '../instances/instance-session';
import { listeningPort, readDirectoryInstance } from '../instances/directory-instance';
import { instancePortOf, parseDf } from '../instances/instance-status';
import {
  check,
  gerritNotWatched,
  judgeAgents,
  judgeGerrit,
  judgeDisk,
  judgeJournal,
  judgeLatestResults,
  judgeService,
  judgeWebServer,
  overallStatus,
  recentFinished,
  unreadable,
  type FinishedTask,
} from './check-decisions';
import { instanceUrl, probe } from './instance-http';
import { journaldWindow, serviceLogWindow, windowMs } from './journal-window';

type CheckId = MaintenanceCheck['id'];

/** What the checks share: the session, the service state and the instance's URL while it runs. */
interface CheckContext {
  session: InstanceSession;
  status: ServiceStatus | null;
  /** The port the instance of the working directory listens on, whoever started it. */
  port: number | null;
  /** The dashboard root through the session (null when the instance does not run). */
  url: string | null;
  now: number;
}

/** Run every check on the session's instance. */
export async function runMaintenanceChecks(
  session: InstanceSession,
  now = Date.now(),
): Promise<ChecksReport> {
  const base = { profileId: session.profile.id, checkedAt: new Date(now).toISOString() };
  try {
    await session.connect();
  } catch (error) {
    const reason = `cannot connect to ${session.host.description}: ${(error as Error).message}`;
    const checks = checkIds.map((id) => unreadable(id, reason));
    return { ...base, overall: overallStatus(checks), checks };
  }
  let statusError = '';
  const status = await session
    .controller()
    .then((c) => c.status())
    .catch((error: unknown) => ((statusError = (error as Error).message), null));
  // The instance is what holds the working directory (its lock), as in every other view.
  const instance = await readDirectoryInstance(session, status).catch(() => null);
  const port = instance ? listeningPort(instance) : instancePortOf(status, session.profile.instancePort);
  const url = port === null ? null : await instanceUrl(session, port).catch(() => null);
  const context: CheckContext = { session, status, port, url, now };
  const made = await Promise.all([
    status
      ? judgeService(status, instance)
      : unreadable('service', `the service state cannot be read: ${statusError}`),
    guarded('journal-problems', () => journalCheck(context)),
    guarded('disk', () => diskCheck(context)),
    guarded('agents', () => agentsCheck(context)),
    guarded('web-server', () => webCheck(context)),
    guarded('latest-results', () => resultsCheck(context)),
    guarded('gerrit', () => gerritCheck(context)),
  ]);
  return { ...base, overall: overallStatus(made), checks: made };
}

async function guarded(id: CheckId, run: () => Promise<MaintenanceCheck>): Promise<MaintenanceCheck> {
  try {
    return await run();
  } catch (error) {
    return unreadable(id, (error as Error).message);
  }
}

function notRunning(context: CheckContext): Error {
  const state = context.status
    ? `the instance is ${context.status.state}`
    : 'the instance is not known to run';
  return new Error(`${state}, so its API cannot be asked`);
}

async function journalCheck({ session, now }: CheckContext): Promise<MaintenanceCheck> {
  const controller = await session.controller();
  const window =
    controller.manager === 'systemd'
      ? await journaldWindow(session.host)
      : await serviceLogWindow(session.host, session.profile.workingDir, now - windowMs);
  return judgeJournal(window.entries, window.source, window.notes);
}

/** The instance's API at the dashboard root `url`. */
const api = (url: string, timeoutMs = 10_000) => new InstanceClient({ root: url, timeoutMs });

async function diskCheck({ session, url }: CheckContext): Promise<MaintenanceCheck> {
  if (url) {
    const storage = await api(url).storage();
    return judgeDisk({ ...storage, thresholdSource: "the instance's --gc-min-free-gb" });
  }
  // Not running: df on the host, against the default threshold of `coin run`.
  const result = await session.host.run(['df', '-Pk', session.profile.workingDir]);
  const disk = result.code === 0 ? parseDf(result.stdout) : null;
  if (!disk)
    throw new Error(
      `df -Pk ${session.profile.workingDir} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  return judgeDisk({
    ...disk,
    gcMinFreeBytes: defaultGcMinFreeBytes,
    thresholdSource: "coin run's default: the instance is not running to say its own",
  });
}

async function agentsCheck(context: CheckContext): Promise<MaintenanceCheck> {
  if (!context.url) throw notRunning(context);
  return judgeAgents(await api(context.url).agents());
}

async function webCheck(context: CheckContext): Promise<MaintenanceCheck> {
  const { session, status, url } = context;
  const profilePort = session.profile.instancePort;
  const port = context.port ?? (profilePort > 0 ? profilePort : null);
  if (port === null)
    throw new Error(
      `the instance is ${status?.state ?? 'not running'} and its port is not fixed (instance port 0), so there is no web server to ask`,
    );
  const root = url ?? (await instanceUrl(session, port));
  const [page, answer] = await Promise.all([probe(root, ''), probe(root, instancePaths.tasks({ max: 1 }))]);
  return judgeWebServer({ port, page, api: answer });
}

async function gerritCheck(context: CheckContext): Promise<MaintenanceCheck> {
  if (!context.url) throw notRunning(context);
  try {
    // Gerrit's view may take a query to Gerrit (cached by the instance), so a longer wait.
    return judgeGerrit(await api(context.url, 15_000).gerrit());
  } catch (error) {
    // A runner older than the Gerrit overview: it cannot watch Gerrit either.
    if (error instanceof InstanceRefusedError && error.status === 404)
      return check('gerrit', 'skipped', `${gerritNotWatched}; its runner predates the Gerrit overview`);
    throw error;
  }
}

const finalStates = new Set(['Passed', 'Failed', 'Cancelled', 'Insignificant']);

async function resultsCheck(context: CheckContext): Promise<MaintenanceCheck> {
  const url = context.url;
  if (!url) throw notRunning(context);
  const [page, queued, running] = await Promise.all([
    api(url).tasks({ max: 200 }),
    api(url).tasks({ state: 'Initializing', max: 1 }),
    api(url).tasks({ state: 'Running', max: 1 }),
  ]);
  const finished = page.tasks
    .filter((t): t is TaskRecord & { finished: string } => finalStates.has(t.state) && t.finished !== null)
    .sort((a, b) => Date.parse(b.finished) - Date.parse(a.finished))
    .slice(0, recentFinished)
    .map(({ id, project, branch, state, finished: at }): FinishedTask => ({
      id,
      project,
      branch,
      state,
      finished: at,
    }));
  const failed = finished.filter((t) => t.state === 'Failed');
  const details = await Promise.all(failed.map((t) => api(url).taskDetail(t.id)));
  const systemFailures = failed
    .filter((_, i) => details[i]!.workItems.some((w) => w.failureKind === 'system'))
    .map((t) => t.id);
  return judgeLatestResults({
    finished,
    systemFailures,
    pending: queued.total + running.total,
    oldestPending: await oldestCreated(url, [queued, running]),
    now: context.now,
  });
}

/** The creation time of the oldest task of the pages' states (a page lists newest first). */
async function oldestCreated(url: string, pages: readonly [TaskPage, TaskPage]): Promise<string | null> {
  const states = ['Initializing', 'Running'] as const;
  const oldest = await Promise.all(
    pages.map(async (page, i) =>
      page.total === 0
        ? null
        : ((await api(url).tasks({ state: states[i], start: page.total - 1, max: 1 })).tasks[0]?.created ??
          null),
    ),
  );
  const times = oldest.filter((t): t is string => t !== null).sort((a, b) => Date.parse(a) - Date.parse(b));
  return times[0] ?? null;
}
