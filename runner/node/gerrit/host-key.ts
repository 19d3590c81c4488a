/**
 * How the runner decides that an SSH server is the Gerrit it means: its host key must be listed
 * for `[host]:port` (or `host` on port 22) in a known_hosts file (plain or hashed `|1|salt|hash`
 * host fields, `*`/`?` wildcards, `!` negation, `@revoked` honoured, `@cert-authority` lines
 * ignored), or match a pinned `SHA256:<base64>` fingerprint. There is no way to connect without one.
 */
import { readFileSync } from 'node:fs';
import { knownHostsName, knownHostsVerdict } from '../ssh/known-hosts';
import { sshFingerprint } from '../ssh/ssh-fingerprint';

/** What the host key is checked against. */
export type HostKeyCheck = { readonly knownHostsFile: string } | { readonly fingerprint: string };

/**
 * A synchronous verifier for ssh2's `hostVerifier` (it gets the raw key blob): true only for a
 * listed or pinned key. `onReject` hears why a key was refused.
 */
export function hostKeyVerifier(
  check: HostKeyCheck,
  host: string,
  port: number,
  onReject: (why: string) => void,
): (keyBlob: Buffer) => boolean {
  return (keyBlob) => {
    const fingerprint = sshFingerprint(keyBlob);
    if ('fingerprint' in check) {
      if (check.fingerprint.replace(/=+$/, '') === fingerprint) return true;
      onReject(`host key ${fingerprint} of ${host}:${port} is not the pinned ${check.fingerprint}`);
      return false;
    }
    let text: string;
    try {
      text = readFileSync(check.knownHostsFile, 'utf8');
    } catch (error) {
      onReject(`cannot read ${check.knownHostsFile}: ${(error as Error).message}`);
      return false;
    }
    const verdict = knownHostsVerdict(text, host, port, keyBlob);
    if (verdict === 'trusted') return true;
    onReject(
      verdict === 'unknown'
        ? `${knownHostsName(host, port)} is not in ${check.knownHostsFile} (its key is ${fingerprint})`
        : verdict === 'revoked'
          ? `the host key ${fingerprint} of ${knownHostsName(host, port)} is revoked`
          : `the host key of ${knownHostsName(host, port)} changed: ${fingerprint} is not the one in ${check.knownHostsFile}`,
    );
    return false;
  };
}
