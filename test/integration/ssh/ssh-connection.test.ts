// Connecting to a real OpenSSH server: host keys verified before any credential is sent,
// trusted once, changed keys refused; a jump host; reconnecting after the server drops us.
import fs from 'node:fs/promises';
import type { Client } from 'ssh2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ConnectionState } from '../../../electron/common/instance-schemas';
import {
  connectSsh,
  connectSshViaJump,
  HostKeyRejectedError,
  SshAuthError,
} from '../../../electron/services/ssh/ssh-connect';
import { sshFingerprint } from '../../../runner/node/ssh/ssh-fingerprint';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { sleep } from '../../helpers/process-tree';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir';
import { testKey } from '../../unit/electron/services/ssh/test-keys';
import {
  connectionTo,
  dropAllConnections,
  endpointOf,
  knowSshd,
  makeVerifier,
  verifierFiles,
  type VerifierFiles,
} from './ssh-fixture';
import { generateEd25519KeyPair } from '../../helpers/ssh-keys';

let sshd: SshdHandle;
let dir: TempDir;
let files: VerifierFiles;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(async () => {
  dir = await makeTempDir('ssh-conn-');
  files = verifierFiles(dir.path);
});
afterEach(async () => {
  await dir.remove();
});

function run(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let out = '';
      stream.on('data', (c: Buffer) => (out += c.toString()));
      stream.on('close', () => resolve(out));
    }),
  );
}

async function waitForLog(pattern: RegExp, from: number): Promise<string> {
  for (let i = 0; i < 250 && !pattern.test(sshd.log().slice(from)); i++) await sleep(20);
  return sshd.log().slice(from);
}

describe('host keys', () => {
  test('an unknown key stops the connection before authentication; trusted once, it is reused', async () => {
    const verifier = makeVerifier(files);
    const logStart = sshd.log().length;
    let authenticated = 0;
    const attempt = connectSsh(
      endpointOf(sshd),
      verifier,
      { privateKey: sshd.clientPrivateKey },
      {
        onAuthenticate: () => authenticated++,
      },
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRejectedError);
    expect((error as HostKeyRejectedError).problem).toEqual({
      kind: 'unknown',
      host: '127.0.0.1',
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    expect(authenticated).toBe(0);
    const log = await waitForLog(/\[preauth\]/, logStart);
    expect(log).not.toMatch(/Accepted publickey|Failed publickey|userauth/i);

    verifier.trustPresented('127.0.0.1', sshd.port, sshd.hostKeyFingerprint);
    // A new verifier, as after an app restart, finds the key in the app's own store.
    const client = await connectSsh(endpointOf(sshd), makeVerifier(files), {
      privateKey: sshd.clientPrivateKey,
    });
    expect(await run(client, 'echo ok')).toBe('ok\n');
    client.end();
  });

  test('a key in ~/.ssh/known_hosts (hashed or not) connects without asking', async () => {
    await knowSshd(sshd, files);
    const client = await connectSsh(endpointOf(sshd), makeVerifier(files), {
      privateKey: sshd.clientPrivateKey,
    });
    client.end();
  });

  test('a changed key is a hard refusal with both fingerprints, and cannot be trusted', async () => {
    const old = testKey(7);
    await fs.writeFile(files.userKnownHosts, `[127.0.0.1]:${sshd.port} ${old.line}\n`);
    const verifier = makeVerifier(files);
    let authenticated = 0;
    const error = await connectSsh(
      endpointOf(sshd),
      verifier,
      { privateKey: sshd.clientPrivateKey },
      {
        onAuthenticate: () => authenticated++,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRejectedError);
    const problem = (error as HostKeyRejectedError).problem;
    expect(problem).toMatchObject({
      kind: 'changed',
      fingerprint: sshd.hostKeyFingerprint,
      knownFingerprints: [sshFingerprint(old.blob)],
    });
    expect((error as Error).message).toContain('has CHANGED');
    expect(authenticated).toBe(0);
    expect(() => verifier.trustPresented('127.0.0.1', sshd.port, sshd.hostKeyFingerprint)).toThrow();
  });

  test('wrong credentials are an authentication error, after the key was accepted', async () => {
    await knowSshd(sshd, files);
    const other = generateEd25519KeyPair();
    const error = await connectSsh(endpointOf(sshd), makeVerifier(files), {
      privateKey: other.private,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as Error).message).toMatch(/refused the credentials/);
  });
});

describe('jump hosts', () => {
  test('connects through a jump host, verifying both keys', async () => {
    const verifier = makeVerifier(files);
    const hop = { endpoint: endpointOf(sshd), credentials: { privateKey: sshd.clientPrivateKey } };
    const via = () => connectSshViaJump(hop, hop, verifier);
    await expect(via()).rejects.toBeInstanceOf(HostKeyRejectedError);
    await knowSshd(sshd, files);
    const { client, jumpClient } = await via();
    expect(await run(client, 'echo through')).toBe('through\n');
    const closed = new Promise<void>((resolve) => jumpClient.once('close', () => resolve()));
    client.end();
    await closed;
  });
});

describe('SshConnection', () => {
  test('one connection, reconnected with backoff after the server drops it; states observable', async () => {
    await knowSshd(sshd, files);
    const connection = connectionTo(sshd, makeVerifier(files));
    const states: ConnectionState['state'][] = [];
    connection.onState((s) => states.push(s.state));
    try {
      const first = await connection.client();
      expect(await connection.client()).toBe(first);
      expect(connection.state().state).toBe('connected');
      expect(await dropAllConnections(sshd)).toBeGreaterThan(0);
      for (let i = 0; i < 200 && connection.state().state !== 'reconnecting'; i++) await sleep(10);
      const second = await connection.client();
      expect(second).not.toBe(first);
      expect(await run(second, 'echo again')).toBe('again\n');
      expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    } finally {
      await connection.close();
    }
    expect(connection.state().state).toBe('closed');
    await expect(connection.client()).rejects.toThrow('the connection is closed');
  });

  test('an unknown key fails the connection with the problem in its state, and no retry loop', async () => {
    const connection = connectionTo(sshd, makeVerifier(files));
    try {
      await expect(connection.client()).rejects.toBeInstanceOf(HostKeyRejectedError);
      expect(connection.state()).toMatchObject({
        state: 'failed',
        hostKey: { kind: 'unknown', fingerprint: sshd.hostKeyFingerprint },
      });
    } finally {
      await connection.close();
    }
  });
});
