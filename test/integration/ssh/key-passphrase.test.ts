// A profile whose key file is protected by a passphrase, against the real OpenSSH server: no
// passphrase and a wrong one fail with errors the UI recognises; the right one connects and runs
// commands, and is forgotten when the profile is disconnected.
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
import { childEnv } from '../../../runner/node/child-env';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { knowSshd, makeVerifier, sshdProfile, verifierFiles } from './ssh-fixture';

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

test('the profile connection with the passphrase runs a command; without it, or wrong, it fails distinctly', async () => {
  const files = verifierFiles(data.path);
  await knowSshd(sshd, files);
  const profile = sshdProfile(sshd, { auth: { method: 'key', keyFile } });
  const run = async (given: string | undefined) => {
    const connection = connectionForProfile(profile, makeVerifier(files), {}, () => given);
    const host = new SshHost(connection, 'test sshd');
    try {
      return await host.run(['echo', 'unlocked']);
    } finally {
      await host.close();
    }
  };
  await expect(run(undefined)).rejects.toMatchObject({ problem: 'needed', keyFile });
  await expect(run('wrong')).rejects.toMatchObject({ problem: 'wrong', keyFile });
  expect(await run(passphrase)).toMatchObject({ code: 0, stdout: 'unlocked\n' });
});
