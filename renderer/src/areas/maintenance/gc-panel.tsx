/** Garbage collection (a dry run first, then for real) and artifact invalidation, both confirmed. */
import { useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { GcReport } from '../../../../electron/common/maintenance-contract';
import { ConfirmDialog } from '../../components/dialog';
import { formatBytes } from '../../../../runner/core/format-bytes';

type Asking = 'gc' | 'invalidate' | null;

function GcReportView({ report }: { report: GcReport }) {
  const verb = report.dryRun ? 'would remove' : 'removed';
  return (
    <div data-testid="gc-report">
      <p>
        {report.dryRun ? 'Dry run: ' : ''}
        {verb} <strong>{report.removed.length}</strong> artifact(s), {formatBytes(report.freedBytes)}; free{' '}
        {formatBytes(report.freeBytesBefore)} → {formatBytes(report.freeBytesAfter)}.
        {report.pinnedKept > 0 && ` Kept ${report.pinnedKept} that queued or running work needs.`}
        {!report.satisfied && ' The free space stays below the threshold: nothing else may be removed.'}
      </p>
      {report.removed.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Artifact</th>
              <th>Size</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {report.removed.slice(0, 200).map((r) => (
              <tr key={r.key}>
                <td className="mono">{r.key.slice(0, 16)}</td>
                <td>{formatBytes(r.size)}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The panel's state: the threshold typed, the last report and message, and the calls behind them. */
function useGc(desk: DeskApi, profileId: string) {
  const [minFreeGb, setMinFreeGb] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<GcReport | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const minFree = minFreeGb.trim() === '' ? undefined : Number(minFreeGb);
  const badMinFree = minFree !== undefined && (!Number.isFinite(minFree) || minFree < 0);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await what();
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    } finally {
      setBusy(false);
    }
  };
  const gc = (dryRun: boolean) =>
    act(async () => {
      const result = await desk.maintenanceGc({ profileId, dryRun, minFreeGb: minFree, confirmed: !dryRun });
      setReport(result);
      if (!dryRun) setMessage({ text: `Removed ${result.removed.length} artifact(s).`, error: false });
    });
  const invalidate = () =>
    act(async () => {
      const { epoch } = await desk.maintenanceInvalidate({ profileId, confirmed: true });
      setMessage({
        text: `The artifact epoch is now ${epoch}: every earlier artifact misses; garbage collection removes them first.`,
        error: false,
      });
    });
  return { minFreeGb, setMinFreeGb, busy, report, message, badMinFree, gc, invalidate };
}

type Gc = ReturnType<typeof useGc>;

/** The threshold to reach and the buttons: preview, remove what the preview listed, invalidate. */
function GcControls({ state, onAsk }: { state: Gc; onAsk: (what: Asking) => void }) {
  const { busy, badMinFree, report } = state;
  return (
    <div className="gc-controls">
      <label>
        Free space to reach (GiB){' '}
        <input
          value={state.minFreeGb}
          onChange={(e) => state.setMinFreeGb(e.target.value)}
          placeholder="the instance's threshold"
          inputMode="decimal"
          aria-invalid={badMinFree}
        />
      </label>
      <button type="button" disabled={busy || badMinFree} onClick={() => void state.gc(true)}>
        Preview (dry run)
      </button>
      <button
        type="button"
        disabled={busy || badMinFree || !report?.dryRun || report.removed.length === 0}
        onClick={() => onAsk('gc')}
      >
        Remove…
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => onAsk('invalidate')}>
        Invalidate all artifacts…
      </button>
    </div>
  );
}

/** The confirmation asked before artifacts are removed or all of them invalidated. */
function GcConfirmation({ state, asking, onClose }: { state: Gc; asking: Asking; onClose: () => void }) {
  const { report } = state;
  if (asking === 'gc' && report)
    return (
      <ConfirmDialog
        title="Remove these artifacts?"
        confirmLabel="Remove artifacts"
        onCancel={onClose}
        onConfirm={() => {
          onClose();
          void state.gc(false);
        }}
      >
        <p>
          The preview removes {report.removed.length} artifact(s), {formatBytes(report.freedBytes)}. Builds
          that would have reused them build again. The instance decides again when it runs, so the result can
          differ a little from the preview.
        </p>
      </ConfirmDialog>
    );
  if (asking === 'invalidate')
    return (
      <ConfirmDialog
        title="Invalidate every artifact?"
        confirmLabel="Invalidate all artifacts"
        onCancel={onClose}
        onConfirm={() => {
          onClose();
          void state.invalidate();
        }}
      >
        <p>
          Every stored build stops being reused: the next integrations build everything again. Do this after
          an incompatible change of Coin or of the build machines. It cannot be undone.
        </p>
      </ConfirmDialog>
    );
  return null;
}

export function GcPanel({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const state = useGc(desk, profileId);
  const [asking, setAsking] = useState<Asking>(null);
  const { message, report } = state;
  return (
    <section className="card gc" aria-label="Garbage collection">
      <h2>Garbage collection</h2>
      <p className="muted">
        The instance collects by itself to keep its free-space threshold; run it by hand to free space now.
        Preview first: nothing is removed until you confirm.
      </p>
      <GcControls state={state} onAsk={setAsking} />
      {state.badMinFree && <p className="error">The free space must be a number of GiB, 0 or more.</p>}
      {message && (
        <p
          className={message.error ? 'error' : 'ok-text'}
          role={message.error ? 'alert' : 'status'}
          data-testid="gc-message"
        >
          {message.text}
        </p>
      )}
      {report && <GcReportView report={report} />}
      <GcConfirmation state={state} asking={asking} onClose={() => setAsking(null)} />
    </section>
  );
}
