import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppAsset } from '../../../../electron/main/resolve-app-asset';

const root = path.resolve('/opt/app/build/out/renderer');

describe('resolveAppAsset', () => {
  it('maps app URLs to files of the renderer build', () => {
    expect(resolveAppAsset(root, 'app://coin-admin/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://coin-admin/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://coin-admin/assets/index-abc.js?v=1#x')).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveAppAsset(root, 'app://coin-admin/a%20b.css')).toBe(path.join(root, 'a b.css'));
  });

  it.each([
    ['a traversal', 'app://coin-admin/../../../etc/passwd'],
    ['an encoded traversal', 'app://coin-admin/%2e%2e/%2e%2e/etc/passwd'],
    ['an encoded slash traversal', 'app://coin-admin/assets/..%2f..%2f..%2fetc%2fpasswd'],
  ])('keeps %s inside the renderer build', (_what, url) => {
    expect(resolveAppAsset(root, url)).toBe(path.join(root, 'etc', 'passwd'));
  });

  it.each([
    ['a NUL byte', 'app://coin-admin/index.html%00.png'],
    ['a broken escape', 'app://coin-admin/%E0%A4%A'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///opt/app/build/out/renderer/index.html'],
    ['nonsense', 'not a url'],
  ])('refuses %s', (_what, url) => expect(resolveAppAsset(root, url)).toBeNull());
});

describe('contentTypeFor', () => {
  it('names the types a Vite build contains', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('assets/index.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('assets/index.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });
});
