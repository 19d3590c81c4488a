import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { sshConfigSuggestions } from '../../../../../electron/services/ssh/ssh-config-loader';
import {
  hostPatternsMatch,
  parseJumpHost,
  parseSshConfig,
  sshConfigHosts,
} from '../../../../../electron/services/ssh/ssh-config';
import { makeTempDir } from '../../../../helpers/temp-dir';

const context = { home: '/home/ada', localUser: 'ada' };

const config = `# the Coin masters
Host coin coin-master
    HostName coin.ci.example.org
    User vmbuilder
    Port 2222
    IdentityFile ~/.ssh/coin_ed25519

Host private-coin
  HostName=%h.ci.example.org
  ProxyJump admin@bastion.example.org:2200

Host build.example.org secret.example.org
  Port 2022

Host *.example.org !secret.example.org
  User fallback
  IdentityFile "/keys/with space/id"

Match host foo exec "true"
  User ignored

Host *
  Port 22
  IdentityFile %d/.ssh/id_%r
`;

describe('parseSshConfig', () => {
  test('keywords with values, `=` or space separated, quotes, comments skipped', () => {
    const { entries, problems } = parseSshConfig(config, '/home/ada/.ssh/config');
    expect(problems).toEqual([]);
    expect(entries[0]).toEqual({
      keyword: 'host',
      args: ['coin', 'coin-master'],
      file: '/home/ada/.ssh/config',
      line: 2,
      column: 1,
    });
    expect(entries.find((e) => e.line === 9)).toMatchObject({
      keyword: 'hostname',
      args: ['%h.ci.example.org'],
      column: 3,
    });
    expect(entries.find((e) => e.line === 17)?.args).toEqual(['/keys/with space/id']);
  });

  test('problems name file, line and column, and the rest still parses', () => {
    const { entries, problems } = parseSshConfig(
      'Host a\n  User\n  HostName "broken\n  9lives x\n  Port 1\n',
      'cfg',
    );
    expect(problems).toEqual([
      { file: 'cfg', line: 2, column: 7, message: 'User needs a value' },
      { file: 'cfg', line: 3, column: 12, message: 'unterminated quote' },
      { file: 'cfg', line: 4, column: 3, message: 'expected a keyword' },
    ]);
    expect(entries.map((e) => e.keyword)).toEqual(['host', 'port']);
  });
});

describe('sshConfigHosts', () => {
  const { entries } = parseSshConfig(config, '/home/ada/.ssh/config');
  const hosts = sshConfigHosts(entries, context);

  test('one suggestion per concrete alias, first value wins, defaults from Host *', () => {
    expect(hosts.map((h) => h.alias)).toEqual([
      'coin',
      'coin-master',
      'private-coin',
      'build.example.org',
      'secret.example.org',
    ]);
    expect(hosts[0]).toEqual({
      alias: 'coin',
      hostName: 'coin.ci.example.org',
      port: 2222,
      user: 'vmbuilder',
      identityFile: '/home/ada/.ssh/coin_ed25519',
      proxyJump: null,
      source: '/home/ada/.ssh/config:2',
    });
  });

  test('%h in HostName, ProxyJump, wildcard blocks and %d/%r tokens in IdentityFile', () => {
    expect(hosts[2]).toEqual({
      alias: 'private-coin',
      hostName: 'private-coin.ci.example.org',
      port: 22,
      user: null,
      identityFile: '/home/ada/.ssh/id_ada',
      proxyJump: 'admin@bastion.example.org:2200',
      source: '/home/ada/.ssh/config:8',
    });
    // Host patterns match the alias as typed, not its HostName.
    expect(hosts[3]).toMatchObject({ port: 2022, user: 'fallback', identityFile: '/keys/with space/id' });
    expect(hosts[4]).toMatchObject({ port: 2022, user: null, identityFile: '/home/ada/.ssh/id_ada' });
    const plain = sshConfigHosts(
      parseSshConfig('Host x\nHost *\n IdentityFile %d/.ssh/id_%r\n', 'c').entries,
      context,
    );
    expect(plain[0]).toMatchObject({ hostName: 'x', user: null, identityFile: '/home/ada/.ssh/id_ada' });
  });

  test('negated patterns exclude a host', () => {
    expect(hostPatternsMatch('a.example.org', ['*.example.org', '!secret.example.org'])).toBe(true);
    expect(hostPatternsMatch('secret.example.org', ['*.example.org', '!secret.example.org'])).toBe(false);
    expect(hostPatternsMatch('COIN', ['coin'])).toBe(true);
  });

  test('ProxyJump values', () => {
    expect(parseJumpHost('admin@bastion:2200,other')).toEqual({ user: 'admin', host: 'bastion', port: 2200 });
    expect(parseJumpHost('bastion')).toEqual({ user: null, host: 'bastion', port: null });
    expect(parseJumpHost('ssh://u@[::1]:22')).toEqual({ user: 'u', host: '::1', port: 22 });
  });
});

describe('sshConfigSuggestions', () => {
  test('follows Include globs relative to the ssh directory', async () => {
    const dir = await makeTempDir('ssh-config-');
    try {
      await fs.mkdir(path.join(dir.path, 'config.d'));
      await fs.writeFile(path.join(dir.path, 'config'), 'Include config.d/*.conf\nHost main\n  User root\n');
      await fs.writeFile(path.join(dir.path, 'config.d', 'b.conf'), 'Host b-host\n  Port 2\n');
      await fs.writeFile(path.join(dir.path, 'config.d', 'a.conf'), 'Host a-host\n  Port 1\n');
      await fs.writeFile(path.join(dir.path, 'config.d', 'ignored.txt'), 'Host nope\n');
      const result = await sshConfigSuggestions(dir.path, '/home/ada');
      expect(result.hosts.map((h) => [h.alias, h.port])).toEqual([
        ['a-host', 1],
        ['b-host', 2],
        ['main', null],
      ]);
      expect(result.hosts[0]?.source).toBe(`${path.join(dir.path, 'config.d', 'a.conf')}:1`);
    } finally {
      await dir.remove();
    }
  });

  test('no config file: no suggestions', async () => {
    const dir = await makeTempDir('ssh-config-');
    try {
      expect((await sshConfigSuggestions(dir.path)).hosts).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
