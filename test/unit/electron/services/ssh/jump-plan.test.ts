// The jump host's own user, port and credentials: the profile's, else ~/.ssh/config's for the
// jump alias, else port 22, this computer's user and the target's credentials.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { JumpHost, SshConfigHost, SshProfile } from '../../../../../electron/common/instance-schemas';
import { sshProfileSchema } from '../../../../../electron/common/instance-schemas';
import {
  describeProfileHost,
  jumpPlanOf,
  keyFilesOfPlan,
  routePlanOf,
} from '../../../../../electron/services/ssh/profile-connection';
import { hostConfigFor, parseSshConfig } from '../../../../../electron/services/ssh/ssh-config';
import { makeTempDir, type TempDir } from '../../../../helpers/temp-dir';

const nothing: SshConfigHost = {
  alias: 'bastion',
  hostName: 'bastion',
  port: null,
  user: null,
  identityFile: null,
  proxyJump: null,
  source: '',
};
const fromConfig: SshConfigHost = {
  ...nothing,
  hostName: 'bastion.example.org',
  port: 2200,
  user: 'jumper',
  identityFile: '/keys/jump',
};
const targetAuth = { method: 'key', keyFile: '/keys/target' } as const;
const jump = (extra: Partial<JumpHost> = {}): JumpHost => ({
  host: 'bastion',
  port: null,
  user: null,
  auth: null,
  ...extra,
});

test('the profile wins, then ~/.ssh/config, then port 22, the local user and the target credentials', () => {
  expect(jumpPlanOf(jump(), targetAuth, nothing, 'ada')).toEqual({
    endpoint: { host: 'bastion', port: 22, username: 'ada' },
    auth: targetAuth,
    authFrom: 'target',
  });
  expect(jumpPlanOf(jump(), targetAuth, fromConfig, 'ada')).toEqual({
    endpoint: { host: 'bastion.example.org', port: 2200, username: 'jumper' },
    auth: { method: 'key', keyFile: '/keys/jump' },
    authFrom: 'ssh-config',
  });
  const own = jump({ port: 22, user: 'admin', auth: { method: 'agent' } });
  expect(jumpPlanOf(own, targetAuth, fromConfig, 'ada')).toEqual({
    endpoint: { host: 'bastion.example.org', port: 22, username: 'admin' },
    auth: { method: 'agent' },
    authFrom: 'profile',
  });
});

test('hostConfigFor reads any name, wildcard blocks included, first value wins', () => {
  const { entries } = parseSshConfig(
    'Host bastion\n  HostName %h.example.org\n  User jumper\nHost *\n  Port 2022\n  IdentityFile ~/.ssh/id_%r\n',
    '/home/ada/.ssh/config',
  );
  const context = { home: '/home/ada', localUser: 'ada' };
  expect(hostConfigFor('bastion', entries, context)).toMatchObject({
    hostName: 'bastion.example.org',
    port: 2022,
    user: 'jumper',
    identityFile: '/home/ada/.ssh/id_jumper',
    source: '/home/ada/.ssh/config:1',
  });
  expect(hostConfigFor('10.0.0.1', entries, context)).toMatchObject({
    hostName: '10.0.0.1',
    port: 2022,
    user: null,
    identityFile: '/home/ada/.ssh/id_ada',
    source: '/home/ada/.ssh/config:4',
  });
  expect(hostConfigFor('x', [], context)).toEqual({
    alias: 'x',
    hostName: 'x',
    port: null,
    user: null,
    identityFile: null,
    proxyJump: null,
    source: '',
  });
});

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('jump-plan-');
});
afterEach(async () => {
  await dir.remove();
});

function profile(extra: Partial<SshProfile>): SshProfile {
  return {
    id: 'p',
    name: 'p',
    kind: 'ssh',
    host: 'coin.internal',
    port: 22,
    user: 'vmbuilder',
    auth: { method: 'key', keyFile: '~/.ssh/target' },
    jump: null,
    coinDir: '/coin',
    workingDir: '/w',
    instanceKind: 'private',
    serviceManager: 'auto',
    instancePort: 8080,
    ...extra,
  };
}

test('routePlanOf reads ~/.ssh/config at every call; an IdentityFile that does not exist is skipped', async () => {
  const sshDir = path.join(dir.path, '.ssh');
  await fs.mkdir(sshDir);
  const jumpKey = path.join(sshDir, 'jump_ed25519');
  const deps = { sshDir, home: dir.path };
  await fs.writeFile(
    path.join(sshDir, 'config'),
    `Host bastion\n  HostName 127.0.0.2\n  Port 2201\n  User jumper\n  IdentityFile ~/.ssh/jump_ed25519\n`,
  );
  const viaBastion = profile({ jump: jump() });
  expect(await routePlanOf(profile({}), deps)).toEqual({
    target: {
      endpoint: { host: 'coin.internal', port: 22, username: 'vmbuilder' },
      auth: { method: 'key', keyFile: '~/.ssh/target' },
    },
    jumps: [],
  });
  const missingKey = await routePlanOf(viaBastion, deps);
  expect(missingKey.jumps).toEqual([
    {
      endpoint: { host: '127.0.0.2', port: 2201, username: 'jumper' },
      auth: { method: 'key', keyFile: '~/.ssh/target' },
      authFrom: 'target',
    },
  ]);
  expect(keyFilesOfPlan(missingKey, dir.path)).toEqual([path.join(dir.path, '.ssh/target')]);

  await fs.writeFile(jumpKey, 'a key');
  const withKey = await routePlanOf(viaBastion, deps);
  expect(withKey.jumps[0]).toMatchObject({
    auth: { method: 'key', keyFile: jumpKey },
    authFrom: 'ssh-config',
  });
  expect(keyFilesOfPlan(withKey, dir.path)).toEqual([path.join(dir.path, '.ssh/target'), jumpKey]);

  // Another jump alias, not in the file: nothing from it.
  const plain = await routePlanOf(profile({ jump: jump({ host: 'other', user: 'me' }) }), deps);
  expect(plain.jumps[0]).toMatchObject({
    endpoint: { host: 'other', port: 22, username: 'me' },
    authFrom: 'target',
  });
  expect(
    (await routePlanOf(profile({ jump: jump() }), { sshDir: path.join(dir.path, 'none') })).jumps[0],
  ).toMatchObject({ endpoint: { host: 'bastion', port: 22, username: os.userInfo().username } });
});

test('profiles saved before the jump host had its own credentials load with them unset', () => {
  const old = { ...profile({}), jump: { host: 'bastion', port: 2200, user: 'admin' } };
  expect(sshProfileSchema.parse(old).jump).toEqual({
    host: 'bastion',
    port: 2200,
    user: 'admin',
    auth: null,
  });
  expect(sshProfileSchema.parse({ ...old, jump: { host: 'bastion' } }).jump).toEqual(jump());
  expect(() => sshProfileSchema.parse({ ...old, jump: { host: 'bastion', password: 'x' } })).toThrow();
});

test('describeProfileHost says what the profile names', () => {
  expect(describeProfileHost(profile({ jump: jump() }))).toBe('vmbuilder@coin.internal:22 via bastion');
  expect(describeProfileHost(profile({ jump: jump({ user: 'admin', port: 2200 }) }))).toBe(
    'vmbuilder@coin.internal:22 via admin@bastion:2200',
  );
});
