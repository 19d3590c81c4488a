import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, type ConnectConfig } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshFingerprint } from '../../runner/node/ssh/ssh-fingerprint';
import { childEnv } from '../../runner/node/child-env';
import { freeLoopbackPort, isPortClosed } from '../helpers/free-port';
import { descendantsOf, isAlive, readProcess, sleep, waitForDescendant } from '../helpers/process-tree';
import { startSshd, type SshdHandle } from '../helpers/sshd';
import { makeTempDir } from '../helpers/temp-dir';

const execFileAsync = promisify(execFile);

/** What one connection attempt did: the key it was shown, whether it authenticated, how it ended. */
interface Attempt {
  client: Client;
  presented?: string;
  authAttempts: number;
  ready: boolean;
  error?: Error & { level?: string };
}

/** Connects with ssh2, accepting the server only if its key has the expected fingerprint. */
function connect(sshd: SshdHandle, expectedFingerprint: string): Promise<Attempt> {
  const attempt: Attempt = { client: new Client(), authAttempts: 0, ready: false };
  const config: ConnectConfig = {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    readyTimeout: 10_000,
    hostVerifier: (key: Buffer) => (attempt.presented = sshFingerprint(key)) === expectedFingerprint,
    authHandler: (_methodsLeft, _partial, next) => {
      attempt.authAttempts++;
      next({ type: 'publickey', username: sshd.username, key: sshd.clientPrivateKey });
    },
  };
  return new Promise((resolve) => {
    attempt.client.once('ready', () => resolve(Object.assign(attempt, { ready: true })));
    attempt.client.once('error', (error) => resolve(Object.assign(attempt, { error })));
    attempt.client.connect(config);
  });
}

/** Runs a command over an authenticated connection and collects its output and exit code. */
function exec(client: Client, command: string): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let stdout = '';
      stream.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      stream.stderr.resume();
      stream.on('close', (code: number | null) => resolve({ stdout, code }));
    });
  });
}

/** Ends the connection and waits until its socket is closed. */
function disconnect(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    client.end();
  });
}

async function waitForLog(sshd: SshdHandle, from: number, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 250 && !pattern.test(sshd.log().slice(from)); i++) await sleep(20);
  return sshd.log().slice(from);
}

/** Fingerprint of the key the running server actually serves, by OpenSSH's own tools. */
async function keyscanFingerprint(sshd: SshdHandle): Promise<string> {
  const dir = await makeTempDir('keyscan-');
  try {
    const { stdout } = await execFileAsync(
      'ssh-keyscan',
      ['-t', 'ed25519', '-p', String(sshd.port), sshd.host],
      {
        env: childEnv(),
      },
    );
    const file = path.join(dir.path, 'scanned.pub');
    fs.writeFileSync(file, stdout.replace(/^\S+\s+/, '')); // drop the host column
    const { stdout: listed } = await execFileAsync('ssh-keygen', ['-lf', file], { env: childEnv() });
    return listed.split(' ')[1] ?? '';
  } finally {
    await dir.remove();
  }
}

describe('SSH host key verification against a real OpenSSH server', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('computes the same host key fingerprint as ssh-keyscan | ssh-keygen -lf', async () => {
    expect(sshd.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await keyscanFingerprint(sshd)).toBe(sshd.hostKeyFingerprint);
  });

  it('connects when the fingerprint matches and runs a command', async () => {
    const attempt = await connect(sshd, sshd.hostKeyFingerprint);
    expect(attempt.error).toBeUndefined();
    expect(attempt.presented).toBe(sshd.hostKeyFingerprint);
    const result = await exec(attempt.client, 'echo hello; id -un');
    await disconnect(attempt.client);
    expect(result).toEqual({ stdout: `hello\n${sshd.username}\n`, code: 0 });
  });

  it('refuses a server whose key does not match, before authenticating', async () => {
    const logStart = sshd.log().length;
    const wrong = sshFingerprint(Buffer.from('not the host key'));
    const attempt = await connect(sshd, wrong);
    expect(attempt.error?.message).toBe('Host denied (verification failed)');
    expect(attempt.error?.level).toBe('handshake');
    expect(attempt.presented).toBe(sshd.hostKeyFingerprint);
    expect(attempt.authAttempts).toBe(0);
    expect(attempt.ready).toBe(false);
    // sshd saw the client leave during the pre-authentication phase, and nobody logged in.
    const log = await waitForLog(sshd, logStart, /\[preauth\]/);
    expect(log).toMatch(/\[preauth\]/);
    expect(log).not.toContain('Accepted publickey');
    attempt.client.end();
  });
});

describe('the test sshd helper', () => {
  let occupied: net.Server;

  beforeAll(async () => {
    occupied = net.createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => occupied.close(resolve));
  });

  const occupiedPort = async () => (occupied.address() as net.AddressInfo).port;

  it('moves to another port when the chosen one is taken', async () => {
    let picks = 0;
    const pickPort = () => (picks++ === 0 ? occupiedPort() : freeLoopbackPort());
    const sshd = await startSshd({ pickPort });
    try {
      expect(picks).toBe(2);
      expect(sshd.port).not.toBe(await occupiedPort());
      expect(await isPortClosed(sshd.port)).toBe(false);
    } finally {
      await sshd.stop();
    }
  });

  it("gives up with sshd's own error output when no port can be bound", async () => {
    const failure = startSshd({ pickPort: occupiedPort, attempts: 2 });
    await expect(failure).rejects.toThrow(
      /attempt 2\): sshd exited \(255\) before listening\n[^]*Address already in use/,
    );
  });

  it('gives up after the start timeout and cleans up what it started', async () => {
    await expect(startSshd({ startTimeoutMs: 1 })).rejects.toThrow(/no "Server listening on" within 1 ms/);
    expect(descendantsOf(process.pid)).toEqual([]);
  });

  it('stops without leaving a process, port or directory behind, even with a session open', async () => {
    const sshd = await startSshd();
    const attempt = await connect(sshd, sshd.hostKeyFingerprint);
    const closed = new Promise<void>((resolve) => attempt.client.once('close', () => resolve()));
    attempt.client.exec('sleep 60', () => undefined);
    await waitForDescendant(sshd.pid, 'sleep 60');
    const sshdProcess = readProcess(sshd.pid);
    const sessionProcesses = descendantsOf(sshd.pid);
    expect(sessionProcesses.length).toBeGreaterThanOrEqual(2); // sshd's per-connection child and the command

    await sshd.stop();

    expect(sshdProcess && isAlive(sshdProcess)).toBe(false);
    expect(sessionProcesses.filter(isAlive)).toEqual([]);
    expect(await isPortClosed(sshd.port)).toBe(true);
    expect(fs.existsSync(path.dirname(sshd.clientKeyPath))).toBe(false);
    expect(descendantsOf(process.pid)).toEqual([]);
    await closed;
  });
});
