// zod's problems in words people read, from DeskApi's real schemas.
import { expect, test } from 'vitest';
import * as z from 'zod';
import { fieldProblems, sentence } from '../../../../electron/common/field-problems';
import { dashboardApiPathSchema } from '../../../../electron/common/dashboard-bridge-contract';
import { profileInputSchema } from '../../../../electron/common/instance-schemas';
import { instancePaths } from '../../../../runner/core/instance-api';

const problemsOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected problems');
  return fieldProblems(result.error);
};

const ssh = {
  kind: 'ssh',
  name: 'Master',
  host: 'coin.example.org',
  port: 22,
  user: 'vmbuilder',
  auth: { method: 'key', keyFile: '~/.ssh/id' },
  jump: null,
  coinDir: '/coin',
  workingDir: '/w',
  instanceKind: 'real',
  serviceManager: 'auto',
  instancePort: 8080,
};

test('the profile of the issue: an empty Coin directory is required, not "Too small"', () => {
  expect(problemsOf(profileInputSchema, { ...ssh, coinDir: '' })).toEqual([
    { path: 'coinDir', message: 'is required' },
  ]);
  expect(sentence('Coin directory', 'is required')).toBe('Coin directory is required.');
});

test('numbers: out of range, not a whole number, not a number at all, missing', () => {
  expect(problemsOf(profileInputSchema, { ...ssh, port: 99999 })).toEqual([
    { path: 'port', message: 'must be 65535 or less' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, port: 0 })).toEqual([
    { path: 'port', message: 'must be 1 or more' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, instancePort: 1.5 })).toEqual([
    { path: 'instancePort', message: 'must be a whole number' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, instancePort: Number.NaN })).toEqual([
    { path: 'instancePort', message: 'must be a number' },
  ]);
  const { user: _user, ...noUser } = ssh;
  expect(problemsOf(profileInputSchema, noUser)).toEqual([{ path: 'user', message: 'is required' }]);
});

test('nested paths, choices, unknown fields and long text', () => {
  expect(problemsOf(profileInputSchema, { ...ssh, auth: { method: 'key', keyFile: ' ' } })).toEqual([
    { path: 'auth.keyFile', message: 'is required' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, instanceKind: 'prod' })).toEqual([
    { path: 'instanceKind', message: 'must be one of: local, private, real' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, colour: 'red' })).toEqual([
    { path: '', message: 'has fields that are not known here: colour' },
  ]);
  expect(problemsOf(profileInputSchema, { ...ssh, name: 'x'.repeat(101) })).toEqual([
    { path: 'name', message: 'must be at most 100 characters long' },
  ]);
  expect(problemsOf(z.string().startsWith('SHA256:'), 'MD5:aa')).toEqual([
    { path: '', message: 'must start with “SHA256:”' },
  ]);
});

test("a message the schema's author wrote is kept as it is", () => {
  expect(problemsOf(dashboardApiPathSchema, 'http://elsewhere/')).toEqual([
    { path: '', message: `must be a path of the read API such as ${instancePaths.tasks({ max: 50 })}` },
  ]);
});
