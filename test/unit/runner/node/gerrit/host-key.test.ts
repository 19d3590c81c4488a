import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { fingerprintOf, knownHostsVerdict } from '../../../../../runner/node/gerrit/host-key';

const key = Buffer.from('00000003abc', 'utf8');
const other = Buffer.from('00000003xyz', 'utf8');
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
    expect(fingerprintOf(key)).toMatch(/^SHA256:[A-Za-z0-9+/]+$/);
  });
});
