// A profile whose key file is protected by a passphrase, against the real OpenSSH server: no
// passphrase and a wrong one fail with errors the UI recognises; the right one connects and runs
// commands, and is kept (decrypted, in memory) across dropped connections, saves and new sessions
// of the profile; it is forgotten when the profile is disconnected or deleted, when the profile's
// key file path changes, and when the key file changes on disk.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  createInstanceServices,
  type InstanceServices,
} from '../../../electron/services/instances/instance-services';
import { SshHost } from '../../../electron/services/host/ssh-host';
import { KeyPassphraseError } from '../../../electron/services/ssh/key-passphrase';
import { connectionForProfile } from '../../../electron/services/ssh/profile-connection';
import { UnlockedKeys } from '../../../electron/services/ssh/unlocked-keys';
import { childEnv } from '../../../runner/node/child-env';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { sleep } from '../../helpers/process-tree';
import { dropAllConnections, knowSshd, makeVerifier, sshdProfile, verifierFiles } from './ssh-fixture';

const execFileAsync = promisify(execFile);
const passphrase = 'secret';

let sshd: SshdHandle;
let keys: TempDir;
let keyFile: string;
let data: TempDir;
let services: InstanceServices;

beforeAll(async () => {
  sshd = await startSshd();
  keys = await makeTempDir('enc-key-');
  keyFile = path.join(keys.path, 'key');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', keyFile], {
    env: childEnv(),
  });
  await fs.appendFile(sshd.authorizedKeysPath, await fs.readFile(`${keyFile}.pub`, 'utf8'));
});
afterAll(async () => {
  await sshd?.stop();
  await keys?.remove();
});
beforeEach(async () => {
  data = await makeTempDir('desk-data-');
  const sshDir = path.join(data.path, 'ssh');
  await fs.mkdir(sshDir);
  await knowSshd(sshd, { userKnownHosts: path.join(sshDir, 'known_hosts'), appKnownHosts: '' });
  services = createInstanceServices({ dataDir: data.path, sshDir });
});
afterEach(async () => {
  await services.closeAll();
  await data.remove();
});

function encryptedKeyProfile() {
  const { id: _id, ...input } = sshdProfile(sshd, {
    auth: { method: 'key', keyFile },
    workingDir: data.path,
  });
  return input;
}

test('no passphrase: the key file is protected by a passphrase; wrong: it is wrong; right: connected', async () => {
  const api = services.api;
  const profile = await api.profilesSave({ profile: encryptedKeyProfile() });

  const locked = await api.instanceStatus({ profileId: profile.id });
  expect(locked.connection).toMatchObject({
    state: 'failed',
    keyPassphrase: { keyFile, problem: 'needed' },
    error: `the key file ${keyFile} is protected by a passphrase: enter it to connect`,
  });
  // Not retried on its own: it stays failed until the passphrase is given.
  expect((await api.instanceStatus({ profileId: profile.id })).connection.state).toBe('failed');

  const wrong = api.sshUnlockKey({ profileId: profile.id, passphrase: 'not the secret' });
  await expect(wrong).rejects.toBeInstanceOf(KeyPassphraseError);
  await expect(wrong).rejects.toMatchObject({
    code: 'failed',
    problem: 'wrong',
    message: `the passphrase for ${keyFile} is wrong`,
  });
  expect((await api.instanceStatus({ profileId: profile.id })).connection.keyPassphrase).toMatchObject({
    problem: 'needed',
  });

  const unlocked = await api.sshUnlockKey({ profileId: profile.id, passphrase });
  expect(unlocked.connection).toMatchObject({ state: 'connected', error: null });
  const status = await api.instanceStatus({ profileId: profile.id });
  expect(status.connection.state).toBe('connected');
  expect(status.disk?.freeBytes).toBeGreaterThan(0); // `df` ran on the server
  expect(status.problems.filter((p) => p.startsWith('disk'))).toEqual([]);

  // Disconnecting forgets the passphrase.
  await api.instanceDisconnect({ profileId: profile.id });
  expect((await api.instanceStatus({ profileId: profile.id })).connection.keyPassphrase).toMatchObject({
    problem: 'needed',
  });
});

test('the profile connection with the unlocked key runs a command; locked, it fails before connecting', async () => {
  const files = verifierFiles(data.path);
  await knowSshd(sshd, files);
  const profile = sshdProfile(sshd, { auth: { method: 'key', keyFile } });
  const keys = new UnlockedKeys();
  const run = async () => {
    const connection = connectionForProfile(profile, { verifier: makeVerifier(files), keys });
    const host = new SshHost(connection, 'test sshd');
    try {
      return await host.run(['echo', 'unlocked']);
    } finally {
      await host.close();
    }
  };
  await expect(run()).rejects.toMatchObject({ problem: 'needed', keyFile });
  await expect(keys.unlock(profile.id, keyFile, 'wrong')).rejects.toMatchObject({
    problem: 'wrong',
    keyFile,
  });
  await expect(run()).rejects.toMatchObject({ problem: 'needed', keyFile });
  await keys.unlock(profile.id, keyFile, passphrase);
  expect(await run()).toMatchObject({ code: 0, stdout: 'unlocked\n' });
  expect(await run()).toMatchObject({ code: 0, stdout: 'unlocked\n' }); // a new connection, no passphrase
});

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

test('unlocked once: reconnects after drops, saves and new sessions without asking; a changed key file or path asks again', async () => {
  const api = services.api;
  // This test's own copy of the key, as it rewrites it.
  const ownKey = path.join(data.path, 'own-key');
  await fs.copyFile(keyFile, ownKey);
  const input = { ...encryptedKeyProfile(), auth: { method: 'key' as const, keyFile: ownKey } };
  const profile = await api.profilesSave({ profile: input });
  if (profile.kind !== 'ssh') throw new Error('saved as another kind');
  const status = () => api.instanceStatus({ profileId: profile.id });
  const logins = () => sshd.log().split('Accepted publickey').length - 1;
  expect((await status()).connection.keyPassphrase).toMatchObject({ keyFile: ownKey, problem: 'needed' });
  expect((await api.sshUnlockKey({ profileId: profile.id, passphrase })).connection.state).toBe('connected');
  const first = logins();

  // The server drops the connection: the app reconnects by itself, with the key it kept.
  expect(await dropAllConnections(sshd)).toBeGreaterThan(0);
  await until(
    'a second login',
    async () => logins(),
    (n) => n > first,
  );
  const afterDrop = await status();
  expect(afterDrop.connection).toMatchObject({ state: 'connected', error: null });
  expect(afterDrop.disk?.freeBytes).toBeGreaterThan(0);

  // Saving an edit closes the session; the next one still has the key.
  await api.profilesSave({ profile: { ...profile, instancePort: 8081 } });
  expect((await status()).connection).toMatchObject({ state: 'connected', error: null });
  expect(logins()).toBeGreaterThan(first + 1);

  // The key file changes on disk (a new passphrase): the next reconnect asks again.
  await execFileAsync('ssh-keygen', ['-q', '-p', '-P', passphrase, '-N', 'changed', '-f', ownKey], {
    env: childEnv(),
  });
  await dropAllConnections(sshd);
  const asked = await until(
    'the passphrase asked for again',
    async () => (await status()).connection,
    (c) => c.state === 'failed',
  );
  expect(asked.keyPassphrase).toEqual({ keyFile: ownKey, problem: 'needed' });
  await expect(api.sshUnlockKey({ profileId: profile.id, passphrase })).rejects.toMatchObject({
    problem: 'wrong',
  });
  expect((await api.sshUnlockKey({ profileId: profile.id, passphrase: 'changed' })).connection.state).toBe(
    'connected',
  );

  // The profile's key file path changes (to a copy of the same key): asked again.
  const copy = path.join(data.path, 'copy-of-key');
  await fs.copyFile(ownKey, copy);
  await api.profilesSave({ profile: { ...profile, auth: { method: 'key', keyFile: copy } } });
  expect((await status()).connection.keyPassphrase).toEqual({ keyFile: copy, problem: 'needed' });
  // ... and back: the first path was forgotten when it stopped being used.
  await api.profilesSave({ profile: { ...profile, auth: { method: 'key', keyFile: ownKey } } });
  expect((await status()).connection.keyPassphrase).toEqual({ keyFile: ownKey, problem: 'needed' });

  // Deleted, then made again under the same name (so the same id): asked again.
  expect((await api.sshUnlockKey({ profileId: profile.id, passphrase: 'changed' })).connection.state).toBe(
    'connected',
  );
  await api.profilesDelete({ id: profile.id });
  const again = await api.profilesSave({ profile: input });
  expect(again.id).toBe(profile.id);
  expect((await status()).connection.keyPassphrase).toEqual({ keyFile: ownKey, problem: 'needed' });
});
