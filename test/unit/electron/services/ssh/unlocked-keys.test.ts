// Unlocked keys: kept decrypted per profile while the key file is unchanged; a changed file (time,
// size or content), a path the profile no longer uses, a deleted profile: asked again.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ParsedKey } from 'ssh2';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { KeyPassphraseError } from '../../../../../electron/services/ssh/key-passphrase';
import { UnlockedKeys } from '../../../../../electron/services/ssh/unlocked-keys';
import { childEnv } from '../../../../../runner/node/child-env';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

const execFileAsync = promisify(execFile);
const passphrase = 'open sesame';

let dir: TempDir;
let locked: string;
let plain: string;
beforeEach(async () => {
  dir = await makeTempDir('unlocked-keys-');
  locked = path.join(dir.path, 'locked');
  plain = path.join(dir.path, 'plain');
  const keygen = (file: string, phrase: string) =>
    execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', phrase, '-f', file], { env: childEnv() });
  await Promise.all([keygen(locked, passphrase), keygen(plain, '')]);
});
afterEach(async () => {
  await dir.remove();
});

// ssh-keygen with a passphrase runs bcrypt rounds (about a second each key here, more on a busy machine).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const needed = (keyFile: string) => new KeyPassphraseError(keyFile, 'needed');

test('a key without a passphrase is its file; a locked one is needed until unlocked, then kept', async () => {
  const keys = new UnlockedKeys();
  expect(await keys.privateKey('p', plain)).toEqual(await fs.readFile(plain));
  await keys.unlock('p', plain, 'anything'); // nothing to keep
  expect(keys.holds('p', plain)).toBe(false);

  await expect(keys.privateKey('p', locked)).rejects.toThrow(needed(locked));
  await expect(keys.unlock('p', locked, 'wrong')).rejects.toMatchObject({
    problem: 'wrong',
    keyFile: locked,
  });
  expect(keys.holds('p', locked)).toBe(false);
  await keys.unlock('p', locked, passphrase);
  const key = (await keys.privateKey('p', locked)) as ParsedKey;
  expect(key.isPrivateKey()).toBe(true);
  expect(await keys.privateKey('p', locked)).toBe(key); // again and again without asking
  // The public half is the file's: it is the same key, decrypted.
  const pub = (await fs.readFile(`${locked}.pub`, 'utf8')).split(' ')[1];
  expect(key.getPublicSSH().toString('base64')).toBe(pub);
  // Per profile: another profile using the same file has not unlocked it.
  await expect(keys.privateKey('other', locked)).rejects.toThrow(needed(locked));
});

test('a key file touched, rewritten or replaced is asked for again, and its key forgotten', async () => {
  const keys = new UnlockedKeys();
  await keys.unlock('p', locked, passphrase);
  const later = new Date(Date.now() + 60_000);
  await fs.utimes(locked, later, later); // same content, new modification time
  await expect(keys.privateKey('p', locked)).rejects.toThrow(needed(locked));
  expect(keys.holds('p', locked)).toBe(false);

  await keys.unlock('p', locked, passphrase);
  await execFileAsync('ssh-keygen', ['-q', '-p', '-P', passphrase, '-N', 'new one', '-f', locked], {
    env: childEnv(),
  });
  await expect(keys.privateKey('p', locked)).rejects.toThrow(needed(locked));
  await expect(keys.unlock('p', locked, passphrase)).rejects.toMatchObject({ problem: 'wrong' });
  const whole = new Date(Math.floor(Date.now() / 1000) * 1000); // a time utimes can set exactly
  await fs.utimes(locked, whole, whole);
  await keys.unlock('p', locked, 'new one');
  expect(await keys.privateKey('p', locked)).toBeTruthy();

  // Same size and time, other content (a different key put in its place with its times kept).
  const stat = await fs.stat(locked);
  const other = path.join(dir.path, 'other');
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'new one', '-f', other], {
    env: childEnv(),
  });
  const replacement = await fs.readFile(other);
  expect(replacement.length).toBe(stat.size);
  await fs.writeFile(locked, replacement);
  await fs.utimes(locked, whole, whole);
  expect((await fs.stat(locked)).mtimeMs).toBe(stat.mtimeMs);
  await expect(keys.privateKey('p', locked)).rejects.toThrow(needed(locked));

  await fs.rm(locked);
  await expect(keys.privateKey('p', locked)).rejects.toThrow(`cannot read the key file ${locked}`);
});

test('retain forgets the files a profile no longer uses; forget and clear forget everything', async () => {
  const keys = new UnlockedKeys();
  const copy = path.join(dir.path, 'copy');
  await fs.copyFile(locked, copy);
  await keys.unlock('p', locked, passphrase);
  await keys.unlock('p', copy, passphrase);
  await keys.unlock('q', locked, passphrase);
  keys.retain('p', [copy]);
  expect([keys.holds('p', locked), keys.holds('p', copy), keys.holds('q', locked)]).toEqual([
    false,
    true,
    true,
  ]);
  keys.forget('p');
  expect([keys.holds('p', copy), keys.holds('q', locked)]).toEqual([false, true]);
  keys.clear();
  expect(keys.holds('q', locked)).toBe(false);
});
