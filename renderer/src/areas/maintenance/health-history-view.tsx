/**
 * The health history of a profile's instance: the runs of the checks the instance made on itself
 * (its schedule's and those asked for), each check's trend over 30 days as a chart (ok, warn,
 * fail), what changed since the run before, and the report to export as Markdown or JSON.
 */
import { useCallback } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { healthChanges, healthReportMarkdown, healthTrend } from '../../../../runner/core/health-history';
import { healthCheckIds, healthCheckTitles } from '../../../../runner/core/health-checks';
import type { HealthHistory } from '../../../../runner/core/instance-api-health';
import { LineChart } from '../../dashboard/line-chart';
import { useDeskCall } from '../../use-desk-call';
import { CheckMark } from './check-status';
import './health-history.css';

const dayMs = 86_400_000;
const levels = ['ok', 'warn', 'fail'];

function saveAs(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

function Changes({ history }: { history: HealthHistory }) {
  const changes = healthChanges(history.runs);
  if (history.runs.length < 2) return <p className="muted">One run so far: nothing to compare yet.</p>;
  if (changes.length === 0) return <p data-testid="health-changes">Nothing changed since the run before.</p>;
  return (
    <ul className="check-list" data-testid="health-changes">
      {changes.map((c) => (
        <li key={c.id} data-change={c.id}>
          <div className="check-line">
            {c.to && <CheckMark status={c.to} />}
            <strong>{c.title}</strong>
            <span>
              {c.from ?? '-'} → {c.to ?? '-'}: {c.summary}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function Trends({ history }: { history: HealthHistory }) {
  const toMs = Date.now();
  const fromMs = toMs - 30 * dayMs;
  return (
    <div className="health-trends">
      {healthCheckIds.map((id) => {
        const points = healthTrend(history.runs, id);
        return (
          <div key={id} data-health-trend={id} data-points={points.length}>
            {points.length === 0 ? (
              <p className="muted">{healthCheckTitles[id]}: skipped in every run</p>
            ) : (
              <LineChart
                title={healthCheckTitles[id]}
                series={[
                  { name: 'status', className: 'series-health', points },
                  // Not drawn: it holds the y axis at fail, so ok, warn and fail stay in place.
                  { name: 'scale', className: 'series-health-scale', points: [{ timeMs: fromMs, value: 2 }] },
                ]}
                fromMs={fromMs}
                toMs={toMs}
                formatValue={(v) => (Number.isInteger(v) ? (levels[v] ?? '') : '')}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}

function schedule(history: HealthHistory): string {
  if (history.intervalMinutes <= 0) return 'The instance runs no schedule (coin run --health-interval 0).';
  const next = history.nextRunAt ? `; next at ${new Date(history.nextRunAt).toLocaleString()}` : '';
  return `The instance runs the checks every ${history.intervalMinutes} minutes${next}.`;
}

export function HealthHistoryView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const read = useCallback(() => desk.maintenanceHealthHistory({ profileId }), [desk, profileId]);
  const [answer, again] = useDeskCall(read);
  const history = answer.data;
  const last = history?.runs[history.runs.length - 1];
  const stamp = new Date().toISOString().slice(0, 10);
  return (
    <section className="card" aria-label="Health history" data-testid="health-history">
      <div className="card-header">
        <h2>Health history {last && <CheckMark status={last.overall} />}</h2>
        <button type="button" onClick={again} disabled={answer.status === 'loading'}>
          Reload
        </button>
        <button
          type="button"
          disabled={!history}
          onClick={() =>
            saveAs(`health-${stamp}.md`, healthReportMarkdown(history!, profileId), 'text/markdown')
          }
        >
          Export Markdown
        </button>
        <button
          type="button"
          disabled={!history}
          onClick={() => saveAs(`health-${stamp}.json`, JSON.stringify(history, null, 2), 'application/json')}
        >
          Export JSON
        </button>
      </div>
      {answer.status === 'error' && (
        <p className="error" role="alert">
          {answer.message}
        </p>
      )}
      {history && (
        <>
          <p className="muted" data-testid="health-summary">
            {history.runs.length} runs in the last 30 days
            {last ? `, the last at ${new Date(last.checkedAt).toLocaleString()} (${last.trigger})` : ''}.{' '}
            {schedule(history)}
          </p>
          <h3>Changed since the run before</h3>
          <Changes history={history} />
          <h3>Each check over 30 days</h3>
          <Trends history={history} />
        </>
      )}
    </section>
  );
}
