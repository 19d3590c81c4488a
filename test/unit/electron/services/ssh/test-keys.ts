/** Fixed public host keys for tests (deterministic ed25519 keys from a seed). */
import { createPrivateKey, createPublicKey } from 'node:crypto';

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** An ed25519 public key as an SSH blob and as a known_hosts key field. */
export function testKey(seed: number): { blob: Buffer; line: string } {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const privateKey = createPrivateKey({
    key: Buffer.concat([prefix, Buffer.alloc(32, seed)]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return { blob, line: `ssh-ed25519 ${blob.toString('base64')}` };
}
