import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionProfile, SshConfigHost } from '../../../../electron/common/instance-schemas';
import { applySuggestion, checkDraft, draftLabels, type ProfileDraft } from './profile-draft';

/** The problems of the last save attempt, by field (cleared field by field as they are edited). */
type Problems = Partial<Record<keyof ProfileDraft, string>>;

/** The props that tie an input to its label and to its problem, if any. */
interface FieldProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

function Field({
  label,
  problem,
  children,
}: {
  label: string;
  problem?: string;
  children: (props: FieldProps) => ReactNode;
}) {
  const id = `profile-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const props: FieldProps = problem
    ? { id, 'aria-invalid': true, 'aria-describedby': `${id}-problem` }
    : { id };
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <div className="form-field">
        {children(props)}
        {problem && (
          <p className="form-field-problem" id={`${id}-problem`} data-testid="field-problem">
            {problem}
          </p>
        )}
      </div>
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

/** The form's state: the draft, the problems shown next to fields, and the save in flight. */
function useProfileDraft(desk: DeskApi, initial: ProfileDraft, onSaved: (p: ConnectionProfile) => void) {
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const set = useCallback(
    <K extends keyof ProfileDraft>(key: K) =>
      (event: { target: { value: string } }) => {
        setDraft((d) => ({ ...d, [key]: event.target.value as ProfileDraft[K] }));
        setProblems(({ [key]: _fixed, ...rest }) => rest);
      },
    [],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const checked = checkDraft(draft);
    if (!checked.ok) {
      const byField: Problems = {};
      for (const p of checked.problems) byField[p.field] ??= p.message;
      setProblems(byField);
      return;
    }
    setProblems({});
    setSaving(true);
    desk.profilesSave({ profile: checked.profile }).then(onSaved, (problem: Error) => {
      setSaving(false);
      setError(problem.message);
    });
  };
  return { draft, setDraft, set, problems, error, saving, submit };
}

type Form = ReturnType<typeof useProfileDraft>;

/** A text field of the draft, labelled as the draft's field and showing its problem. */
function TextField({
  form,
  field,
  placeholder = '',
}: {
  form: Form;
  field: keyof ProfileDraft;
  placeholder?: string;
}) {
  return (
    <Field label={draftLabels[field]} problem={form.problems[field]}>
      {(props) => (
        <input
          {...props}
          value={String(form.draft[field] ?? '')}
          placeholder={placeholder}
          onChange={form.set(field)}
        />
      )}
    </Field>
  );
}

function Suggestions({ form, suggestions }: { form: Form; suggestions: SshConfigHost[] }) {
  if (suggestions.length === 0) return null;
  return (
    <Field label="From ~/.ssh/config">
      {(props) => (
        <select
          {...props}
          value=""
          onChange={(e) => {
            const host = suggestions.find((h) => h.alias === e.target.value);
            if (host) form.setDraft((d) => applySuggestion(d, host));
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
  );
}

/** Where the instance lives on its machine, what kind it is and how its service is run. */
function InstanceFields({ form }: { form: Form }) {
  const { draft, set } = form;
  return (
    <>
      <TextField
        form={form}
        field="coinDir"
        placeholder={draft.kind === 'ssh' ? '/home/vmbuilder/coin' : 'bundled'}
      />
      <TextField form={form} field="workingDir" placeholder="/home/vmbuilder/ci-working-dir" />
      <Field label="Instance kind">
        {(props) => (
          <select {...props} value={draft.instanceKind} onChange={set('instanceKind')}>
            <option value="local">local</option>
            <option value="private">private</option>
            <option value="real">real (asks before stop and restart)</option>
          </select>
        )}
      </Field>
      <Field label="Service manager">
        {(props) => (
          <select {...props} value={draft.serviceManager} onChange={set('serviceManager')}>
            <option value="auto">detect (systemd user unit, else coin service)</option>
            <option value="systemd">systemd user service</option>
            <option value="coin-service">coin service</option>
          </select>
        )}
      </Field>
      <TextField form={form} field="instancePort" placeholder="8080" />
    </>
  );
}

/** Why the last save did not happen, and the form's buttons. */
function FormFooter({ form, onCancel }: { form: Form; onCancel: () => void }) {
  return (
    <>
      {Object.keys(form.problems).length > 0 && (
        <p className="error" role="alert">
          The profile was not saved: correct the fields marked above.
        </p>
      )}
      {form.error && (
        <p className="error" role="alert">
          {form.error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={form.saving}>
          Save profile
        </button>
      </div>
    </>
  );
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
  const form = useProfileDraft(desk, initial, onSaved);
  const { draft, set } = form;
  const suggestions = useSuggestions(desk);
  return (
    <form className="profile-form card" onSubmit={form.submit} aria-label="Connection profile" noValidate>
      <div className="card-header">
        <h2>{initial.id ? `Edit ${initial.name}` : 'New connection profile'}</h2>
      </div>
      <Suggestions form={form} suggestions={suggestions} />
      <TextField form={form} field="name" placeholder="Production master" />
      <Field label="Kind">
        {(props) => (
          <select {...props} value={draft.kind} onChange={set('kind')}>
            <option value="ssh">Remote master over SSH</option>
            <option value="local">This computer</option>
          </select>
        )}
      </Field>
      {draft.kind === 'ssh' && <SshFields form={form} />}
      <InstanceFields form={form} />
      <FormFooter form={form} onCancel={onCancel} />
    </form>
  );
}

function SshFields({ form }: { form: Form }) {
  const { draft, set } = form;
  const jump = draft.jump.trim() !== '';
  return (
    <>
      <TextField form={form} field="host" placeholder="coin.example.org" />
      <TextField form={form} field="port" placeholder="22" />
      <TextField form={form} field="user" placeholder="vmbuilder" />
      <Field label="Authentication">
        {(props) => (
          <select {...props} value={draft.authMethod} onChange={set('authMethod')}>
            <option value="key">Private key file</option>
            <option value="agent">SSH agent</option>
          </select>
        )}
      </Field>
      {draft.authMethod === 'key' && (
        <TextField form={form} field="keyFile" placeholder="~/.ssh/id_ed25519" />
      )}
      <TextField
        form={form}
        field="jump"
        placeholder="optional: [user@]bastion[:22] or a ~/.ssh/config alias"
      />
      {jump && (
        <Field label="Jump host credentials">
          {(props) => (
            <select {...props} value={draft.jumpAuthMethod} onChange={set('jumpAuthMethod')}>
              <option value="config">From ~/.ssh/config (IdentityFile), else as the target</option>
              <option value="key">Private key file</option>
              <option value="agent">SSH agent</option>
            </select>
          )}
        </Field>
      )}
      {jump && draft.jumpAuthMethod === 'key' && (
        <TextField form={form} field="jumpKeyFile" placeholder="~/.ssh/id_ed25519" />
      )}
    </>
  );
}
