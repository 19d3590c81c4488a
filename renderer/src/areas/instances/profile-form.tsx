import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionProfile, SshConfigHost } from '../../../../electron/common/instance-schemas';
import { applySuggestion, profileFromDraft, type ProfileDraft } from './profile-draft';

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = `profile-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function useSuggestions(desk: DeskApi): SshConfigHost[] {
  const [hosts, setHosts] = useState<SshConfigHost[]>([]);
  useEffect(() => {
    let live = true;
    desk.sshHostsFromConfig({}).then(
      (result) => live && setHosts(result.hosts),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [desk]);
  return hosts;
}

/** Add or edit a profile; hosts of ~/.ssh/config are offered to fill the SSH fields. */
export function ProfileForm({
  desk,
  initial,
  onSaved,
  onCancel,
}: {
  desk: DeskApi;
  initial: ProfileDraft;
  onSaved: (profile: ConnectionProfile) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const suggestions = useSuggestions(desk);
  const set = useCallback(
    <K extends keyof ProfileDraft>(key: K) =>
      (event: { target: { value: string } }) =>
        setDraft((d) => ({ ...d, [key]: event.target.value as ProfileDraft[K] })),
    [],
  );
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    let profile;
    try {
      profile = profileFromDraft(draft);
    } catch (problem) {
      setError((problem as Error).message);
      return;
    }
    setSaving(true);
    desk.profilesSave({ profile }).then(onSaved, (problem: Error) => {
      setSaving(false);
      setError(problem.message);
    });
  };
  const text =
    (key: keyof ProfileDraft, placeholder = '') =>
    (id: string) => (
      <input id={id} value={String(draft[key] ?? '')} placeholder={placeholder} onChange={set(key)} />
    );
  return (
    <form className="profile-form card" onSubmit={onSubmit} aria-label="Connection profile">
      <div className="card-header">
        <h2>{initial.id ? `Edit ${initial.name}` : 'New connection profile'}</h2>
      </div>
      {suggestions.length > 0 && (
        <Field label="From ~/.ssh/config">
          {(id) => (
            <select
              id={id}
              value=""
              onChange={(e) => {
                const host = suggestions.find((h) => h.alias === e.target.value);
                if (host) setDraft((d) => applySuggestion(d, host));
              }}
            >
              <option value="">Choose a host…</option>
              {suggestions.map((h) => (
                <option key={h.alias} value={h.alias}>
                  {h.alias} ({h.user ? `${h.user}@` : ''}
                  {h.hostName}
                  {h.port ? `:${h.port}` : ''})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Name">{text('name', 'Production master')}</Field>
      <Field label="Kind">
        {(id) => (
          <select id={id} value={draft.kind} onChange={set('kind')}>
            <option value="ssh">Remote master over SSH</option>
            <option value="local">This computer</option>
          </select>
        )}
      </Field>
      {draft.kind === 'ssh' && <SshFields draft={draft} set={set} text={text} />}
      <Field label="Coin directory">
        {text('coinDir', draft.kind === 'ssh' ? '/home/vmbuilder/coin' : 'bundled')}
      </Field>
      <Field label="Instance working directory">{text('workingDir', '/home/vmbuilder/ci-working-dir')}</Field>
      <Field label="Instance kind">
        {(id) => (
          <select id={id} value={draft.instanceKind} onChange={set('instanceKind')}>
            <option value="local">local</option>
            <option value="private">private</option>
            <option value="real">real (asks before stop and restart)</option>
          </select>
        )}
      </Field>
      <Field label="Service manager">
        {(id) => (
          <select id={id} value={draft.serviceManager} onChange={set('serviceManager')}>
            <option value="auto">detect (systemd user unit, else coin service)</option>
            <option value="systemd">systemd user service</option>
            <option value="coin-service">coin service</option>
          </select>
        )}
      </Field>
      <Field label="Instance port">{text('instancePort', '8080')}</Field>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={saving}>
          Save profile
        </button>
      </div>
    </form>
  );
}

function SshFields({
  draft,
  set,
  text,
}: {
  draft: ProfileDraft;
  set: <K extends keyof ProfileDraft>(key: K) => (event: { target: { value: string } }) => void;
  text: (key: keyof ProfileDraft, placeholder?: string) => (id: string) => ReactNode;
}) {
  return (
    <>
      <Field label="Host">{text('host', 'coin.example.org')}</Field>
      <Field label="Port">{text('port', '22')}</Field>
      <Field label="User">{text('user', 'vmbuilder')}</Field>
      <Field label="Authentication">
        {(id) => (
          <select id={id} value={draft.authMethod} onChange={set('authMethod')}>
            <option value="key">Private key file</option>
            <option value="agent">SSH agent</option>
          </select>
        )}
      </Field>
      {draft.authMethod === 'key' && <Field label="Key file">{text('keyFile', '~/.ssh/id_ed25519')}</Field>}
      <Field label="Jump host">
        {text('jump', 'optional: [user@]bastion[:22] or a ~/.ssh/config alias')}
      </Field>
      {draft.jump.trim() !== '' && (
        <Field label="Jump host credentials">
          {(id) => (
            <select id={id} value={draft.jumpAuthMethod} onChange={set('jumpAuthMethod')}>
              <option value="config">From ~/.ssh/config (IdentityFile), else as the target</option>
              <option value="key">Private key file</option>
              <option value="agent">SSH agent</option>
            </select>
          )}
        </Field>
      )}
      {draft.jump.trim() !== '' && draft.jumpAuthMethod === 'key' && (
        <Field label="Jump host private key">{text('jumpKeyFile', '~/.ssh/id_ed25519')}</Field>
      )}
    </>
  );
}
