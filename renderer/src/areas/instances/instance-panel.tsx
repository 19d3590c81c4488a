import { useCallback, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../../electron/common/instance-schemas';
import { ConfirmDialog } from '../../components/dialog';
import { rememberDashboardTarget } from '../dashboard/instance-dashboard-area';
import { HostKeyDialog } from './host-key-dialog';
import { heldElsewhere } from './instance-holder';
import { JournalViewer } from './journal-viewer';
import { KeyPassphrasePrompt } from './key-passphrase-prompt';
import { PinControls } from './pin-controls';
import { StatusSummary } from './status-summary';
import { usePolling } from './use-polling';

type Action = 'start' | 'stop' | 'restart';
const verbs: Record<Action, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };

/** One instance: its status (refreshed live), service control and the live journal. */
export function InstancePanel({
  desk,
  profile,
  onEdit,
}: {
  desk: DeskApi;
  profile: ConnectionProfile;
  onEdit: () => void;
}) {
  const [status, refresh] = usePolling(
    useCallback(() => desk.instanceStatus({ profileId: profile.id }), [desk, profile.id]),
    5000,
  );
  const [asking, setAsking] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean }>();
  const [hostKeyClosed, setHostKeyClosed] = useState<string>();

  const run = (action: Action, confirmed: boolean) => {
    setAsking(undefined);
    setBusy(true);
    setMessage({ text: `${verbs[action]}ing…`, error: false });
    const call = { start: desk.serviceStart, stop: desk.serviceStop, restart: desk.serviceRestart }[action];
    call({ profileId: profile.id, confirmed })
      .then(
        (s) =>
          setMessage({
            text: `${verbs[action]}: the service is now ${s.state} (${s.subState}).`,
            error: false,
          }),
        (e: Error) => setMessage({ text: e.message, error: true }),
      )
      .finally(() => {
        setBusy(false);
        refresh();
      });
  };
  const request = (action: Action) =>
    action !== 'start' && profile.instanceKind === 'real' ? setAsking(action) : run(action, false);

  const openDashboard = () =>
    desk.instanceDashboard({ profileId: profile.id }).then(
      (d) => window.open(d.url, '_blank', 'noopener'),
      (e: Error) => setMessage({ text: e.message, error: true }),
    );

  const data = status.data;
  const hostKey = data?.connection.hostKey;
  const keyPassphrase = data?.connection.keyPassphrase;
  const showHostKey = hostKey && hostKeyClosed !== hostKey.fingerprint;
  const connected = data?.connection.state === 'connected';
  const elsewhere = heldElsewhere(data);
  return (
    <section className="instance-panel" aria-label={`Instance ${profile.name}`}>
      <div className="card">
        <div className="card-header">
          <h2>{profile.name}</h2>
          <div className="button-row">
            {(['start', 'stop', 'restart'] as const).map((action) => (
              <button
                key={action}
                type="button"
                disabled={busy || !connected || elsewhere !== null}
                title={elsewhere ?? undefined}
                onClick={() => request(action)}
              >
                {verbs[action]}
              </button>
            ))}
            <a
              className="button"
              href="#/integrations"
              onClick={() => rememberDashboardTarget({ kind: 'profile', profileId: profile.id })}
            >
              Integrations
            </a>
            <button type="button" disabled={!connected} onClick={openDashboard}>
              Dashboard
            </button>
            <button type="button" onClick={refresh}>
              Refresh
            </button>
            <button type="button" onClick={onEdit}>
              Edit
            </button>
            <PinControls desk={desk} target={{ kind: 'profile', profileId: profile.id }} />
          </div>
        </div>
        {message && (
          <p
            className={message.error ? 'error' : 'muted'}
            role={message.error ? 'alert' : 'status'}
            data-testid="action-message"
          >
            {message.text}
          </p>
        )}
        {status.error && (
          <p className="error" role="alert">
            {status.error}
          </p>
        )}
        {elsewhere && (
          <p className="warn-text" data-testid="held-elsewhere">
            {elsewhere}
          </p>
        )}
        {keyPassphrase && (
          <KeyPassphrasePrompt desk={desk} profileId={profile.id} problem={keyPassphrase} onDone={refresh} />
        )}
        {data ? <StatusSummary status={data} /> : <p className="muted">Connecting…</p>}
      </div>
      {connected && <JournalViewer desk={desk} profileId={profile.id} />}
      {showHostKey && (
        <HostKeyDialog
          problem={hostKey}
          busy={busy}
          onClose={() => setHostKeyClosed(hostKey.fingerprint)}
          onTrust={() => {
            setBusy(true);
            desk
              .sshTrustHostKey({ profileId: profile.id, fingerprint: hostKey.fingerprint })
              .then(
                () => setMessage({ text: `Trusted ${hostKey.fingerprint}.`, error: false }),
                (e: Error) => setMessage({ text: e.message, error: true }),
              )
              .finally(() => {
                setBusy(false);
                refresh();
              });
          }}
        />
      )}
      {asking && (
        <ConfirmDialog
          title={`${verbs[asking]} the real instance?`}
          confirmLabel={`${verbs[asking]} ${profile.name}`}
          onConfirm={() => run(asking, true)}
          onCancel={() => setAsking(undefined)}
        >
          <p>
            {profile.name} is the real instance: {asking === 'stop' ? 'stopping' : 'restarting'} it interrupts
            every running integration, and they are discarded (finished work items are kept).
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
