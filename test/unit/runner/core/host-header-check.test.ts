// Which Host headers a server answers (DNS rebinding): loopback names, its own address, names
// it was given; nothing else, whatever the port.
import { describe, expect, test } from 'vitest';
import {
  checkHostHeader,
  hostPolicy,
  isWildcardAddress,
  normalizeHostName,
  parseHostHeader,
} from '../../../../runner/core/host-header-check';

const allowed = (header: string | undefined, policy = hostPolicy([])) =>
  checkHostHeader(header, policy).allowed;

describe('checkHostHeader', () => {
  test('accepts the loopback names with or without a port', () => {
    for (const header of ['127.0.0.1', '127.0.0.1:8080', 'localhost', 'LOCALHOST:9', '[::1]', '[::1]:8080'])
      expect(allowed(header), header).toBe(true);
  });

  test('refuses any other name, saying which', () => {
    expect(checkHostHeader('evil.example:8080', hostPolicy([]))).toEqual({
      allowed: false,
      reason: "this server does not answer to the host name 'evil.example'",
    });
    for (const header of ['localhost.evil.example', '127.0.0.1.nip.io', 'localhost.', '127.0.0.2', '[::2]'])
      expect(allowed(header), header).toBe(false);
  });

  test('refuses what is not a host header at all', () => {
    for (const header of ['', 'a b', 'http://localhost', 'localhost:80:80', 'localhost/x', '[::1', 'x:port'])
      expect(checkHostHeader(header, hostPolicy([])).allowed, header).toBe(false);
  });

  test('answers a request without Host: no browser sends one, so no page can be behind it', () => {
    expect(allowed(undefined)).toBe(true);
  });

  test('adds the listen address, the agents address and proxy names; skips wildcards', () => {
    const policy = hostPolicy(['10.0.0.5', '[fd00::7]', 'Coin.Example.COM', '0.0.0.0', '::']);
    for (const header of ['10.0.0.5:8080', '[fd00::7]:8080', 'coin.example.com', 'coin.example.com:443'])
      expect(allowed(header, policy), header).toBe(true);
    expect(policy.names.has('0.0.0.0')).toBe(false);
    expect(policy.names.has('::')).toBe(false);
    expect(allowed('0.0.0.0:8080', policy)).toBe(false);
  });
});

describe('the parts', () => {
  test('parseHostHeader splits name and port', () => {
    expect(parseHostHeader('Coin.example:8080')).toEqual({ name: 'coin.example', port: 8080 });
    expect(parseHostHeader('[FD00::1]:1')).toEqual({ name: 'fd00::1', port: 1 });
    expect(parseHostHeader('host')).toEqual({ name: 'host' });
    expect(parseHostHeader('host:')).toBeUndefined();
  });

  test('normalizeHostName takes names and addresses, not URLs or ports', () => {
    expect(normalizeHostName('Build-01.Example.com')).toBe('build-01.example.com');
    expect(normalizeHostName('[::1]')).toBe('::1');
    expect(normalizeHostName('fe80::1')).toBe('fe80::1');
    for (const bad of ['coin.example.com:443', 'https://coin', 'a/b', '', '-x', 'x y'])
      expect(normalizeHostName(bad), bad).toBeUndefined();
  });

  test('isWildcardAddress knows the any-address forms', () => {
    expect(['0.0.0.0', '::', '[::]', ''].every(isWildcardAddress)).toBe(true);
    expect(isWildcardAddress('127.0.0.1')).toBe(false);
  });
});
