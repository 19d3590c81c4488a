import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  entryMatchesHost,
  hashedHostField,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
} from '../../../../../runner/node/ssh/known-hosts';
import { childEnv } from '../../../../../runner/node/child-env';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';
import { testKey } from '../../../electron/services/ssh/test-keys';

const run = promisify(execFile);
const key = testKey(1);

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('known-hosts-');
});
afterEach(async () => {
  await dir.remove();
});

describe('parseKnownHosts', () => {
  test('plain, bracketed, marked and hashed lines; junk is skipped', () => {
    const text = [
      '# comment',
      `coin.example.org,10.0.0.5 ${key.line}`,
      `[coin.example.org]:2222 ${key.line}`,
      `@revoked *.bad.example ${key.line}`,
      `@cert-authority *.example.org ${key.line}`,
      `${hashedHostField('hashed.example')} ${key.line}`,
      'not a key line',
      '',
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    expect(entries.map((e) => [e.line, e.marker, e.keyType])).toEqual([
      [2, null, 'ssh-ed25519'],
      [3, null, 'ssh-ed25519'],
      [4, 'revoked', 'ssh-ed25519'],
      [5, 'cert-authority', 'ssh-ed25519'],
      [6, null, 'ssh-ed25519'],
    ]);
    expect(entries[0]!.keyBlob.equals(key.blob)).toBe(true);
  });

  test('host matching: port 22 plain, other ports bracketed, wildcards, negation, hashes', () => {
    const [plain, bracketed, wildcard, hashed] = parseKnownHosts(
      [
        `coin.example.org ${key.line}`,
        `[coin.example.org]:2222 ${key.line}`,
        `*.example.org,!secret.example.org ${key.line}`,
        `${hashedHostField('[127.0.0.1]:2022')} ${key.line}`,
      ].join('\n'),
      'kh',
    );
    expect(entryMatchesHost(plain!, 'coin.example.org', 22)).toBe(true);
    expect(entryMatchesHost(plain!, 'coin.example.org', 2222)).toBe(false);
    expect(entryMatchesHost(bracketed!, 'coin.example.org', 2222)).toBe(true);
    expect(entryMatchesHost(wildcard!, 'a.example.org', 22)).toBe(true);
    expect(entryMatchesHost(wildcard!, 'secret.example.org', 22)).toBe(false);
    expect(entryMatchesHost(hashed!, '127.0.0.1', 2022)).toBe(true);
    expect(entryMatchesHost(hashed!, '127.0.0.1', 22)).toBe(false);
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2022)).toBe('[h]:2022');
  });

  test('entries hashed by ssh-keygen -H are found, and ssh-keygen -F finds ours', async () => {
    const file = path.join(dir.path, 'known_hosts');
    await fs.writeFile(file, `[127.0.0.1]:2022 ${key.line}\ncoin.example.org ${key.line}\n`);
    await run('ssh-keygen', ['-H', '-f', file], { env: childEnv() });
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('127.0.0.1');
    const entries = parseKnownHosts(text, file);
    expect(entries.every((e) => 'hashed' in e.hosts)).toBe(true);
    expect(entries.filter((e) => entryMatchesHost(e, '127.0.0.1', 2022))).toHaveLength(1);
    expect(entries.filter((e) => entryMatchesHost(e, 'coin.example.org', 22))).toHaveLength(1);

    const ours = path.join(dir.path, 'ours');
    await fs.writeFile(ours, `${hashedHostField('[coin.example.org]:2200')} ${key.line}\n`);
    const found = await run('ssh-keygen', ['-F', '[coin.example.org]:2200', '-f', ours], { env: childEnv() });
    expect(found.stdout).toContain('found: line 1');
  });

  test('keyTypeOf reads the blob', () => {
    expect(keyTypeOf(key.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('unknown');
  });
});
