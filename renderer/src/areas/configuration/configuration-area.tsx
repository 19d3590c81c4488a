import { useCallback, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { useDeskCall } from '../../use-desk-call';
import { ConfigEditor } from './config-editor';
import './configuration.css';

/** Configuration: an instance's coin_configuration.json, edited in a form and as text, tested and previewed before it is saved. */
export function ConfigurationArea({ desk }: { desk: DeskApi }) {
  const [profiles] = useDeskCall(useCallback(() => desk.profilesList({}), [desk]));
  const [chosen, setChosen] = useState<string>();
  const list = profiles.data?.profiles ?? [];
  const profile = list.find((p) => p.id === chosen) ?? list[0];
  return (
    <div className="configuration" data-testid="area-configuration">
      <div className="instance-picker">
        <label>
          Instance{' '}
          <select
            value={profile?.id ?? ''}
            onChange={(e) => setChosen(e.target.value)}
            disabled={list.length === 0}
          >
            {list.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.kind === 'local' ? 'this computer' : p.host})
              </option>
            ))}
          </select>
        </label>
      </div>
      {profiles.status === 'error' && (
        <p className="error">The profiles could not be read: {profiles.message}</p>
      )}
      {profiles.status === 'done' && list.length === 0 && (
        <p className="muted card">
          No instance yet: add a connection profile in <a href="#/instances">Instances</a>, then edit its
          configuration here.
        </p>
      )}
      {profile && <ConfigEditor key={profile.id} desk={desk} profile={profile} />}
    </div>
  );
}
