import type { DoctorReport, DoctorStatus } from '../../../runner/core/doctor';

/** Shape and word for each status, so it reads without colour too. */
const badge: Record<DoctorStatus, { symbol: string; word: string }> = {
  ok: { symbol: '✔', word: 'ok' },
  warn: { symbol: '▲', word: 'warning' },
  fail: { symbol: '✖', word: 'failed' },
};

/** The `coin doctor` report as a table, one row per check. */
export function DoctorTable({ report }: { report: DoctorReport }) {
  return (
    <table className="doctor-table" data-testid="doctor-table">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Check</th>
          <th scope="col">Required</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {report.checks.map((check) => (
          <tr key={check.id} data-check={check.id}>
            <td>
              <span className={`badge badge-${check.status}`}>
                <span aria-hidden="true">{badge[check.status].symbol}</span> {badge[check.status].word}
              </span>
            </td>
            <td>{check.title}</td>
            <td>{check.required ? 'yes' : 'no'}</td>
            <td className="detail">{check.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
