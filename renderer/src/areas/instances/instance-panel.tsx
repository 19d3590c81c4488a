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
import { useServiceActions, verbs, type Action, type PanelMessage } from './use-service-actions';

/** The service buttons and the links to the instance's other views. */
function InstanceActions({
  desk,
  profile,
  disabled,
  connected,
  heldBy,
  onAction,
  onDashboard,
  onRefresh,
  onEdit,
}: {
  desk: DeskApi;
  profile: ConnectionProfile;
  disabled: boolean;
  connected: boolean;
  heldBy: string | null;
  onAction: (action: Action) => void;
  onDashboard: () => void;
  onRefresh: () => void;
  onEdit: () => void;
}) {
  return (
    <div className="button-row">
      {(['start', 'stop', 'restart'] as const).map((action) => (
        <button
          key={action}
          type="button"
          disabled={disabled}
          title={heldBy ?? undefined}
          onClick={() => onAction(action)}
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
      <button type="button" disabled={!connected} onClick={onDashboard}>
        Dashboard
      </button>
      <button type="button" onClick={onRefresh}>
        Refresh
      </button>
      <button type="button" onClick={onEdit}>
        Edit
      </button>
      <PinControls desk={desk} target={{ kind: 'profile', profileId: profile.id }} />
    </div>
  );
}

/** What the last action said, why the status could not be read, and who else holds the instance. */
function PanelNotices({
  message,
  statusError,
  heldBy,
}: {
  message: PanelMessage | undefined;
  statusError: string | undefined;
  heldBy: string | null;
}) {
  return (
    <>
      {message && (
        <p
          className={message.error ? 'error' : 'muted'}
          role={message.error ? 'alert' : 'status'}
          data-testid="action-message"
        >
          {message.text}
        </p>
      )}
      {statusError && (
        <p className="error" role="alert">
          {statusError}
        </p>
      )}
      {heldBy && (
        <p className="warn-text" data-testid="held-elsewhere">
          {heldBy}
        </p>
      )}
    </>
  );
}

/** Asks before a real instance is stopped or restarted: that discards its running integrations. */
function ConfirmServiceAction({
  profile,
  action,
  onConfirm,
  onCancel,
}: {
  profile: ConnectionProfile;
  action: Action;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`${verbs[action]} the real instance?`}
      confirmLabel={`${verbs[action]} ${profile.name}`}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        {profile.name} is the real instance: {action === 'stop' ? 'stopping' : 'restarting'} it interrupts
        every running integration, and they are discarded (finished work items are kept).
      </p>
    </ConfirmDialog>
  );
}

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
  const actions = useServiceActions(desk, profile, refresh);
  const { asking, busy, message, setMessage } = actions;
  const [hostKeyClosed, setHostKeyClosed] = useState<string>();

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
          <InstanceActions
            desk={desk}
            profile={profile}
            disabled={busy || !connected || elsewhere !== null}
            connected={connected}
            heldBy={elsewhere}
            onAction={actions.request}
            onDashboard={openDashboard}
            onRefresh={refresh}
            onEdit={onEdit}
          />
        </div>
        <PanelNotices message={message} statusError={status.error} heldBy={elsewhere} />
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
          onTrust={() =>
            actions.perform(
              desk
                .sshTrustHostKey({ profileId: profile.id, fingerprint: hostKey.fingerprint })
                .then(() => `Trusted ${hostKey.fingerprint}.`),
            )
          }
        />
      )}
      {asking && (
        <ConfirmServiceAction
          profile={profile}
          action={asking}
          onConfirm={() => actions.run(asking, true)}
          onCancel={actions.cancel}
        />
      )}
    </section>
  );
}
