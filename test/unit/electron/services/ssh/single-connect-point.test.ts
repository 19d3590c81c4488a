// "No code path connects without a host verifier": the ssh2 client is created in exactly one
// file of the desktop services, whose only connect function takes a HostKeyVerifier.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..', '..', '..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

test('only electron/services/ssh/ssh-connect.ts creates or connects an ssh2 Client', () => {
  const offenders = [...sources('electron'), ...sources('renderer')].filter((file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const importsClient = /import\s*\{[^}]*\bClient\b[^}]*\}\s*from\s*'ssh2'/.test(text);
    return importsClient || /require\(['"]ssh2['"]\)/.test(text) || /new\s+Client\s*\(/.test(text);
  });
  expect(offenders).toEqual(['electron/services/ssh/ssh-connect.ts']);
});

test('the connect function requires a verifier and asks it before authenticating', () => {
  const text = fs.readFileSync(path.join(root, 'electron/services/ssh/ssh-connect.ts'), 'utf8');
  expect(text).toMatch(/export function connectSsh\(\s*endpoint: SshEndpoint,\s*verifier: HostKeyVerifier,/);
  expect(text.match(/\.connect\(/g)).toHaveLength(1);
  expect(text).toContain('hostVerifier: (key: Buffer) => {');
});
