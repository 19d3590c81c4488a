// The profile form's jump host fields: `[user@]host[:port]` with what is left out null (from
// ~/.ssh/config when connecting), and its own credentials; a saved profile round-trips.
import { expect, test } from 'vitest';
import { connectionProfileSchema, type SshProfile } from '../../../../electron/common/instance-schemas';
import {
  applySuggestion,
  draftOf,
  emptyDraft,
  profileFromDraft,
  type ProfileDraft,
} from '../../../../renderer/src/areas/instances/profile-draft';

const draft = (extra: Partial<ProfileDraft>): ProfileDraft => ({
  ...emptyDraft,
  name: 'Master',
  host: 'coin.internal',
  user: 'vmbuilder',
  coinDir: '/coin',
  workingDir: '/w',
  ...extra,
});
const jumpOf = (d: ProfileDraft) =>
  (profileFromDraft(d) as Extract<ReturnType<typeof profileFromDraft>, { kind: 'ssh' }>).jump;

test('the jump host: left-out user and port stay unset, credentials from ~/.ssh/config by default', () => {
  expect(jumpOf(draft({ jump: '' }))).toBeNull();
  expect(jumpOf(draft({ jump: ' bastion ' }))).toEqual({
    host: 'bastion',
    user: null,
    port: null,
    auth: null,
  });
  expect(jumpOf(draft({ jump: 'admin@bastion:2200' }))).toEqual({
    host: 'bastion',
    user: 'admin',
    port: 2200,
    auth: null,
  });
  expect(jumpOf(draft({ jump: 'bastion', jumpAuthMethod: 'agent' }))?.auth).toEqual({ method: 'agent' });
  expect(
    jumpOf(draft({ jump: 'bastion', jumpAuthMethod: 'key', jumpKeyFile: ' ~/.ssh/jump ' }))?.auth,
  ).toEqual({
    method: 'key',
    keyFile: '~/.ssh/jump',
  });
  expect(() => jumpOf(draft({ jump: 'bastion', jumpAuthMethod: 'key' }))).toThrow(
    'enter the jump host key file',
  );
  expect(() => jumpOf(draft({ jump: 'a@b@c' }))).toThrow("jump host 'a@b@c' is not [user@]host[:port]");
});

test('a saved profile, old or new, comes back to the same form and profile', () => {
  const base = connectionProfileSchema.parse({ ...profileFromDraft(draft({})), id: 'master' }) as SshProfile;
  const old = connectionProfileSchema.parse({ ...base, jump: { host: 'bastion', port: 22, user: 'admin' } });
  expect(draftOf(old)).toMatchObject({ jump: 'admin@bastion:22', jumpAuthMethod: 'config', jumpKeyFile: '' });
  const own = connectionProfileSchema.parse({
    ...base,
    jump: { host: 'bastion', port: null, user: null, auth: { method: 'key', keyFile: '/k' } },
  });
  const form = draftOf(own);
  expect(form).toMatchObject({ jump: 'bastion', jumpAuthMethod: 'key', jumpKeyFile: '/k' });
  expect(connectionProfileSchema.parse({ ...profileFromDraft(form), id: 'master' })).toEqual(own);
});

test('a ~/.ssh/config suggestion fills the jump host with its first ProxyJump hop', () => {
  const filled = applySuggestion(draft({}), {
    alias: 'private-coin',
    hostName: 'private-coin.example.org',
    port: null,
    user: null,
    identityFile: null,
    proxyJump: 'ssh://admin@bastion:2200,second',
    source: 'config:1',
  });
  expect(filled.jump).toBe('admin@bastion:2200');
});
