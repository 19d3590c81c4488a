// A jump host with its own credentials, against two real OpenSSH servers on loopback: the jump
// host accepts only its own client key, the target only its own. The jump host's user, port and
// key come from the profile, else from ~/.ssh/config for the jump alias, else the target's key.
// Its host key is verified like the target's (unknown: asked once; changed: a hard stop) before
// any credential is sent to it, and before the target is contacted at all.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import type { JumpHost, SshProfile } from '../../../electron/common/instance-schemas';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import { sshFingerprint } from '../../../runner/node/ssh/ssh-fingerprint';
import { childEnv } from '../../../runner/node/child-env';
import { sleep } from '../../helpers/process-tree';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { testKey } from '../../unit/electron/services/ssh/test-keys';
import { dropAllConnections, sshdProfile } from './ssh-fixture';

const execFileAsync = promisify(execFile);

let jumpSshd: SshdHandle;
let target: SshdHandle;
let data: TempDir;
let sshDir: string;
let services: InstanceServices;

beforeAll(async () => {
  [jumpSshd, target] = await Promise.all([startSshd(), startSshd()]);
});
afterAll(async () => {
  await Promise.all([jumpSshd?.stop(), target?.stop()]);
});
beforeEach(async () => {
  data = await makeTempDir('jump-data-');
  sshDir = path.join(data.path, 'ssh');
  await fs.mkdir(sshDir);
  services = createInstanceServices({ dataDir: data.path, sshDir });
});
afterEach(async () => {
  await services.closeAll();
  await data.remove();
});

async function know(...servers: SshdHandle[]): Promise<void> {
  const lines = servers.map((s) => `[${s.host}]:${s.port} ${s.hostPublicKey}\n`).join('');
  await fs.appendFile(path.join(sshDir, 'known_hosts'), lines);
}

async function fingerprintOf(keyFile: string): Promise<string> {
  const blob = (await fs.readFile(`${keyFile}.pub`, 'utf8')).split(' ')[1] ?? '';
  return sshFingerprint(Buffer.from(blob, 'base64'));
}

/** What a server logged from now on. */
function logFrom(server: SshdHandle): () => string {
  const start = server.log().length;
  return () => server.log().slice(start);
}

async function saveProfile(jump: Partial<JumpHost> & { host: string }, extra: Partial<SshProfile> = {}) {
  const { id: _id, ...input } = sshdProfile(target, {
    jump: { port: null, user: null, auth: null, ...jump },
    workingDir: data.path,
    ...extra,
  });
  return services.api.profilesSave({ profile: input });
}

async function waitFor(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 400) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const authLines = /Accepted publickey|Failed publickey|Postponed publickey|userauth/i;

test("the jump host's own user, port and key from the profile; the target's key never reaches it", async () => {
  await know(jumpSshd, target);
  const [jumpLog, targetLog] = [logFrom(jumpSshd), logFrom(target)];
  const profile = await saveProfile({
    host: jumpSshd.host,
    port: jumpSshd.port,
    user: jumpSshd.username,
    auth: { method: 'key', keyFile: jumpSshd.clientKeyPath },
  });
  const status = await services.api.instanceStatus({ profileId: profile.id });
  expect(status.connection).toMatchObject({ state: 'connected', error: null });
  expect(status.disk?.freeBytes).toBeGreaterThan(0); // `df` ran on the target, through the jump host

  const [jumpKey, targetKey] = await Promise.all([
    fingerprintOf(jumpSshd.clientKeyPath),
    fingerprintOf(target.clientKeyPath),
  ]);
  await waitFor('both logins logged', () =>
    [jumpLog(), targetLog()].every((log) => log.includes('Accepted publickey')),
  );
  expect(jumpLog()).toContain(jumpKey);
  expect(jumpLog()).not.toContain(targetKey);
  expect(targetLog()).toContain(targetKey);
  expect(targetLog()).not.toContain(jumpKey);
  expect(targetLog()).toContain('Connection from'); // what the tests below look for
});

test('from ~/.ssh/config: HostName, Port, User and IdentityFile of the jump alias', async () => {
  await know(jumpSshd, target);
  await fs.writeFile(
    path.join(sshDir, 'config'),
    [
      'Host jumpbox',
      `  HostName ${jumpSshd.host}`,
      `  Port ${jumpSshd.port}`,
      `  User ${jumpSshd.username}`,
      `  IdentityFile ${jumpSshd.clientKeyPath}`,
      '',
    ].join('\n'),
  );
  const profile = await saveProfile({ host: 'jumpbox' });
  expect(profile.kind === 'ssh' && profile.jump).toEqual({
    host: 'jumpbox',
    port: null,
    user: null,
    auth: null,
  });
  const status = await services.api.instanceStatus({ profileId: profile.id });
  expect(status.connection).toMatchObject({ state: 'connected', error: null });
});

test("neither the profile nor ~/.ssh/config names a key: the target's, which this jump host refuses until told", async () => {
  await know(jumpSshd, target);
  const targetLog = logFrom(target);
  const profile = await saveProfile({ host: jumpSshd.host, port: jumpSshd.port, user: jumpSshd.username });
  const refused = await services.api.instanceStatus({ profileId: profile.id });
  expect(refused.connection.state).toBe('failed');
  expect(refused.connection.error).toContain(
    `${jumpSshd.username}@[${jumpSshd.host}]:${jumpSshd.port} refused the credentials`,
  );
  expect(targetLog()).not.toContain('Connection from'); // it stopped at the jump host

  const authorized = await fs.readFile(jumpSshd.authorizedKeysPath, 'utf8');
  await fs.appendFile(jumpSshd.authorizedKeysPath, await fs.readFile(`${target.clientKeyPath}.pub`, 'utf8'));
  try {
    const status = await services.api.instanceStatus({ profileId: profile.id });
    expect(status.connection).toMatchObject({ state: 'connected', error: null });
  } finally {
    await fs.writeFile(jumpSshd.authorizedKeysPath, authorized);
  }
});

test("an unknown jump host key stops before any credential is sent to it and before the target is contacted; trusted once, then the target's", async () => {
  const [jumpLog, targetLog] = [logFrom(jumpSshd), logFrom(target)];
  const profile = await saveProfile({
    host: jumpSshd.host,
    port: jumpSshd.port,
    user: jumpSshd.username,
    auth: { method: 'key', keyFile: jumpSshd.clientKeyPath },
  });
  const api = services.api;
  const unknownJump = (await api.instanceStatus({ profileId: profile.id })).connection;
  expect(unknownJump).toMatchObject({
    state: 'failed',
    hostKey: {
      kind: 'unknown',
      host: jumpSshd.host,
      port: jumpSshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: jumpSshd.hostKeyFingerprint,
    },
  });
  await waitFor('the jump host to log the end of the attempt', () => jumpLog().includes('[preauth]'));
  expect(jumpLog()).not.toMatch(authLines);
  expect(targetLog()).not.toContain('Connection from');

  await api.sshTrustHostKey({ profileId: profile.id, fingerprint: jumpSshd.hostKeyFingerprint });
  const unknownTarget = (await api.instanceStatus({ profileId: profile.id })).connection;
  expect(unknownTarget).toMatchObject({
    state: 'failed',
    hostKey: { kind: 'unknown', port: target.port, fingerprint: target.hostKeyFingerprint },
  });
  await waitFor('the jump host login logged', () => jumpLog().includes('Accepted publickey'));
  expect(targetLog()).not.toMatch(authLines);

  await api.sshTrustHostKey({ profileId: profile.id, fingerprint: target.hostKeyFingerprint });
  expect((await api.instanceStatus({ profileId: profile.id })).connection.state).toBe('connected');
  // Trusted in the app's own known_hosts, hashed.
  const appKnown = await fs.readFile(path.join(data.path, 'known_hosts'), 'utf8');
  expect(appKnown.trim().split('\n')).toHaveLength(2);
  expect(appKnown).not.toContain(`${jumpSshd.port}`);
});

test('a changed jump host key is a hard stop: no credential sent, the target never contacted, not trustable', async () => {
  const old = testKey(5);
  await fs.writeFile(
    path.join(sshDir, 'known_hosts'),
    `[${jumpSshd.host}]:${jumpSshd.port} ${old.line}\n[${target.host}]:${target.port} ${target.hostPublicKey}\n`,
  );
  const [jumpLog, targetLog] = [logFrom(jumpSshd), logFrom(target)];
  const profile = await saveProfile({
    host: jumpSshd.host,
    port: jumpSshd.port,
    user: jumpSshd.username,
    auth: { method: 'key', keyFile: jumpSshd.clientKeyPath },
  });
  const connection = (await services.api.instanceStatus({ profileId: profile.id })).connection;
  expect(connection).toMatchObject({
    state: 'failed',
    hostKey: {
      kind: 'changed',
      port: jumpSshd.port,
      fingerprint: jumpSshd.hostKeyFingerprint,
      knownFingerprints: [sshFingerprint(old.blob)],
    },
  });
  expect(connection.error).toContain('has CHANGED');
  await expect(
    services.api.sshTrustHostKey({ profileId: profile.id, fingerprint: jumpSshd.hostKeyFingerprint }),
  ).rejects.toThrow(/never can/);
  // Not retried on its own either.
  expect((await services.api.instanceStatus({ profileId: profile.id })).connection.hostKey?.kind).toBe(
    'changed',
  );
  await waitFor('the jump host to log the end of the attempts', () => jumpLog().includes('[preauth]'));
  expect(jumpLog()).not.toMatch(authLines);
  expect(targetLog()).not.toContain('Connection from');
});

test('a passphrase-protected jump host key: asked for that file, then kept across a drop of the jump host', async () => {
  await know(jumpSshd, target);
  const keyFile = path.join(data.path, 'jump-locked');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'jump secret', '-f', keyFile], {
    env: childEnv(),
  });
  await fs.appendFile(jumpSshd.authorizedKeysPath, await fs.readFile(`${keyFile}.pub`, 'utf8'));
  const profile = await saveProfile({
    host: jumpSshd.host,
    port: jumpSshd.port,
    user: jumpSshd.username,
    auth: { method: 'key', keyFile },
  });
  const api = services.api;
  expect((await api.instanceStatus({ profileId: profile.id })).connection.keyPassphrase).toEqual({
    keyFile,
    problem: 'needed',
  });
  const unlocked = await api.sshUnlockKey({ profileId: profile.id, passphrase: 'jump secret' });
  expect(unlocked.connection.state).toBe('connected');

  const jumpLog = logFrom(jumpSshd);
  expect(await dropAllConnections(jumpSshd)).toBeGreaterThan(0);
  await waitFor('a new login on the jump host', () => jumpLog().includes('Accepted publickey'));
  const status = await api.instanceStatus({ profileId: profile.id });
  expect(status.connection).toMatchObject({ state: 'connected', error: null });
});
