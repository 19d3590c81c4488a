import { useState, type FormEvent } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionState } from '../../../../electron/common/instance-schemas';

/**
 * Asks, in place, for the passphrase of a profile's key file when the connection needs it (or the
 * one given was wrong), then connects again. The passphrase lives in this form only until it is
 * sent; the app keeps the unlocked key in memory (never on disk) until it quits, the profile is
 * deleted or disconnected on purpose, or the key file changes.
 */
export function KeyPassphrasePrompt({
  desk,
  profileId,
  problem,
  onDone,
}: {
  desk: DeskApi;
  profileId: string;
  problem: NonNullable<ConnectionState['keyPassphrase']>;
  onDone: () => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!passphrase) return;
    setBusy(true);
    setError(undefined);
    desk
      .sshUnlockKey({ profileId, passphrase })
      .then(
        () => setPassphrase(''),
        (e: Error) => setError(e.message),
      )
      .finally(() => {
        setBusy(false);
        onDone();
      });
  };

  return (
    <form className="key-passphrase" aria-label="Key passphrase" onSubmit={submit}>
      <p className={problem.problem === 'wrong' || error ? 'error' : undefined} role="alert">
        {error ??
          (problem.problem === 'needed'
            ? `The key file ${problem.keyFile} is protected by a passphrase.`
            : `The passphrase for ${problem.keyFile} is wrong.`)}
      </p>
      <label>
        Passphrase of {problem.keyFile}{' '}
        <input
          type="password"
          autoComplete="off"
          value={passphrase}
          disabled={busy}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </label>{' '}
      <button type="submit" disabled={busy || !passphrase}>
        Unlock and connect
      </button>
    </form>
  );
}
