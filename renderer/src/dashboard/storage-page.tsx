import { useCallback } from 'react';
import type { StorageReport } from './api-types';
import { formatBytes } from '../../../runner/core/format-bytes';
import { LineChart } from './line-chart';
import { useDashboard, useLoad, useStreamListener, useThrottled } from './use-dashboard';

/** The disk as a bar: used, free, and where the GC threshold lies. */
function DiskBar({ report }: { report: StorageReport }) {
  const used = report.totalBytes - report.freeBytes;
  const usedShare = report.totalBytes ? (used / report.totalBytes) * 100 : 0;
  const gcAt = report.totalBytes ? 100 - (report.gcMinFreeBytes / report.totalBytes) * 100 : 100;
  const low = report.freeBytes < report.gcMinFreeBytes;
  return (
    <div data-testid="disk">
      <div className="disk-bar" role="img" aria-label={`${usedShare.toFixed(0)}% of the disk used`}>
        <div className={`disk-used ${low ? 'disk-low' : ''}`} style={{ width: `${usedShare}%` }} />
        <div className="disk-gc" style={{ left: `${Math.max(0, gcAt)}%` }} title="GC threshold" />
      </div>
      <p>
        <strong>{formatBytes(report.freeBytes)}</strong> free of {formatBytes(report.totalBytes)} (
        {formatBytes(used)} used). Garbage collection keeps at least{' '}
        <strong>{formatBytes(report.gcMinFreeBytes)}</strong> free
        {low ? (
          <span className="error">
            {' '}
            — free disk is below the threshold: the next collection removes artifacts.
          </span>
        ) : (
          '.'
        )}
      </p>
    </div>
  );
}

function ProjectTable({ report }: { report: StorageReport }) {
  const max = Math.max(1, ...report.artifacts.byProject.map((p) => p.bytes));
  return (
    <table className="table" data-testid="artifacts-by-project">
      <thead>
        <tr>
          <th scope="col">Project</th>
          <th scope="col">Artifacts</th>
          <th scope="col">Size</th>
          <th scope="col" aria-label="Share" />
        </tr>
      </thead>
      <tbody>
        {report.artifacts.byProject.map((p) => (
          <tr key={p.project}>
            <td>{p.project}</td>
            <td>{p.count}</td>
            <td>{formatBytes(p.bytes)}</td>
            <td className="share">
              <div className="share-bar" style={{ width: `${(p.bytes / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StorageChart() {
  const { client } = useDashboard();
  const history = useLoad(useCallback((signal) => client.storageHistory(24, 200, signal), [client]));
  const data = history.data;
  if (!data) return <p className="muted">{history.error ?? 'Loading the chart…'}</p>;
  const artifacts = {
    name: 'artifacts stored',
    className: 'series-artifacts',
    points: data.artifactBytes.map((p) => ({ timeMs: Date.parse(p.time), value: p.bytes })),
  };
  const disk = {
    name: 'disk used (sampled each minute while the instance runs)',
    className: 'series-disk',
    points: data.disk.map((p) => ({ timeMs: Date.parse(p.time), value: p.totalBytes - p.freeBytes })),
  };
  const range = { fromMs: data.fromMs, toMs: data.toMs, formatValue: formatBytes };
  return (
    <div className="charts">
      <LineChart title="Artifacts, last 24 h" series={[artifacts]} {...range} />
      <LineChart title="Disk, last 24 h" series={[disk]} {...range} />
    </div>
  );
}

/** Storage: the disk, the artifacts by project, the GC threshold and how it all evolved. */
export function StoragePage() {
  const { client } = useDashboard();
  const storage = useLoad(useCallback((signal) => client.storage(signal), [client]));
  const reload = useThrottled(storage.reload, 2000);
  useStreamListener({ event: (e) => e.kind.startsWith('artifact') && reload(), resync: reload });
  const report = storage.data;
  return (
    <section className="page" data-testid="page-storage">
      <header className="page-header">
        <h1>Storage</h1>
        <p>The working directory's disk and the artifacts that make builds reusable.</p>
      </header>
      {storage.error && (
        <p className="error" role="alert">
          {storage.error}
        </p>
      )}
      {report && (
        <>
          <div className="card">
            <h2>Disk</h2>
            <DiskBar report={report} />
          </div>
          <div className="card">
            <h2>
              Artifacts: {report.artifacts.count} ({formatBytes(report.artifacts.bytes)}), epoch{' '}
              {report.artifactEpoch}
            </h2>
            {report.artifacts.count ? (
              <ProjectTable report={report} />
            ) : (
              <p className="muted">No artifact stored.</p>
            )}
          </div>
        </>
      )}
      <div className="card">
        <h2>Over time</h2>
        <StorageChart />
      </div>
    </section>
  );
}
