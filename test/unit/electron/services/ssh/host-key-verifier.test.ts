import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { HostKeyVerifier } from '../../../../../electron/services/ssh/host-key-verifier';
import { hashedHostField } from '../../../../../runner/node/ssh/known-hosts';
import { sshFingerprint } from '../../../../../runner/node/ssh/ssh-fingerprint';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';
import { testKey } from './test-keys';

const [first, second] = [testKey(1), testKey(2)];
let dir: TempDir;
let userFile: string;
let appFile: string;
const verifier = () => new HostKeyVerifier({ userKnownHosts: [userFile], appKnownHosts: appFile });

beforeEach(async () => {
  dir = await makeTempDir('verifier-');
  userFile = path.join(dir.path, 'user_known_hosts');
  appFile = path.join(dir.path, 'app', 'known_hosts');
});
afterEach(async () => {
  await dir.remove();
});

test('a key in the user known_hosts is trusted, with where it was found', async () => {
  await fs.writeFile(userFile, `# mine\n[coin]:2222 ${first.line}\n`);
  expect(verifier().verify('coin', 2222, first.blob)).toEqual({ kind: 'trusted', knownAt: `${userFile}:2` });
});

test('an unknown key can be trusted once, exactly as presented, and is then known to a new verifier', async () => {
  const v = verifier();
  const verdict = v.verify('coin', 22, first.blob);
  expect(verdict).toEqual({
    kind: 'unknown',
    host: 'coin',
    port: 22,
    keyType: 'ssh-ed25519',
    fingerprint: sshFingerprint(first.blob),
  });
  expect(() => v.trustPresented('coin', 22, sshFingerprint(second.blob))).toThrow(
    `coin has not presented a key with ${sshFingerprint(second.blob)}`,
  );
  expect(() => v.trustPresented('other', 22, sshFingerprint(first.blob))).toThrow(/has not presented/);
  v.trustPresented('coin', 22, sshFingerprint(first.blob));
  expect(verifier().verify('coin', 22, first.blob)).toMatchObject({ kind: 'trusted' });
  const stored = await fs.readFile(appFile, 'utf8');
  expect(stored).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 AAAA/);
  expect(stored).not.toContain('coin');
  expect((await fs.stat(appFile)).mode & 0o777).toBe(0o600);
});

test('a changed key is refused with both fingerprints and cannot be trusted', async () => {
  await fs.writeFile(userFile, `${hashedHostField('[coin]:2222')} ${first.line}\n`);
  const v = verifier();
  expect(v.verify('coin', 2222, second.blob)).toEqual({
    kind: 'changed',
    host: 'coin',
    port: 2222,
    keyType: 'ssh-ed25519',
    fingerprint: sshFingerprint(second.blob),
    knownFingerprints: [sshFingerprint(first.blob)],
    knownAt: [`${userFile}:1`],
  });
  expect(() => v.trustPresented('coin', 2222, sshFingerprint(second.blob))).toThrow(/has not presented/);
});

test('a key that changes between the question and the answer is not trusted', async () => {
  const v = verifier();
  v.verify('coin', 22, first.blob);
  await fs.writeFile(userFile, `coin ${second.line}\n`); // another key became known meanwhile
  expect(() => v.trustPresented('coin', 22, sshFingerprint(first.blob))).toThrow(
    'the key of coin is changed: it cannot be trusted here',
  );
});

test('a revoked key is refused even when also listed as valid', async () => {
  await fs.writeFile(userFile, `coin ${first.line}\n@revoked * ${first.line}\n`);
  expect(verifier().verify('coin', 22, first.blob)).toMatchObject({
    kind: 'revoked',
    knownAt: [`${userFile}:2`],
  });
});

test('host key algorithms prefer the types known for the host', async () => {
  await fs.writeFile(userFile, `coin ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n`);
  expect(verifier().algorithmsFor('coin', 22).slice(0, 4)).toEqual([
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
    'ssh-ed25519',
  ]);
  expect(verifier().algorithmsFor('elsewhere', 22)[0]).toBe('ssh-ed25519');
});
