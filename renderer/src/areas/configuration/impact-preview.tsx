import { useState } from 'react';
import type { EditorContext } from '../../../../electron/common/config-editor-contract';
import { describeReplayed, formatDuration, type Impact, type ReplayTotals } from './impact-model';

/** Days of history the preview can replay. */
export const previewDays = [1, 7, 30] as const;

/** One line for the save review: what the edit would have changed in the replayed history. */
export function impactSummary(impact: Impact | undefined, days: number): string | undefined {
  if (!impact || impact.rows.length === 0) return undefined;
  const period = days === 1 ? 'the last 24 hours' : `the last ${days} days`;
  return (
    `Replaying ${period}: ${impact.edited.parallel} integration(s) in parallel (saved: ${impact.saved.parallel}), ` +
    `${impact.edited.waited} waited (saved: ${impact.saved.waited}); ${impact.changed} would have started differently.`
  );
}

/**
 * The impact preview: the recorded integrations of the last days replayed under the saved and the
 * edited configuration: how many would have run in parallel or waited, and each that would have
 * started differently.
 */
export function ImpactPreview({
  context,
  days,
  onDays,
  impact,
}: {
  context: EditorContext | undefined;
  days: number;
  onDays: (days: number) => void;
  impact: Impact | undefined;
}) {
  return (
    <section className="card wide impact" aria-labelledby="impact-title" data-testid="impact">
      <div className="card-header">
        <h2 id="impact-title">Impact preview</h2>
        <label>
          Replay the last{' '}
          <select value={days} onChange={(e) => onDays(Number(e.target.value))} aria-label="Days to replay">
            {previewDays.map((d) => (
              <option key={d} value={d}>
                {d === 1 ? '24 hours' : `${d} days`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ImpactBody context={context} impact={impact} days={days} />
    </section>
  );
}

function ImpactBody({
  context,
  impact,
  days,
}: {
  context: EditorContext | undefined;
  impact: Impact | undefined;
  days: number;
}) {
  if (!context) return <p className="muted">Reading the instance's history…</p>;
  if (!context.instance.running)
    return (
      <p className="muted">
        No history to replay: {context.instance.problem ?? 'the instance does not run'}.
      </p>
    );
  if (!impact || impact.rows.length === 0)
    return (
      <p className="muted">No integration started in the last {days === 1 ? '24 hours' : `${days} days`}.</p>
    );
  return (
    <>
      <p className="muted small">
        {impact.rows.length} integration(s) since {new Date(context.fromMs).toLocaleString()}, replayed with
        the gerrit_monitor rules only (agent capacity is not modelled).
        {context.truncated && ' Only the newest tasks were read.'}
      </p>
      <TotalsTable saved={impact.saved} edited={impact.edited} />
      <p data-testid="impact-changed">
        {impact.changed === 0
          ? 'None of them would have started differently under the edited configuration.'
          : `${impact.changed} integration(s) would have started differently:`}
      </p>
      <ChangedTable impact={impact} />
    </>
  );
}

function TotalsTable({ saved, edited }: { saved: ReplayTotals; edited: ReplayTotals }) {
  const rows: [string, (t: ReplayTotals) => string][] = [
    ['ran in parallel with another of their project/branch', (t) => String(t.parallel)],
    ['waited before starting', (t) => String(t.waited)],
    [
      '  of these for their project/branch (serialised)',
      (t) => String((t.waitedBy['project-branch'] ?? 0) + (t.waitedBy['queue-order'] ?? 0)),
    ],
    ['  for parallel_integration_delay', (t) => String(t.waitedBy['parallel-delay'] ?? 0)],
    ['  for a dependency update', (t) => String(t.waitedBy['dependency-update'] ?? 0)],
    ['  for cherry-picks to accumulate', (t) => String(t.waitedBy['cherry-pick'] ?? 0)],
    ['time spent waiting, in all', (t) => formatDuration(t.waitedMs)],
  ];
  return (
    <table className="table impact-totals" data-testid="impact-totals">
      <thead>
        <tr>
          <th />
          <th>saved</th>
          <th>edited</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label} className={value(saved) !== value(edited) ? 'changed' : undefined}>
            <td className={label.startsWith('  ') ? 'indent' : undefined}>{label.trim()}</td>
            <td>{value(saved)}</td>
            <td>{value(edited)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ChangedTable({ impact }: { impact: Impact }) {
  const [all, setAll] = useState(false);
  const rows = all ? impact.rows : impact.rows.filter((r) => r.changed);
  return (
    <>
      {rows.length > 0 && (
        <table className="table impact-rows" data-testid="impact-rows">
          <thead>
            <tr>
              <th>integration</th>
              <th>project/branch</th>
              <th>queued</th>
              <th>saved configuration</th>
              <th>edited configuration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={r.changed ? 'changed' : undefined} data-testid="impact-row">
                <td className="mono">{r.id}</td>
                <td className="mono">{r.lane}</td>
                <td>{new Date(r.queuedAt).toLocaleString()}</td>
                <td>{describeReplayed(r.saved)}</td>
                <td>{describeReplayed(r.edited)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label className="small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show every
        integration
      </label>
    </>
  );
}
