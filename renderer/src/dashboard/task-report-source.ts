/**
 * What "Draft bug report" on a failed task's page hands to the builder (runner/core/bug-report.ts):
 * the task, why it failed (its first failed work item's classified failure, as the page leads
 * with it), the links a reader opens (the task's page and the failing work item's log at the
 * failing line, on the dashboard's own URL) and the lines of the log that show the failure: the
 * ones the task page shows under the work item (the runner's first error and what follows, up to
 * the agent's account of it), never the whole log.
 */
import {
  draftBugReport,
  type BugReportContext,
  type BugReportDraft,
  type BugReportSource,
} from '../../../runner/core/bug-report';
import { COIN_REVISION } from '../../../runner/core/build-key';
import { failureClassTitle, failureHeadline } from '../../../runner/core/failure-classification';
import { errorLineRank, isAgentLine } from '../../../runner/core/first-error';
import { instancePaths, type InstanceVersion } from '../../../runner/core/instance-api';
import type { TaskDetail } from './api-types';
import { stripAnsi } from './ansi';
import type { DashboardClient } from './dashboard-client';
import { routeHash } from './route';
import { taskFailures, workItemLabel } from './work-item-lanes';

/** Lines read from the first error on (the task page reads 6; a report may hold a few more). */
const excerptLines = 12;

/** The log lines that show a work item's failure, and where they start (0-based). */
export interface FailureExcerpt {
  workItemId: string;
  line: number;
  lines: string[];
}

/**
 * The failing lines of a work item's log as the task page shows them: from the line the runner
 * names as the first error (when it is the tool's own output) up to and with the agent's account
 * of the failure. Null when the runner names none.
 */
export async function loadFailureExcerpt(
  client: DashboardClient,
  workItemId: string,
  signal?: AbortSignal,
): Promise<FailureExcerpt | null> {
  const line = await client.logFirstError(workItemId);
  if (line === null) return null;
  const page = await client.logLines(workItemId, line, excerptLines, signal);
  const lines = page.lines.map(stripAnsi);
  if (!lines[0] || errorLineRank(lines[0]) === 0) return null;
  const account = lines.findIndex((l, i) => i > 0 && isAgentLine(l));
  return { workItemId, line, lines: account > 0 ? lines.slice(0, account + 1) : lines };
}

/** `hash` (a dashboard route) as an absolute URL on the dashboard at `base`. */
function pageUrl(base: string, hash: string): string {
  return new URL(hash, base.endsWith('/') ? base : `${base}/`).toString();
}

/** The report source of a finished task: its failure, links on `base`, the excerpt's lines. */
export function taskReportSource(
  detail: TaskDetail,
  base: string,
  excerpt: FailureExcerpt | null,
): BugReportSource {
  const { task } = detail;
  const lead = taskFailures(detail)[0];
  const item = lead && detail.workItems.find((w) => w.id === lead.workItemId);
  const where = item ? ` in ${workItemLabel(item)} on ${item.configurationId}` : '';
  const failureReason = lead
    ? `${failureHeadline(lead).slice(failureClassTitle(lead.kind).length + 2)}${lead.cause && !lead.message.includes(lead.cause) ? ` (${lead.cause})` : ''}${where}`
    : task.resultReason;
  const logItem = excerpt?.workItemId ?? lead?.workItemId;
  const header =
    excerpt && item && excerpt.workItemId === item.id
      ? [`# ${workItemLabel(item)} on ${item.configurationId}, log from line ${excerpt.line + 1}`]
      : [];
  return {
    kind: 'task',
    taskId: task.id,
    project: task.project,
    branch: task.branch,
    state: task.state,
    failureKind: lead?.kind ?? null,
    failureReason,
    integrationUrl: pageUrl(base, routeHash({ page: 'task', taskId: task.id })),
    // the log's link: the page it opens already holds the lines (runner/core/log-link.ts)
    buildLogUrl: logItem
      ? pageUrl(
          base,
          instancePaths.logPage(logItem, excerpt?.workItemId === logItem ? excerpt.line + 1 : undefined),
        )
      : null,
    lines: excerpt ? [...header, ...excerpt.lines] : [],
  };
}

/**
 * The draft as the web dashboard makes it, without the app: the runner that serves the page says
 * what it runs (`api/version`: its version and revision, COIN revision and Node); when it could
 * not be asked (an older runner), the COIN revision is this bundle's and the draft says where to
 * look for the rest. The tracker's URL is a profile setting only the desktop app knows.
 */
export function draftInDashboard(
  source: BugReportSource,
  instance: string,
  runner: InstanceVersion | null = null,
): BugReportDraft {
  const context: BugReportContext = {
    instance,
    versions: {
      app: 'none (drafted in the web dashboard; the tracker URL is a profile setting of the desktop app)',
      appRevision: null,
      runnerRevision: runner
        ? `coin ${runner.version}${runner.revision ? ` (${runner.revision})` : ''}`
        : null,
      coinRevision: runner?.coinRevision ?? COIN_REVISION,
      node: runner
        ? `${runner.node} (${runner.platform}, the instance's)`
        : 'unknown in the web dashboard (`coin --version` and `node --version` on the instance host)',
    },
    trackerUrl: null,
  };
  return draftBugReport(source, context);
}
