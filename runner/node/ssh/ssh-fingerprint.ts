// SSH host key fingerprints in the form OpenSSH prints them (ssh-keygen -l, known_hosts prompts).
import { createHash } from 'node:crypto';

/** 'SHA256:<base64 of sha256(key blob), no padding>' for a raw SSH public key blob. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}
