import { useCallback, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { WatchSettings, WatchTarget } from '../../../../electron/common/local-runner-contract';
import { useShell } from '../../components/shell-context';
import { useDeskCall } from '../../use-desk-call';

function samePin(a: WatchTarget | null, b: WatchTarget): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'profile' && b.kind === 'profile'
    ? a.profileId === b.profileId
    : a.kind === 'local-runner' && b.kind === 'local-runner' && a.workingDir === b.workingDir;
}

/**
 * Pin an instance to the tray icon of the desktop app and, for a profile, choose whether its
 * failures raise notifications (runners the app hosts always do). Only in the desktop app: the
 * browser host has neither a tray icon nor notifications, so nothing is offered there.
 */
export function PinControls({ desk, target }: { desk: DeskApi; target: WatchTarget }) {
  return useShell() === 'electron' ? <TrayControls desk={desk} target={target} /> : null;
}

function TrayControls({ desk, target }: { desk: DeskApi; target: WatchTarget }) {
  const [settings, reload] = useDeskCall(useCallback(() => desk.watchRead({}), [desk]));
  const [failure, setFailure] = useState<string>();
  const current = settings.data;
  const update = (change: (s: WatchSettings) => WatchSettings) =>
    desk
      .watchRead({})
      .then((latest) => desk.watchSave({ settings: change(latest) }))
      .then(
        () => setFailure(undefined),
        (e: Error) => setFailure(e.message),
      )
      .finally(reload);
  if (!current) return null;
  const pinned = samePin(current.pinned, target);
  const profileId = target.kind === 'profile' ? target.profileId : undefined;
  const watched = profileId !== undefined && current.watchedProfiles.includes(profileId);
  return (
    <span className="pin-controls">
      <button
        type="button"
        aria-pressed={pinned}
        title="The tray icon of the desktop app shows the state of the pinned instance"
        onClick={() => void update((s) => ({ ...s, pinned: pinned ? null : target }))}
      >
        {pinned ? 'Pinned to tray' : 'Pin to tray'}
      </button>
      {profileId !== undefined && (
        <label className="small">
          <input
            type="checkbox"
            checked={watched}
            onChange={(e) =>
              void update((s) => ({
                ...s,
                watchedProfiles: e.target.checked
                  ? [...s.watchedProfiles, profileId]
                  : s.watchedProfiles.filter((id) => id !== profileId),
              }))
            }
          />{' '}
          Notify when it fails
        </label>
      )}
      {failure && <span className="error small">{failure}</span>}
    </span>
  );
}
