import type { ConnectionProfile } from '../../../../electron/common/instance-schemas';

function where(profile: ConnectionProfile): string {
  return profile.kind === 'local' ? 'this computer' : `${profile.user}@${profile.host}:${profile.port}`;
}

/** The saved profiles; one is selected. */
export function ProfileList({
  profiles,
  selected,
  onSelect,
  onAdd,
}: {
  profiles: readonly ConnectionProfile[];
  selected: string | undefined;
  onSelect: (id: string) => void;
  onAdd: () => void;
}) {
  return (
    <nav className="profile-list card" aria-label="Connection profiles">
      <div className="card-header">
        <h2>Connections</h2>
        <button type="button" onClick={onAdd}>
          Add profile
        </button>
      </div>
      {profiles.length === 0 && <p className="muted">No connection profiles yet.</p>}
      <ul>
        {profiles.map((profile) => (
          <li key={profile.id}>
            <button
              type="button"
              className="profile-item"
              aria-current={profile.id === selected ? 'true' : undefined}
              onClick={() => onSelect(profile.id)}
            >
              <span className="profile-name">{profile.name}</span>
              <span className="muted">
                {where(profile)} · {profile.instanceKind}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
