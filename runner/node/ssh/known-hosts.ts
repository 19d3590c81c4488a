/**
 * OpenSSH known_hosts files: plain and hashed (`|1|salt|hash`) host fields, `[host]:port` for
 * ports other than 22, wildcard and negated patterns, and the @revoked / @cert-authority markers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { matchesPattern } from './host-pattern';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  marker: 'revoked' | 'cert-authority' | null;
  /** A hashed host field, or the comma-separated patterns of a plain one. */
  hosts: { hashed: { salt: Buffer; hash: Buffer } } | { patterns: string[] };
  keyType: string;
  keyBlob: Buffer;
  file: string;
  line: number;
}

/** The name known_hosts stores for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parse a known_hosts file; lines that are not key lines are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]?.startsWith('#')) return;
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hostField, keyType, keyBase64] = fields;
    if (!hostField || !keyType || !keyBase64) return;
    const hosts = parseHostField(hostField);
    const keyBlob = Buffer.from(keyBase64, 'base64');
    if (!hosts || keyTypeOf(keyBlob) !== keyType) return;
    entries.push({ marker, hosts, keyType, keyBlob, file, line: index + 1 });
  });
  return entries;
}

function parseHostField(field: string): KnownHostEntry['hosts'] | null {
  if (!field.startsWith('|')) return { patterns: field.split(',').filter(Boolean) };
  const [, kind, salt, hash] = field.split('|');
  if (kind !== '1' || !salt || !hash) return null;
  return { hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') } };
}

/** Whether an entry's host field names `host` on `port`. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if ('hashed' in entry.hosts) {
    const { salt, hash } = entry.hosts.hashed;
    return createHmac('sha1', salt).update(name).digest().equals(hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (!matchesPattern(name, negated ? pattern.slice(1) : pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** A hashed host field for `name`, as `ssh-keygen -H` writes it. */
export function hashedHostField(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/** The key type written inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length <= 64 && keyBlob.length >= 4 + length
    ? keyBlob.subarray(4, 4 + length).toString('latin1')
    : 'unknown';
}

/** What a known_hosts text says of a presented key for `host` on `port`. */
export type KnownHostsVerdict = 'trusted' | 'revoked' | 'changed' | 'unknown';

/**
 * The verdict on `keyBlob` from the entries of a known_hosts text: revoked when an @revoked line
 * lists it, trusted when a key line lists it, changed when the host is listed with other keys only.
 * @cert-authority lines are not host keys and are passed over.
 */
export function knownHostsVerdict(
  text: string,
  host: string,
  port: number,
  keyBlob: Buffer,
): KnownHostsVerdict {
  const entries = parseKnownHosts(text, '').filter((e) => e.marker !== 'cert-authority');
  const forHost = entries.filter((e) => entryMatchesHost(e, host, port));
  if (forHost.some((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob))) return 'revoked';
  const keys = forHost.filter((e) => e.marker === null);
  if (keys.some((e) => e.keyBlob.equals(keyBlob))) return 'trusted';
  return keys.length > 0 ? 'changed' : 'unknown';
}
