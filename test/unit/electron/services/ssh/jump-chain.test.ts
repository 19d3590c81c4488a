// ProxyJump chains as OpenSSH follows them, and the per-host settings a connection uses.
import { expect, test } from 'vitest';
import { jumpChain, JumpChainError } from '../../../../../electron/services/ssh/jump-chain';
import { hopSettingsFor, parseSshConfig } from '../../../../../electron/services/ssh/ssh-config';

const context = { home: '/home/ada', localUser: 'ada' };
const { entries } = parseSshConfig(
  [
    'Host a',
    '  HostName a.example.org',
    'Host b',
    '  ProxyJump a',
    '  IdentityFile ~/.ssh/b',
    '  IdentityFile ~/.ssh/b2',
    '  IdentityAgent ~/agent.sock',
    '  IdentitiesOnly yes',
    'Host c',
    '  ProxyJump admin@b:2200',
    'Host loop1',
    '  ProxyJump loop2',
    'Host loop2',
    '  ProxyJump loop1',
    'Host noagent',
    '  IdentityAgent none',
    '',
  ].join('\n'),
  '/home/ada/.ssh/config',
);
const aliases = (spec: string) => jumpChain(spec, entries, context).map((h) => [h.alias, h.user, h.port]);

test("a host's own ProxyJump is followed first, recursively; explicit user and port are kept", () => {
  expect(aliases('b')).toEqual([
    ['a', null, null],
    ['b', null, null],
  ]);
  expect(aliases('c')).toEqual([
    ['a', null, null],
    ['b', 'admin', 2200],
    ['c', null, null],
  ]);
});

test('in a list only the first host uses its own ProxyJump', () => {
  expect(aliases('x,b')).toEqual([
    ['x', null, null],
    ['b', null, null],
  ]);
  expect(aliases('b, x')).toEqual([
    ['a', null, null],
    ['b', null, null],
    ['x', null, null],
  ]);
});

test('loops and unreadable hosts are errors that say what to fix', () => {
  expect(() => aliases('loop1')).toThrow(
    new JumpChainError('ProxyJump loops: loop1 -> loop2 -> loop1; fix ~/.ssh/config'),
  );
  expect(() => aliases('a,,')).not.toThrow();
  expect(() => aliases('a:port')).toThrow(/cannot read the jump host/);
});

test('every IdentityFile, IdentityAgent and IdentitiesOnly, expanded', () => {
  expect(hopSettingsFor('b', entries, context)).toEqual({
    hostName: 'b',
    port: null,
    user: null,
    identityFiles: ['/home/ada/.ssh/b', '/home/ada/.ssh/b2'],
    identityAgent: '/home/ada/agent.sock',
    noAgent: false,
    identitiesOnly: true,
    proxyJump: 'a',
  });
  expect(hopSettingsFor('noagent', entries, context)).toMatchObject({ identityAgent: null, noAgent: true });
});
