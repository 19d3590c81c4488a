// The passphrase of a key file is kept in memory only: never in profiles.json, nor anywhere else
// in the app's data directory.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parseDeskInput } from '../../../../../electron/common/desk-api';
import { createInstanceServices } from '../../../../../electron/services/instances/instance-services';
import { checkKeyPassphrase, KeyPassphraseError } from '../../../../../electron/services/ssh/key-passphrase';
import { childEnv } from '../../../../../runner/node/child-env';
import { freeLoopbackPort } from '../../../../helpers/free-port';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

const execFileAsync = promisify(execFile);
const passphrase = 'correct horse battery staple';

let dir: TempDir;
let keyFile: string;
beforeEach(async () => {
  dir = await makeTempDir('key-passphrase-');
  keyFile = path.join(dir.path, 'id_ed25519');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', keyFile], {
    env: childEnv(),
  });
});
afterEach(async () => {
  await dir.remove();
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

test('checkKeyPassphrase tells a missing passphrase from a wrong one', async () => {
  const key = await fs.readFile(keyFile);
  expect(() => checkKeyPassphrase(keyFile, key)).toThrow(new KeyPassphraseError(keyFile, 'needed'));
  expect(() => checkKeyPassphrase(keyFile, key, 'nope')).toThrow(`the passphrase for ${keyFile} is wrong`);
  expect(() => checkKeyPassphrase(keyFile, key, passphrase)).not.toThrow();
});

test('the passphrase never appears in the saved profile JSON or the data directory', async () => {
  const dataDir = path.join(dir.path, 'data');
  const services = createInstanceServices({ dataDir, sshDir: path.join(dir.path, 'ssh') });
  try {
    const api = services.api;
    const port = await freeLoopbackPort(); // nothing listens: the connect after the unlock fails fast
    const input = {
      name: 'locked key',
      kind: 'ssh' as const,
      host: '127.0.0.1',
      port,
      user: 'coin',
      auth: { method: 'key' as const, keyFile },
      jump: null,
      coinDir: '/opt/coin',
      workingDir: '/srv/coin',
      instanceKind: 'private' as const,
      serviceManager: 'coin-service' as const,
      instancePort: 0,
    };
    const profile = await api.profilesSave({ profile: input });
    // A passphrase cannot ride along in a profile.
    expect(() =>
      parseDeskInput('profilesSave', { profile: { ...input, auth: { ...input.auth, passphrase } } }),
    ).toThrow();

    await expect(api.sshUnlockKey({ profileId: profile.id, passphrase: 'wrong' })).rejects.toThrow(
      `the passphrase for ${keyFile} is wrong`,
    );
    const unlocked = await api.sshUnlockKey({ profileId: profile.id, passphrase });
    expect(unlocked.connection.state).toBe('failed'); // the key opened; nothing listens there
    expect(unlocked.connection.keyPassphrase ?? null).toBeNull();
    expect(JSON.stringify(unlocked)).not.toContain(passphrase);
    await api.profilesSave({ profile: { ...profile, instancePort: 8080 } });

    const saved = await fs.readFile(path.join(dataDir, 'profiles.json'), 'utf8');
    expect(JSON.parse(saved)).toBeTruthy();
    expect(saved).not.toContain(passphrase);
    expect(JSON.stringify(await api.profilesList({}))).not.toContain(passphrase);
    for (const file of await filesUnder(dataDir))
      expect(await fs.readFile(file, 'utf8'), file).not.toContain(passphrase);
  } finally {
    await services.closeAll();
  }
});
