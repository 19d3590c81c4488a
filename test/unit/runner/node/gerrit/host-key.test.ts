import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { knownHostsVerdict } from '../../../../../runner/node/ssh/known-hosts';
import { sshFingerprint as fingerprintOf } from '../../../../../runner/node/ssh/ssh-fingerprint';

/** A public key blob as SSH writes it: its type as the first string, then the key bytes. */
function blob(type: string, body: string): Buffer {
  const name = Buffer.from(type, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, Buffer.from(body)]);
}
const key = blob('ssh-ed25519', 'abc');
const other = blob('ssh-ed25519', 'xyz');
const b64 = (b: Buffer) => b.toString('base64');

describe('known_hosts verdicts', () => {
  test('plain, bracketed port, wildcard, hashed, revoked, changed', () => {
    expect(knownHostsVerdict(`gerrit ssh-ed25519 ${b64(key)}`, 'gerrit', 22, key)).toBe('trusted');
    expect(knownHostsVerdict(`gerrit ssh-ed25519 ${b64(key)}`, 'gerrit', 29418, key)).toBe('unknown');
    expect(knownHostsVerdict(`[gerrit]:29418 ssh-ed25519 ${b64(key)}`, 'gerrit', 29418, key)).toBe('trusted');
    expect(knownHostsVerdict(`[ger*]:29418,!x ssh-ed25519 ${b64(key)}`, 'gerrit', 29418, key)).toBe(
      'trusted',
    );
    const salt = Buffer.from('salt');
    const hash = createHmac('sha1', salt).update('[gerrit]:29418').digest('base64');
    expect(knownHostsVerdict(`|1|${b64(salt)}|${hash} ssh-ed25519 ${b64(key)}`, 'gerrit', 29418, key)).toBe(
      'trusted',
    );
    expect(knownHostsVerdict(`gerrit ssh-ed25519 ${b64(other)}`, 'gerrit', 22, key)).toBe('changed');
    expect(
      knownHostsVerdict(
        `@revoked gerrit ssh-ed25519 ${b64(key)}\ngerrit ssh-ed25519 ${b64(key)}`,
        'gerrit',
        22,
        key,
      ),
    ).toBe('revoked');
    // A line whose key does not carry the type it states is not a key line (ssh skips it too).
    expect(knownHostsVerdict(`gerrit ssh-rsa ${b64(key)}`, 'gerrit', 22, key)).toBe('unknown');
    expect(fingerprintOf(key)).toMatch(/^SHA256:[A-Za-z0-9+/]+$/);
  });
});
