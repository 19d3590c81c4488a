import { useCallback, useState } from 'react';
import type { DeskApi } from '../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../electron/common/instance-schemas';
import { useDeskCall } from '../use-desk-call';
import { InstancePanel } from './instances/instance-panel';
import { MachineCheck } from './instances/machine-check';
import { draftOf, emptyDraft, type ProfileDraft } from './instances/profile-draft';
import { ProfileForm } from './instances/profile-form';
import { ProfileList } from './instances/profile-list';
import './instances/instances.css';

/** Instances: connection profiles, the selected instance's status, service control and journal, and the machine check. */
export function InstancesArea({ desk }: { desk: DeskApi }) {
  const [profiles, reload] = useDeskCall(useCallback(() => desk.profilesList({}), [desk]));
  const [selected, setSelected] = useState<string>();
  const [editing, setEditing] = useState<ProfileDraft>();
  const list = profiles.data?.profiles ?? [];
  const current = list.find((p) => p.id === selected);
  const onSaved = (profile: ConnectionProfile) => {
    setEditing(undefined);
    setSelected(profile.id);
    reload();
  };
  return (
    <div className="instances" data-testid="area-instances">
      <div className="instances-layout">
        <ProfileList
          profiles={list}
          selected={selected}
          onSelect={(id) => {
            setEditing(undefined);
            setSelected(id);
          }}
          onAdd={() => setEditing(emptyDraft)}
        />
        <div className="instances-main">
          {profiles.status === 'error' && (
            <p className="error">The profiles could not be read: {profiles.message}</p>
          )}
          {editing ? (
            <ProfileForm
              key={editing.id ?? 'new'}
              desk={desk}
              initial={editing}
              onSaved={onSaved}
              onCancel={() => setEditing(undefined)}
            />
          ) : current ? (
            <InstancePanel
              key={current.id}
              desk={desk}
              profile={current}
              onEdit={() => setEditing(draftOf(current))}
            />
          ) : (
            <p className="muted card">
              Select a connection, or add one for a local instance or a production master.
            </p>
          )}
        </div>
      </div>
      <MachineCheck desk={desk} />
    </div>
  );
}
