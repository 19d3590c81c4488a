import { useMemo, useState } from 'react';
import type { EditorContext } from '../../../../electron/common/config-editor-contract';
import type { RuntimeConfig } from '../../../../runner/core/runtime-config/config-schema';
import type { LenientConfig } from './lenient-config';
import {
  configurationRows,
  laneRows,
  parseTriedConfiguration,
  type ConfigurationRow,
  type LaneRow,
} from './rule-tester-model';

/** Both rule testers, under the edited configuration (compared with the saved one). */
export function RuleTester({
  context,
  edited,
  saved,
}: {
  context: EditorContext | undefined;
  edited: LenientConfig;
  saved: RuntimeConfig;
}) {
  return (
    <section className="card wide tester" aria-labelledby="tester-title">
      <h2 id="tester-title">Rule tester</h2>
      {edited.skipped.length > 0 && (
        <p className="warning">
          Left out because they have errors: {edited.skipped.join(', ')}. The tester uses the rest.
        </p>
      )}
      <ParallelTester lanes={context?.lanes ?? []} edited={edited.config} saved={saved} />
      <SchedTester configurations={context?.configurations ?? []} edited={edited.config} saved={saved} />
    </section>
  );
}

function ParallelTester({
  lanes,
  edited,
  saved,
}: {
  lanes: EditorContext['lanes'];
  edited: RuntimeConfig;
  saved: RuntimeConfig;
}) {
  const [tried, setTried] = useState('');
  const rows = useMemo(() => {
    const known = lanes.map((l) => ({ lane: l.lane, tasks: l.tasks }));
    const extra =
      tried.trim() && !known.some((l) => l.lane === tried.trim()) ? [{ lane: tried.trim(), tasks: 0 }] : [];
    return laneRows([...extra, ...known], edited, saved);
  }, [lanes, tried, edited, saved]);
  return (
    <div className="tester-part">
      <h3>
        <code>parallel_project_rules</code> against the project/branches of the task history
      </h3>
      <label className="tester-try">
        Try a project/branch
        <input
          className="field-input mono"
          value={tried}
          placeholder="qt/qtbase/dev"
          onChange={(e) => setTried(e.target.value)}
        />
      </label>
      {rows.length === 0 ? (
        <p className="muted">The instance's task history names no project/branch yet: try one above.</p>
      ) : (
        <table className="table tester-table" data-testid="lane-table">
          <thead>
            <tr>
              <th>project/branch</th>
              <th>tasks</th>
              <th>matching rules</th>
              <th>a second integration of it</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <LaneRowView key={row.lane} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function LaneRowView({ row }: { row: LaneRow }) {
  const verdict = (rules: readonly string[]) =>
    rules.length > 0 ? 'runs in parallel' : 'waits for the first';
  return (
    <tr data-testid="lane-row" data-lane={row.lane} className={row.changed ? 'changed' : undefined}>
      <td className="mono">{row.lane}</td>
      <td>{row.tasks || 'typed in'}</td>
      <td className="mono" data-testid="lane-rules">
        {row.matching.length > 0 ? row.matching.join(', ') : <span className="muted">none</span>}
      </td>
      <td data-testid="lane-verdict">
        {verdict(row.matching)}
        {row.changed && <span className="was"> (saved: {verdict(row.savedMatching)})</span>}
      </td>
    </tr>
  );
}

function SchedTester({
  configurations,
  edited,
  saved,
}: {
  configurations: EditorContext['configurations'];
  edited: RuntimeConfig;
  saved: RuntimeConfig;
}) {
  const [tried, setTried] = useState('');
  const triedProperties = useMemo(() => parseTriedConfiguration(tried), [tried]);
  const rows = useMemo(() => {
    const extra = triedProperties
      ? [{ id: 'typed in', source: 'typed in' as const, workItems: 0, properties: triedProperties }]
      : [];
    return configurationRows([...extra, ...configurations], edited, saved);
  }, [configurations, triedProperties, edited, saved]);
  return (
    <div className="tester-part">
      <h3>
        <code>sched_rules</code> against the known work item configurations
      </h3>
      <label className="tester-try">
        Try a configuration
        <input
          className="field-input mono"
          value={tried}
          placeholder="target.os=QNX, target.osVersion=QNX_710, features=Sccache|UseConfigure"
          onChange={(e) => setTried(e.target.value)}
        />
      </label>
      {tried.trim() !== '' && !triedProperties && (
        <p className="field-problem field-problem-error">Write attribute=value pairs separated by commas.</p>
      )}
      {rows.length === 0 ? (
        <p className="muted">No configuration is known yet: try one above.</p>
      ) : (
        <table className="table tester-table" data-testid="configuration-table">
          <thead>
            <tr>
              <th>configuration</th>
              <th>attributes</th>
              <th>rules that apply</th>
              <th>SCHED_REQUIREMENTS</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <ConfigurationRowView key={`${row.source}:${row.id}`} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ConfigurationRowView({ row }: { row: ConfigurationRow }) {
  const used = row.workItems > 0 ? `${row.workItems} recent work item(s)` : row.source;
  return (
    <tr
      data-testid="configuration-row"
      data-configuration={row.id}
      className={row.changed ? 'changed' : undefined}
    >
      <td>
        <span className="mono">{row.id}</span>
        <div className="muted small">{used}</div>
      </td>
      {row.applying === null ? (
        <td colSpan={3} className="muted">
          The instance does not publish this configuration's attributes: try them above.
        </td>
      ) : (
        <>
          <td className="mono small">{row.summary}</td>
          <td>
            {row.applying.length > 0 ? (
              row.applying.map((i) => `rule ${i + 1}`).join(', ')
            ) : (
              <span className="muted">none</span>
            )}
          </td>
          <td className="mono" data-testid="sched-requirements">
            {row.requirements ?? <span className="muted">(none)</span>}
            {row.changed && <div className="was">saved: {row.savedRequirements ?? '(none)'}</div>}
          </td>
        </>
      )}
    </tr>
  );
}
