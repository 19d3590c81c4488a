// A real OpenSSH server on 127.0.0.1 for integration tests: fresh ed25519 host and client keys
// in a temp dir, public-key login as the current user, SFTP enabled. stop() ends the server and
// every per-connection child it forked, waits until the port is closed and deletes the keys.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sshFingerprint } from '../../runner/node/ssh/ssh-fingerprint';
import { childEnv } from '../../runner/node/child-env';
import { freeLoopbackPort, isPortClosed } from './free-port';
import { killTree, sleep } from './process-tree';
import { makeTempDir, type TempDir } from './temp-dir';

const execFileAsync = promisify(execFile);
const sshdPath = '/usr/sbin/sshd';

/** A running test sshd and what a client needs to reach and verify it. */
export interface SshdHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly pid: number;
  readonly username: string;
  readonly clientKeyPath: string;
  /** The server's authorized_keys: append a '.pub' line to let another client key log in. */
  readonly authorizedKeysPath: string;
  /** The client's private key in OpenSSH format, as ssh2's `privateKey` option takes it. */
  readonly clientPrivateKey: string;
  /** The host key as a known_hosts entry would hold it: 'ssh-ed25519 AAAA...'. */
  readonly hostPublicKey: string;
  /** 'SHA256:...' of the host key, as `ssh-keygen -l` prints it. */
  readonly hostKeyFingerprint: string;
  /** Everything sshd has written to stderr so far (LogLevel VERBOSE). */
  log(): string;
  /** Stops sshd and its children, waits for the port to close, deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Tuning of startSshd. */
export interface SshdOptions {
  readonly startTimeoutMs?: number;
  /** How many ports to try when the chosen one turns out to be taken (default 5). */
  readonly attempts?: number;
  /** Picks the port for each attempt (default freeLoopbackPort); tests force a clash with it. */
  readonly pickPort?: () => Promise<number>;
}

interface SshdFiles {
  readonly dir: string;
  readonly config: string;
  readonly hostKey: string;
  readonly clientKey: string;
}

interface Spawned {
  readonly child: ChildProcess;
  readonly port: number;
  readonly log: () => string;
}

/** Starts sshd on a free loopback port, retrying with another port if the chosen one is taken. */
export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  if (!fs.existsSync(sshdPath))
    throw new Error(`${sshdPath} not found: install it with apt-get install openssh-server`);
  await fsp.mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation dir
  const temp = await makeTempDir('sshd-');
  try {
    const files = await prepareFiles(temp.path);
    const spawned = await spawnWithRetries(files, {
      attempts: options.attempts ?? 5,
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
      pickPort: options.pickPort ?? freeLoopbackPort,
    });
    return await handleFor(spawned, files, temp);
  } catch (error) {
    await temp.remove();
    throw error;
  }
}

async function prepareFiles(dir: string): Promise<SshdFiles> {
  const files = {
    dir,
    config: path.join(dir, 'sshd_config'),
    hostKey: path.join(dir, 'host_ed25519'),
    clientKey: path.join(dir, 'client_ed25519'),
  };
  await generateKey(files.hostKey, 'coin-admin-test-host');
  await generateKey(files.clientKey, 'coin-admin-test-client');
  await fsp.copyFile(`${files.clientKey}.pub`, path.join(dir, 'authorized_keys'));
  return files;
}

async function generateKey(keyPath: string, comment: string): Promise<void> {
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyPath], {
    env: childEnv(),
  });
}

function configText(files: SshdFiles, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${files.hostKey}`,
    `AuthorizedKeysFile ${path.join(files.dir, 'authorized_keys')}`,
    `PidFile ${path.join(files.dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'UseDNS no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

async function spawnWithRetries(files: SshdFiles, options: Required<SshdOptions>): Promise<Spawned> {
  for (let attempt = 1; ; attempt++) {
    const port = await options.pickPort();
    await fsp.writeFile(files.config, configText(files, port));
    const spawned = spawnSshd(files.config, port);
    const failure = await waitForListening(spawned, options.startTimeoutMs);
    if (!failure) return spawned;
    await killTree(spawned.child.pid ?? -1);
    await exitOf(spawned.child);
    const portTaken = /Address already in use|Cannot bind any address/.test(spawned.log());
    if (!portTaken || attempt >= options.attempts) {
      throw new Error(
        `sshd did not start on port ${port} (attempt ${attempt}): ${failure}\n${spawned.log()}`,
      );
    }
  }
}

function spawnSshd(config: string, port: number): Spawned {
  const child = spawn(sshdPath, ['-D', '-e', '-f', config], {
    env: childEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (text += chunk));
  child.on('error', (error) => (text += `spawn error: ${error.message}\n`));
  trackForExit(child);
  return { child, port, log: () => text };
}

// Resolves undefined once sshd reports it listens, or a reason when it exits or times out first.
async function waitForListening(spawned: Spawned, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawned.log().includes('Server listening on')) return undefined;
    const { exitCode, signalCode } = spawned.child;
    if (exitCode !== null || signalCode !== null)
      return `sshd exited (${exitCode ?? signalCode}) before listening`;
    if (spawned.log().includes('spawn error')) return 'could not run sshd';
    await sleep(10);
  }
  return `no "Server listening on" within ${timeoutMs} ms`;
}

async function handleFor(spawned: Spawned, files: SshdFiles, temp: TempDir): Promise<SshdHandle> {
  const [keyType = '', keyBase64 = ''] = (await fsp.readFile(`${files.hostKey}.pub`, 'utf8'))
    .trim()
    .split(/\s+/);
  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: spawned.port,
    pid: spawned.child.pid ?? -1,
    username: os.userInfo().username,
    clientKeyPath: files.clientKey,
    authorizedKeysPath: path.join(files.dir, 'authorized_keys'),
    clientPrivateKey: await fsp.readFile(files.clientKey, 'utf8'),
    hostPublicKey: `${keyType} ${keyBase64}`,
    hostKeyFingerprint: sshFingerprint(Buffer.from(keyBase64, 'base64')),
    log: spawned.log,
    stop: () => (stopping ??= stopSshd(spawned, temp)),
  };
}

async function stopSshd(spawned: Spawned, temp: TempDir): Promise<void> {
  const exited = exitOf(spawned.child);
  await killTree(spawned.child.pid ?? -1);
  await exited;
  await waitForClosedPort(spawned.port, 5000);
  await temp.remove();
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitForClosedPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isPortClosed(port))) {
    if (Date.now() > deadline) throw new Error(`sshd stopped but port ${port} still accepts connections`);
    await sleep(20);
  }
}

// If the test process ends without stop(), do not leave sshd running on the machine.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackForExit(child: ChildProcess): void {
  if (!exitHookInstalled) process.once('exit', killRunning);
  exitHookInstalled = true;
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}
