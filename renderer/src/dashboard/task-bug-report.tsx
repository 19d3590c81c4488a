/**
 * "Draft bug report" on a failed task's page: the task's failure, the log lines that show it, the
 * links to this page and the failing log, and the versions, as Markdown for the tracker (secrets
 * masked by the builder). Inside the desktop app the context's `draftBugReport` adds what only the
 * app knows (the profile's name and tracker URL, the app's and the runner's versions); the web
 * dashboard drafts it in the page with the versions the runner serving it reports (api/version)
 * and says what it cannot know.
 */
import { useState } from 'react';
import type { BugReportDraft } from '../../../runner/core/bug-report';
import { BugReportDialog } from '../areas/maintenance/bug-report-dialog';
import type { TaskDetail } from './api-types';
import { draftInDashboard, loadFailureExcerpt, taskReportSource } from './task-report-source';
import { taskFailures } from './work-item-lanes';
import { useDashboard } from './use-dashboard';

/** The button (failed tasks only) and the dialog with the draft. */
export function TaskBugReport({ detail }: { detail: TaskDetail }) {
  const dashboard = useDashboard();
  const [draft, setDraft] = useState<BugReportDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (detail.task.state !== 'Failed') return null;
  const draftIt = async () => {
    const { client } = dashboard;
    const lead = taskFailures(detail)[0];
    const excerpt = lead ? await loadFailureExcerpt(client, lead.workItemId) : null;
    const source = taskReportSource(detail, client.base, excerpt);
    if (dashboard.draftBugReport) return dashboard.draftBugReport(source);
    // An older runner has no api/version: the draft then says where to look instead.
    const runner = await client.version().catch(() => null);
    return draftInDashboard(source, new URL(client.base).host, runner);
  };
  return (
    <div className="task-bug-report" data-testid="task-bug-report">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          void draftIt()
            .then(setDraft, (e: Error) => setError(`The draft could not be made: ${e.message}`))
            .finally(() => setBusy(false));
        }}
      >
        Draft bug report
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
      {draft && (
        <BugReportDialog
          draft={draft}
          onClose={() => setDraft(null)}
          {...(dashboard.draftBugReport
            ? {}
            : { noTracker: "The tracker's URL is a profile setting only the desktop app knows." })}
        />
      )}
    </div>
  );
}
