import fs from 'node:fs/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ProfileInput } from '../../../../../electron/common/instance-schemas';
import { ProfileStore, profilesFile, slugOf } from '../../../../../electron/services/profiles/profile-store';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

let dir: TempDir;
let store: ProfileStore;
beforeEach(async () => {
  dir = await makeTempDir('profiles-');
  store = new ProfileStore(profilesFile(dir.path));
});
afterEach(async () => {
  await dir.remove();
});

const production: ProfileInput = {
  name: 'Production master',
  kind: 'ssh',
  host: 'coin.example.org',
  port: 22,
  user: 'vmbuilder',
  auth: { method: 'agent' },
  jump: { host: 'bastion', port: 2200, user: 'admin' },
  coinDir: '/home/vmbuilder/coin',
  workingDir: '/home/vmbuilder/ci-working-dir',
  instanceKind: 'real',
  serviceManager: 'auto',
  instancePort: 8080,
};

test('no file: no profiles', async () => {
  expect(await store.list()).toEqual([]);
});

test('save gives a new profile an id from its name, and keeps it across stores', async () => {
  const saved = await store.save(production);
  expect(saved.id).toBe('production-master');
  const local = await store.save({
    name: 'Laptop',
    kind: 'local',
    coinDir: '',
    workingDir: '/tmp/w',
    instanceKind: 'local',
    serviceManager: 'coin-service',
    instancePort: 8080,
  });
  const again = new ProfileStore(profilesFile(dir.path));
  expect(await again.list()).toEqual([local, saved]);
  expect((await fs.stat(profilesFile(dir.path))).mode & 0o777).toBe(0o600);
});

test('saving with an id replaces; names stay unique; ids too', async () => {
  const saved = await store.save(production);
  if (saved.kind !== 'ssh') throw new Error('saved as another kind');
  await store.save({ ...saved, port: 2222 });
  expect(await store.get(saved.id)).toMatchObject({ port: 2222 });
  await expect(store.save(production)).rejects.toThrow("a profile named 'Production master' exists already");
  const other = await store.save({ ...production, name: 'production  master!' });
  expect(other.id).toBe('production-master-2');
});

test('concurrent saves keep both profiles', async () => {
  await Promise.all([store.save(production), store.save({ ...production, name: 'Second' })]);
  expect((await store.list()).map((p) => p.id)).toEqual(['production-master', 'second']);
});

test('delete and get', async () => {
  const saved = await store.save(production);
  expect(await store.delete(saved.id)).toBe(true);
  expect(await store.delete(saved.id)).toBe(false);
  await expect(store.get(saved.id)).rejects.toThrow("no connection profile 'production-master'");
});

test('a damaged file is reported, not replaced', async () => {
  await fs.writeFile(profilesFile(dir.path), '{"version":1,');
  await expect(store.list()).rejects.toThrow(/profiles\.json is not valid JSON .*: fix or remove it/);
  await expect(store.save(production)).rejects.toThrow(/not valid JSON/);
  expect(await fs.readFile(profilesFile(dir.path), 'utf8')).toBe('{"version":1,');
});

test('slugOf', () => {
  expect(slugOf('  Coin (real) — Oslo ')).toBe('coin-real-oslo');
  expect(slugOf('!!!')).toBe('profile');
});

test('a file saved before the jump host had its own credentials loads them unset, and saves them', async () => {
  const { jump: _jump, ...rest } = { ...production, id: 'production-master' };
  const old = { ...rest, jump: { host: 'bastion', port: 2200, user: 'admin' } };
  await fs.writeFile(profilesFile(dir.path), JSON.stringify({ version: 1, profiles: [old] }));
  const [loaded] = await store.list();
  expect(loaded).toEqual({ ...old, jump: { host: 'bastion', port: 2200, user: 'admin', auth: null } });
  if (loaded?.kind !== 'ssh') throw new Error('loaded as another kind');
  const ownKey = {
    host: 'bastion',
    port: null,
    user: null,
    auth: { method: 'key', keyFile: '~/.ssh/jump' },
  } as const;
  await store.save({ ...loaded, jump: ownKey });
  expect(JSON.parse(await fs.readFile(profilesFile(dir.path), 'utf8')).profiles[0].jump).toEqual(ownKey);
});
