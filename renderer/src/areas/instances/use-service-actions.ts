import { useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../../electron/common/instance-schemas';

export type Action = 'start' | 'stop' | 'restart';
export const verbs: Record<Action, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };

export interface PanelMessage {
  readonly text: string;
  readonly error: boolean;
}

/**
 * Starting, stopping and restarting an instance's service: a real instance asks first (stopping
 * it discards running integrations), every call reports its outcome and refreshes the status.
 */
export function useServiceActions(desk: DeskApi, profile: ConnectionProfile, refresh: () => void) {
  const [asking, setAsking] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<PanelMessage>();

  /** Runs a desk call with the panel busy, showing its outcome, then refreshes the status. */
  const perform = (call: Promise<string>) => {
    setBusy(true);
    call
      .then(
        (text) => setMessage({ text, error: false }),
        (e: Error) => setMessage({ text: e.message, error: true }),
      )
      .finally(() => {
        setBusy(false);
        refresh();
      });
  };
  const run = (action: Action, confirmed: boolean) => {
    setAsking(undefined);
    setMessage({ text: `${verbs[action]}ing…`, error: false });
    const call = { start: desk.serviceStart, stop: desk.serviceStop, restart: desk.serviceRestart }[action];
    perform(
      call({ profileId: profile.id, confirmed }).then(
        (s) => `${verbs[action]}: the service is now ${s.state} (${s.subState}).`,
      ),
    );
  };
  const request = (action: Action) =>
    action !== 'start' && profile.instanceKind === 'real' ? setAsking(action) : run(action, false);
  const cancel = () => setAsking(undefined);
  return { asking, busy, message, setMessage, perform, run, request, cancel };
}
