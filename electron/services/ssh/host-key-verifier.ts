/**
 * Host-key verification for every SSH connection the app makes: the presented key is checked
 * against ~/.ssh/known_hosts and the app's own known_hosts before any credential is sent. An
 * unknown key can be trusted once, and only the exact key that was presented; a changed or
 * revoked key can never be trusted from here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HostKeyProblem } from '../../common/instance-schemas';
import { sshFingerprint } from '../../../runner/node/ssh/ssh-fingerprint';
import {
  entryMatchesHost,
  hashedHostField,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  type KnownHostEntry,
} from '../../../runner/node/ssh/known-hosts';

/** The verdict on one presented key. */
export type HostKeyVerdict = { kind: 'trusted'; knownAt: string } | HostKeyProblem;

/** Which files the verifier reads, and which one it adds trusted keys to. */
export interface HostKeyVerifierOptions {
  /** Read-only files, usually ~/.ssh/known_hosts (missing files are fine). */
  userKnownHosts: readonly string[];
  /** The app's own known_hosts (hashed entries), written when the user trusts a key. */
  appKnownHosts: string;
}

const keyAlgorithms: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const defaultHostKeyAlgorithms = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Verifies presented host keys; remembers unknown ones so the user can trust exactly that key. */
export class HostKeyVerifier {
  private readonly pending = new Map<string, Buffer>();

  constructor(private readonly options: HostKeyVerifierOptions) {}

  /** The verdict on `keyBlob` presented by host:port. */
  verify(host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
    const keyType = keyTypeOf(keyBlob);
    const fingerprint = sshFingerprint(keyBlob);
    const entries = this.entriesFor(host, port).filter((e) => e.marker !== 'cert-authority');
    const at = (list: KnownHostEntry[]) => list.map((e) => `${e.file}:${e.line}`);
    const revoked = entries.filter((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
    if (revoked.length > 0)
      return { kind: 'revoked', host, port, keyType, fingerprint, knownAt: at(revoked) };
    const valid = entries.filter((e) => e.marker === null);
    const same = valid.find((e) => e.keyBlob.equals(keyBlob));
    if (same) return { kind: 'trusted', knownAt: `${same.file}:${same.line}` };
    const sameType = valid.filter((e) => e.keyType === keyType);
    if (sameType.length > 0) {
      const knownFingerprints = sameType.map((e) => sshFingerprint(e.keyBlob));
      return { kind: 'changed', host, port, keyType, fingerprint, knownFingerprints, knownAt: at(sameType) };
    }
    this.pending.set(pendingKey(host, port, fingerprint), Buffer.from(keyBlob));
    return { kind: 'unknown', host, port, keyType, fingerprint };
  }

  /**
   * Trust the key host:port presented with this fingerprint: only a key this verifier saw as
   * unknown, and only while it is still unknown (a key that changed since is refused).
   */
  trustPresented(host: string, port: number, fingerprint: string): void {
    const blob = this.pending.get(pendingKey(host, port, fingerprint));
    if (!blob) throw new Error(`${knownHostsName(host, port)} has not presented a key with ${fingerprint}`);
    const verdict = this.verify(host, port, blob);
    if (verdict.kind === 'trusted') return;
    if (verdict.kind !== 'unknown')
      throw new Error(
        `the key of ${knownHostsName(host, port)} is ${verdict.kind}: it cannot be trusted here`,
      );
    const line = `${hashedHostField(knownHostsName(host, port))} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
    fs.mkdirSync(path.dirname(this.options.appKnownHosts), { recursive: true });
    fs.appendFileSync(this.options.appKnownHosts, line, { mode: 0o600 });
    this.pending.delete(pendingKey(host, port, fingerprint));
  }

  /** Host-key algorithms for ssh2, those of key types already known for the host first (as ssh does). */
  algorithmsFor(host: string, port: number): string[] {
    const known = new Set(
      this.entriesFor(host, port)
        .filter((e) => e.marker === null)
        .map((e) => e.keyType),
    );
    const first = [...known].flatMap((type) => keyAlgorithms[type] ?? [type]);
    const preferred = first.filter((a) => defaultHostKeyAlgorithms.includes(a));
    return [...preferred, ...defaultHostKeyAlgorithms.filter((a) => !preferred.includes(a))];
  }

  private entriesFor(host: string, port: number): KnownHostEntry[] {
    return [...this.options.userKnownHosts, this.options.appKnownHosts]
      .flatMap((file) => parseKnownHosts(readQuietly(file), file))
      .filter((entry) => entryMatchesHost(entry, host, port));
  }
}

function pendingKey(host: string, port: number, fingerprint: string): string {
  return `${knownHostsName(host, port)} ${fingerprint}`;
}

function readQuietly(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
