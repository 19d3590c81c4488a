import type { HostKeyProblem } from '../../../../electron/common/instance-schemas';
import { Dialog } from '../../components/dialog';

function where(problem: HostKeyProblem): string {
  return problem.port === 22 ? problem.host : `${problem.host} port ${problem.port}`;
}

/**
 * The host-key question. An unknown key shows its fingerprint and can be trusted once; a changed
 * or revoked key is a hard stop: both fingerprints, and no way to proceed from here.
 */
export function HostKeyDialog({
  problem,
  onTrust,
  onClose,
  busy,
}: {
  problem: HostKeyProblem;
  onTrust: () => void;
  onClose: () => void;
  busy: boolean;
}) {
  if (problem.kind === 'unknown') {
    return (
      <Dialog
        title="Unknown host key"
        onClose={onClose}
        actions={
          <>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="button" onClick={onTrust} disabled={busy}>
              Trust this key and connect
            </button>
          </>
        }
      >
        <p>
          The authenticity of <strong>{where(problem)}</strong> cannot be established yet. Nothing has been
          sent to it. Compare the fingerprint with the one the server&apos;s administrator gives you (
          <code>ssh-keygen -lf /etc/ssh/ssh_host_{problem.keyType.replace(/^ssh-/, '')}_key.pub</code>).
        </p>
        <dl className="fingerprint">
          <dt>{problem.keyType} key fingerprint</dt>
          <dd data-testid="host-key-fingerprint">{problem.fingerprint}</dd>
        </dl>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={problem.kind === 'changed' ? 'Host key has changed' : 'Host key is revoked'}
      tone="danger"
      onClose={onClose}
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <p className="error">
        <strong>{where(problem)}</strong> presents a different key than the one on record. Someone could be
        intercepting the connection, or the server was reinstalled. The connection was refused and nothing was
        sent.
      </p>
      <dl className="fingerprint">
        <dt>Presented ({problem.keyType})</dt>
        <dd data-testid="host-key-presented">{problem.fingerprint}</dd>
        {problem.kind === 'changed' && (
          <>
            <dt>Known</dt>
            <dd data-testid="host-key-known">{problem.knownFingerprints.join(', ')}</dd>
          </>
        )}
        <dt>Recorded in</dt>
        <dd>{problem.knownAt.join(', ')}</dd>
      </dl>
      <p>
        If the key was replaced on purpose, remove the old entry (<code>ssh-keygen -R</code>) after checking
        the new fingerprint with the server&apos;s administrator, then connect again.
      </p>
    </Dialog>
  );
}
