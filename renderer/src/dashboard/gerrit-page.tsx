import { useCallback, useEffect } from 'react';
import type { CoinView, GerritOverview, GerritRow } from './api-types';
import { formatAge, formatTime } from './format';
import { routeHash } from './route';
import { StateBadge } from './state-badge';
import type { ShownState } from './state-badge';
import { useDashboard, useLoad, useNow, useStreamListener, useThrottled } from './use-dashboard';

function TaskLink({ taskId }: { taskId: string }) {
  return (
    <a className="mono" href={routeHash({ page: 'task', taskId })}>
      {taskId.slice(0, 8)}
    </a>
  );
}

/** What Coin makes of a change Gerrit shows, in words. */
function CoinCell({ view }: { view: CoinView }) {
  switch (view.kind) {
    case 'building':
      return (
        <>
          building: task <TaskLink taskId={view.taskId} />
        </>
      );
    case 'preparing':
      return <>build being fetched and queued</>;
    case 'reported':
      return view.taskId ? (
        <>
          reported (task <TaskLink taskId={view.taskId} />
          ); Gerrit's view is older
        </>
      ) : (
        <>reported as failed; Gerrit's view is older</>
      );
    case 'waiting':
      return <>cherry-picks accumulate until {formatTime(view.until)}</>;
    case 'queued-behind':
      return (
        <>
          next build, after task <TaskLink taskId={view.taskId} />
        </>
      );
    case 'looking':
      return <>being looked at</>;
    case 'integrated':
      return (
        <>
          integrated read-only (task <TaskLink taskId={view.taskId} />)
        </>
      );
    case 'other-instance':
      return <span className="muted">built by the instance that writes to Gerrit</span>;
    case 'prestaged':
      return <span className="muted">in the staging queue: never built until promoted</span>;
    case 'unknown':
      return <strong className="error">no Coin task</strong>;
  }
}

function ChangeTable({ rows, testId, empty }: { rows: readonly GerritRow[]; testId: string; empty: string }) {
  if (rows.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Change</th>
          <th scope="col">Project</th>
          <th scope="col">Branch</th>
          <th scope="col">Subject</th>
          <th scope="col">Owner</th>
          <th scope="col">Coin</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.change} data-change={r.change} data-coin={r.coin.kind}>
            <td className="mono">
              {r.url ? (
                <a href={r.url} target="_blank" rel="noopener noreferrer">
                  {r.change}
                </a>
              ) : (
                r.change
              )}
              {r.patchSet ? `,${r.patchSet}` : ''}
            </td>
            <td>{r.project}</td>
            <td>{r.branch}</td>
            <td>{r.subject}</td>
            <td>{r.owner ?? '–'}</td>
            <td>
              <CoinCell view={r.coin} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ConvergenceLine({ overview }: { overview: GerritOverview }) {
  const { converged, summary } = overview.convergence;
  const status = converged === null ? 'unknown' : converged ? 'converged' : 'not-converged';
  return (
    <p
      className={`verdict ${converged ? 'verdict-ok' : 'verdict-fail'}`}
      data-testid="gerrit-convergence"
      data-status={status}
      role="status"
    >
      {converged ? '✔ ' : '✘ '}
      {summary.replace(/^./, (c) => c.toUpperCase())}
    </p>
  );
}

const connectionWords: Record<GerritOverview['connection']['state'], string> = {
  connected: '● Connected',
  connecting: '○ Connecting',
  reconnecting: '✘ Reconnecting',
  refused: '✘ Event stream refused (not retried)',
};

/** Whether the instance tells Gerrit its load (`ci-status-update`). */
function CiStatusLine({ status, nowMs }: { status: GerritOverview['ciStatus']; nowMs: number }) {
  const load = status.last
    ? ` (running ${status.last.running}, queued ${status.last.queue}, load ${status.last.load})`
    : '';
  const words: Record<typeof status.state, string> = {
    published: `Coin's load is published to Gerrit (ci-status-update)${load}, last ${status.at ? formatAge(status.at, nowMs) : '–'}.`,
    'not-permitted': `Gerrit refuses ci-status-update: ${status.error ?? 'not permitted'}. Give the account the plugin's ciStatusUpdate capability to publish Coin's load.`,
    failing: `Publishing Coin's load failed: ${status.error ?? ''}.`,
    pending: "Coin's load is not published yet.",
    'read-only': 'A read-only instance does not publish its load to Gerrit.',
  };
  const bad = status.state === 'not-permitted' || status.state === 'failing';
  return (
    <p className={bad ? 'error' : 'muted'} data-testid="gerrit-ci-status" data-state={status.state}>
      {words[status.state]}
    </p>
  );
}

function ConnectionCard({ overview, nowMs }: { overview: GerritOverview; nowMs: number }) {
  const c = overview.connection;
  return (
    <div className="card" data-testid="gerrit-connection" data-state={c.state} data-mode={overview.mode}>
      <h2>Connection</h2>
      <p>
        <strong className={c.state === 'connected' ? 'badge-ok' : 'badge-fail'}>
          {connectionWords[c.state]}
        </strong>{' '}
        {c.state === 'refused' ? 'by' : 'to'} <span className="mono">{overview.server}</span> since{' '}
        {formatTime(c.since)}
        {c.state === 'reconnecting' && c.retryInMs !== null
          ? ` (next attempt within ${Math.ceil(c.retryInMs / 1000)} s)`
          : ''}
        .
      </p>
      {c.lastError && (
        <p className={c.state === 'connected' ? 'muted' : 'error'} data-testid="gerrit-last-error">
          Last error ({c.lastErrorAt ? formatAge(c.lastErrorAt, nowMs) : '–'}): {c.lastError}
        </p>
      )}
      <p data-testid="gerrit-mode">
        {overview.mode === 'write' ? (
          <>
            <strong>Writes to Gerrit</strong> (the real instance): it creates builds and approves them.
          </>
        ) : (
          <>
            <strong>Read-only</strong>: it integrates refs/staging and only logs what it would approve; Gerrit
            is not changed.
          </>
        )}{' '}
        Projects:{' '}
        {overview.projects.length ? overview.projects.join(', ') : 'every project with staged changes'}.
      </p>
      <CiStatusLine status={overview.ciStatus} nowMs={nowMs} />
    </div>
  );
}

type CoinIntegrations = GerritOverview['coin'];

/** The integrations building now, with the Gerrit changes each one carries. */
function BuildingTable({ building }: { building: CoinIntegrations['building'] }) {
  return (
    <table className="table" data-testid="gerrit-building">
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">State</th>
          <th scope="col">Project</th>
          <th scope="col">Build</th>
          <th scope="col">Changes</th>
        </tr>
      </thead>
      <tbody>
        {building.map((b) => (
          <tr key={b.taskId} data-task-id={b.taskId}>
            <td>
              <TaskLink taskId={b.taskId} />
            </td>
            <td>
              <StateBadge state={b.state as ShownState} />
            </td>
            <td>
              {b.project} {b.branch}
            </td>
            <td className="mono">{b.buildId ?? 'refs/staging (read-only)'}</td>
            <td>{b.changes.map((c) => `${c.change} ${c.subject}`).join('; ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What became of a finished integration's result in Gerrit, in words. */
function reportText(f: CoinIntegrations['finished'][number]): string {
  if (f.report === 'approved') return `approved: ${f.result}`;
  if (f.report === 'not-merged') return `passed, not merged by Gerrit: ${f.reportError ?? ''}`;
  if (f.report === 'would-approve') return `read-only: would approve ${f.result}`;
  if (f.report === 'approve-failed') return `approval failed: ${f.reportError ?? ''}`;
  if (f.report === 'reporting') return 'being reported…';
  return 'before the last start of the instance';
}

/** The integrations that finished lately, and whether their result reached Gerrit. */
function FinishedTable({ finished }: { finished: CoinIntegrations['finished'] }) {
  return (
    <table className="table" data-testid="gerrit-finished">
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Result</th>
          <th scope="col">Project</th>
          <th scope="col">Changes</th>
          <th scope="col">Reported to Gerrit</th>
        </tr>
      </thead>
      <tbody>
        {finished.map((f) => (
          <tr key={f.taskId} data-task-id={f.taskId} data-report={f.report}>
            <td>
              <TaskLink taskId={f.taskId} />
            </td>
            <td>
              <StateBadge state={f.state as ShownState} />
            </td>
            <td>
              {f.project} {f.branch}
            </td>
            <td>{f.changes.map((c) => `${c.change} ${c.subject}`).join('; ')}</td>
            <td className={f.report === 'approve-failed' || f.report === 'not-merged' ? 'error' : undefined}>
              {reportText(f)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CoinCard({ overview }: { overview: GerritOverview }) {
  const { waiting, building, finished } = overview.coin;
  return (
    <div className="card" data-testid="gerrit-coin">
      <h2>Coin's integrations of Gerrit changes</h2>
      <h3>Now</h3>
      {waiting.length > 0 && (
        <ul data-testid="gerrit-waiting">
          {waiting.map((w) => (
            <li key={`${w.project}/${w.branch}`}>
              {w.project} {w.branch}: cherry-picks {w.changes.join(', ')} accumulate until{' '}
              {formatTime(w.until)}
            </li>
          ))}
        </ul>
      )}
      {building.length === 0 && waiting.length === 0 && <p className="muted">Nothing builds now.</p>}
      {building.length > 0 && <BuildingTable building={building} />}
      <h3>Recently finished</h3>
      {finished.length === 0 ? (
        <p className="muted">No integration of Gerrit changes has finished yet.</p>
      ) : (
        <FinishedTable finished={finished} />
      )}
    </div>
  );
}

/** Not watching Gerrit: how to. */
function NotConfigured() {
  const { client } = useDashboard();
  return (
    <p className="card" data-testid="gerrit-disabled">
      This instance does not watch Gerrit: start it with{' '}
      <code>coin run --gerrit ssh://user@host:29418 …</code> (see{' '}
      <a href={new URL('gerrit.html', client.docsUrl()).toString()} target="_blank" rel="noopener">
        Gerrit: staged changes drive integrations
      </a>
      ).
    </p>
  );
}

/** Gerrit's side: the connection, the mode, staged and integrating changes next to Coin's tasks, convergence. */
export function GerritPage() {
  const { client } = useDashboard();
  const nowMs = useNow(5000);
  const gerrit = useLoad(useCallback((signal) => client.gerrit(signal), [client]));
  const reload = useThrottled(gerrit.reload, 1000);
  // Gerrit's own view changes without a Coin event (someone else's build, a query that failed):
  // look again every 10 s too (the instance caches it, so this never hammers Gerrit).
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  useStreamListener({
    event: (e) => (e.kind.startsWith('gerrit.') || e.kind === 'task.state') && reload(),
    resync: reload,
  });
  const answer = gerrit.data;
  return (
    <section className="page" data-testid="page-gerrit">
      <header className="page-header">
        <h1>Gerrit</h1>
        <p>Staged and integrating changes in Gerrit next to Coin's integrations: the two should converge.</p>
      </header>
      {gerrit.error && (
        <p className="error" role="alert">
          {gerrit.error}
        </p>
      )}
      {answer && !answer.enabled && <NotConfigured />}
      {answer?.enabled && (
        <>
          <ConvergenceLine overview={answer} />
          <ConnectionCard overview={answer} nowMs={nowMs} />
          <div className="card">
            <h2>Gerrit's view</h2>
            <p className="muted" data-testid="gerrit-checked">
              {answer.gerrit.checkedAt
                ? `Asked ${formatAge(answer.gerrit.checkedAt, nowMs)} (status:staged, status:integrating and status:prestaged; asked again when something happens, otherwise every ${answer.gerrit.maxAgeMs / 1000} s at most).`
                : 'Gerrit has not answered yet.'}
            </p>
            {answer.gerrit.error && (
              <p className="error" data-testid="gerrit-query-error">
                Gerrit could not be asked: {answer.gerrit.error}
              </p>
            )}
            <h3>Integrating ({answer.gerrit.integrating.length})</h3>
            <ChangeTable
              rows={answer.gerrit.integrating}
              testId="gerrit-integrating"
              empty="No change is integrating."
            />
            <h3>Staged ({answer.gerrit.staged.length})</h3>
            <ChangeTable rows={answer.gerrit.staged} testId="gerrit-staged" empty="No change is staged." />
            <h3>Staging queue: PRESTAGED ({answer.gerrit.prestaged.length})</h3>
            <ChangeTable
              rows={answer.gerrit.prestaged}
              testId="gerrit-prestaged"
              empty="No change waits in a staging queue (branches of stagingQueueBranches)."
            />
          </div>
          <CoinCard overview={answer} />
        </>
      )}
    </section>
  );
}
