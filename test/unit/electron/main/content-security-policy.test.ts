import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  withContentSecurityPolicy,
} from '../../../../electron/main/content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  const policy = directives(contentSecurityPolicy());

  it('loads everything from the app itself by default', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });

  it('never allows eval, inline script or a wildcard source', () => {
    const text = contentSecurityPolicy();
    expect(text).not.toContain('unsafe-eval');
    expect(text).not.toContain('unsafe-inline');
    for (const [name, sources] of policy) {
      for (const source of sources) expect(source, name).not.toMatch(/^(\*|https?:|wss?:|blob:)$/);
    }
  });

  it('connects only to the app and to 127.0.0.1 (local runner, SSH tunnels)', () => {
    const connect = policy.get('connect-src') ?? [];
    expect(connect[0]).toBe("'self'");
    for (const source of connect.slice(1)) expect(source).toMatch(/^(http|ws):\/\/127\.0\.0\.1:\*$/);
    expect(connect).toContain('ws://127.0.0.1:*');
  });

  it('forbids plugins, frames, base and form targets', () => {
    for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action', 'frame-ancestors']) {
      expect(policy.get(name), name).toEqual(["'none'"]);
    }
  });
});

describe('withContentSecurityPolicy', () => {
  it("replaces a response's own policy, whatever its case, and keeps the other headers", () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ['default-src *'],
      'Content-Type': 'text/html',
      'Set-Cookie': ['a=1', 'b=2'],
    });
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Set-Cookie': ['a=1', 'b=2'],
      'Content-Security-Policy': [contentSecurityPolicy()],
    });
  });

  it('adds the policy to a response without headers', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [contentSecurityPolicy()],
    });
  });
});
