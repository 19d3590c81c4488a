import { describe, expect, it } from 'vitest';
import { sshFingerprint } from '../../../../../runner/node/ssh/ssh-fingerprint';

// Public keys and the fingerprints `ssh-keygen -lf` printed for them (OpenSSH 9.2).
const ed25519 = {
  blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIJMexvVGtjFFr+JQCd6kuCRyV5+9Ym3sY3KzUxfvzmoC',
  fingerprint: 'SHA256:VNhBxtFZGCZAVjt7i/CsP9F3RYQ0h6ZKtvMecNjXKBw',
};
const rsa = {
  blob:
    'AAAAB3NzaC1yc2EAAAADAQABAAAAgQCjXKWUqza328ql8mc6G7Qpd+fgfKT7c34Q0U0qDY39VR7MNmkxo+et8CJVR+qGmUnjjgi023rM0Ry' +
    'ItOTOsxzKQieuOO+j9/FAkgTit2nBokDGhG0Xmh4Ivj4BdSV/cZF4RIdw39UTl3GH/Xw8QDA+FAchJR9dqaeFEXMjVSdCWQ==',
  fingerprint: 'SHA256:ODITtJUfa6FAMj5WI9x+1sIYVLS2jL+57vvMCgbG4pk',
};

describe('sshFingerprint', () => {
  it('matches ssh-keygen for an ed25519 host key', () => {
    expect(sshFingerprint(Buffer.from(ed25519.blob, 'base64'))).toBe(ed25519.fingerprint);
  });

  it('matches ssh-keygen for an RSA host key', () => {
    expect(sshFingerprint(Buffer.from(rsa.blob, 'base64'))).toBe(rsa.fingerprint);
  });

  it('hashes the blob with SHA-256 and drops the base64 padding', () => {
    // sha256('') in base64 is 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
    expect(sshFingerprint(Buffer.alloc(0))).toBe('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
  });

  it('tells keys apart that differ in one byte', () => {
    const blob = Buffer.from(ed25519.blob, 'base64');
    const changed = Buffer.from(blob);
    changed[changed.length - 1] = (changed.at(-1) ?? 0) ^ 1;
    expect(sshFingerprint(changed)).not.toBe(sshFingerprint(blob));
  });
});
