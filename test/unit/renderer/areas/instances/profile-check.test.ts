// The profile form checked with DeskApi's own schema: each problem on its field, in plain words.
import { expect, test } from 'vitest';
import {
  checkDraft,
  emptyDraft,
  fieldOfPath,
  profileFromDraft,
  type ProfileDraft,
} from '../../../../../renderer/src/areas/instances/profile-draft';

const draft = (extra: Partial<ProfileDraft>): ProfileDraft => ({
  ...emptyDraft,
  name: 'Master',
  host: 'coin.internal',
  user: 'vmbuilder',
  coinDir: '/coin',
  workingDir: '/w',
  ...extra,
});

const problems = (d: ProfileDraft) => {
  const checked = checkDraft(d);
  return checked.ok ? [] : checked.problems;
};

test('a complete draft is the profile DeskApi takes', () => {
  const checked = checkDraft(draft({}));
  expect(checked).toMatchObject({ ok: true, profile: { kind: 'ssh', port: 22, instancePort: 8080 } });
});

test('an SSH profile without a Coin directory: the problem of the issue, on its field, in words', () => {
  expect(problems(draft({ coinDir: '  ' }))).toEqual([
    { field: 'coinDir', message: 'Coin directory is required.' },
  ]);
  expect(() => profileFromDraft(draft({ coinDir: '' }))).toThrow('Coin directory is required.');
});

test('several problems at once, each on its own field; empty numbers are not 0', () => {
  expect(problems(draft({ name: '', workingDir: '', port: '99999', instancePort: '' }))).toEqual([
    { field: 'name', message: 'Name is required.' },
    { field: 'workingDir', message: 'Instance working directory is required.' },
    { field: 'instancePort', message: 'Instance port must be a number.' },
    { field: 'port', message: 'Port must be 65535 or less.' },
  ]);
  expect(problems(draft({ instancePort: 'eighty' }))).toEqual([
    { field: 'instancePort', message: 'Instance port must be a number.' },
  ]);
});

test('credentials and the jump host: the key file fields', () => {
  expect(problems(draft({ keyFile: '' }))).toEqual([{ field: 'keyFile', message: 'Key file is required.' }]);
  expect(problems(draft({ jump: 'bastion', jumpAuthMethod: 'key', jumpKeyFile: '' }))).toEqual([
    { field: 'jumpKeyFile', message: 'Jump host private key: enter the jump host key file.' },
  ]);
  expect(problems(draft({ jump: 'a@b@c' }))).toEqual([
    { field: 'jump', message: "Jump host: jump host 'a@b@c' is not [user@]host[:port]." },
  ]);
});

test('a local profile needs no Coin directory (the bundled runner)', () => {
  expect(checkDraft(draft({ kind: 'local', coinDir: '' })).ok).toBe(true);
});

test("paths of the profile map to the form's fields", () => {
  expect(fieldOfPath(['auth', 'keyFile'])).toBe('keyFile');
  expect(fieldOfPath(['jump', 'auth', 'keyFile'])).toBe('jumpKeyFile');
  expect(fieldOfPath(['jump', 'host'])).toBe('jump');
  expect(fieldOfPath(['id'])).toBe('name');
  expect(fieldOfPath(['instancePort'])).toBe('instancePort');
});
