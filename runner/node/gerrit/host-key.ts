/**
 * How the runner decides that an SSH server is the Gerrit it means: its host key must be listed
 * for `[host]:port` (or `host` on port 22) in a known_hosts file (plain or hashed `|1|salt|hash`
 * host fields, `*`/`?` wildcards, `!` negation, `@revoked` honoured, `@cert-authority` lines
 * ignored), or match a pinned `SHA256:<base64>` fingerprint. There is no way to connect without one.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What the host key is checked against. */
export type HostKeyCheck = { readonly knownHostsFile: string } | { readonly fingerprint: string };

/** `SHA256:<base64 without padding>` of a public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(name: string, pattern: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',').filter(Boolean)) {
    const negated = pattern.startsWith('!');
    if (!globMatches(name, negated ? pattern.slice(1) : pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The verdict on a presented key from a known_hosts text. */
export function knownHostsVerdict(
  text: string,
  host: string,
  port: number,
  keyBlob: Buffer,
): 'trusted' | 'revoked' | 'changed' | 'unknown' {
  const name = knownHostsName(host, port);
  let sawHost = false;
  let trusted = false;
  for (const raw of text.split(/\r?\n/)) {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [hostField, , keyBase64] = fields;
    if (!hostField || !keyBase64 || marker === '@cert-authority') continue;
    if (!hostFieldMatches(hostField, name)) continue;
    const same = Buffer.from(keyBase64, 'base64').equals(keyBlob);
    if (marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    sawHost = true;
    if (same) trusted = true;
  }
  if (trusted) return 'trusted';
  return sawHost ? 'changed' : 'unknown';
}

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
    const fingerprint = fingerprintOf(keyBlob);
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
