/**
 * Diagnose: what the instance is doing, taken through Node's inspector without stopping it
 * (`coin diagnose` on its host), shown as text with its verdict first, and a bug report drafted
 * from it.
 */
import { useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { DiagnoseResult } from '../../../../electron/common/diagnose-contract';
import type { ConnectionProfile } from '../../../../electron/common/instance-schemas';
import { draftBugReport, type BugReportDraft } from '../../../../runner/core/bug-report';
import { COIN_REVISION } from '../../../../runner/core/build-key';
import { BugReportDialog } from './bug-report-dialog';

/** The draft of a report about `result`, with the app's and the runner's versions. */
async function draftFor(
  desk: DeskApi,
  profile: ConnectionProfile,
  result: DiagnoseResult,
): Promise<BugReportDraft> {
  const app = await desk.appInfo({});
  return draftBugReport(
    { kind: 'diagnosis', verdict: result.verdict, text: result.text, takenAt: result.takenAt },
    {
      instance: profile.name,
      versions: {
        app: app.version,
        appRevision: app.revision,
        runnerRevision: result.runnerVersion,
        coinRevision: COIN_REVISION,
        node: result.node,
      },
      trackerUrl: profile.trackerUrl ?? null,
    },
  );
}

async function profileOf(desk: DeskApi, profileId: string): Promise<ConnectionProfile> {
  const profile = (await desk.profilesList({})).profiles.find((p) => p.id === profileId);
  if (!profile) throw new Error(`the profile ${profileId} is gone: choose another instance`);
  return profile;
}

/** The profile's tracker URL (where bug reports are filed), edited and saved in place. */
function TrackerSetting({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const [value, setValue] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    void profileOf(desk, profileId).then(
      (p) => setValue(p.trackerUrl ?? ''),
      () => setValue(''),
    );
  }, [desk, profileId]);
  const save = async () => {
    try {
      const profile = await profileOf(desk, profileId);
      await desk.profilesSave({ profile: { ...profile, trackerUrl: value?.trim() ? value.trim() : null } });
      setMessage({ text: 'Saved.', error: false });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  return (
    <div className="gc-controls">
      <label>
        Tracker URL{' '}
        <input
          value={value ?? ''}
          disabled={value === null}
          onChange={(e) => setValue(e.target.value)}
          placeholder="https://bugreports.qt.io/projects/COIN"
          size={40}
        />
      </label>
      <button type="button" disabled={value === null} onClick={() => void save()}>
        Save tracker URL
      </button>
      {message && (
        <span role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'muted'}>
          {message.text}
        </span>
      )}
    </div>
  );
}

/** The Diagnose tab of a profile's instance. */
export function DiagnoseView({ desk, profileId }: { desk: DeskApi; profileId: string }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DiagnoseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<BugReportDraft | null>(null);
  const diagnose = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await desk.instanceDiagnose({ profileId }));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const openDraft = async () => {
    if (!result) return;
    try {
      setDraft(await draftFor(desk, await profileOf(desk, profileId), result));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section className="diagnose-view" data-testid="diagnose-view">
      <p>
        Reads the runner&apos;s stacks, event loop, handles, SQLite transaction, agents and memory through
        Node&apos;s inspector, without stopping it (a few seconds; the inspector is closed again afterwards).
      </p>
      <div className="gc-controls">
        <button type="button" disabled={busy} onClick={() => void diagnose()}>
          {busy ? 'Diagnosing…' : 'Diagnose'}
        </button>
        <button type="button" disabled={!result} onClick={() => void openDraft()}>
          Draft bug report
        </button>
      </div>
      <TrackerSetting desk={desk} profileId={profileId} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <div data-testid="diagnosis">
          <p>
            <strong data-testid="diagnosis-verdict">{result.verdict}</strong>
          </p>
          <p className="muted">
            Saved on the instance&apos;s host as <span className="mono">{result.archive}</span> with the log
            excerpt ({result.journal}).
          </p>
          <pre className="mono diagnosis-text">{result.text}</pre>
        </div>
      )}
      {draft && <BugReportDialog draft={draft} onClose={() => setDraft(null)} />}
    </section>
  );
}
