/**
 * What the SSH integration tests share: a verifier whose files live in a temp dir, the test
 * sshd as an endpoint, and a way to make the server drop every connection.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SshProfile } from '../../../electron/common/instance-schemas';
import { HostKeyVerifier } from '../../../electron/services/ssh/host-key-verifier';
import type { SshEndpoint } from '../../../electron/services/ssh/ssh-connect';
import { SshConnection } from '../../../electron/services/ssh/ssh-connection';
import { commandLine, descendantsOf, signalAll, waitUntilGone } from '../../helpers/process-tree';
import type { SshdHandle } from '../../helpers/sshd';

/** Known-hosts files of one test. */
export interface VerifierFiles {
  userKnownHosts: string;
  appKnownHosts: string;
}

/** Files for a verifier under `dir` (none of them exists yet). */
export function verifierFiles(dir: string): VerifierFiles {
  return {
    userKnownHosts: path.join(dir, 'user_known_hosts'),
    appKnownHosts: path.join(dir, 'app', 'known_hosts'),
  };
}

/** A verifier reading `files`. */
export function makeVerifier(files: VerifierFiles): HostKeyVerifier {
  return new HostKeyVerifier({ userKnownHosts: [files.userKnownHosts], appKnownHosts: files.appKnownHosts });
}

/** Puts the sshd's real key into the user known_hosts, as `ssh` would after a first connect. */
export async function knowSshd(sshd: SshdHandle, files: VerifierFiles): Promise<void> {
  await fs.appendFile(files.userKnownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
}

/** The test sshd as an endpoint. */
export function endpointOf(sshd: SshdHandle): SshEndpoint {
  return { host: sshd.host, port: sshd.port, username: sshd.username };
}

/** A reconnecting connection to the test sshd with quick backoff. */
export function connectionTo(sshd: SshdHandle, verifier: HostKeyVerifier): SshConnection {
  return new SshConnection({
    route: async () => ({
      target: { endpoint: endpointOf(sshd), credentials: { privateKey: sshd.clientPrivateKey } },
      jumps: [],
    }),
    verifier,
    backoff: { initialMs: 100, maxMs: 1000 },
    keepaliveIntervalMs: 1000,
  });
}

/** A saved-profile shape for the test sshd (key file auth). */
export function sshdProfile(sshd: SshdHandle, extra: Partial<SshProfile> = {}): SshProfile {
  return {
    id: 'test-sshd',
    name: 'test sshd',
    kind: 'ssh',
    host: sshd.host,
    port: sshd.port,
    user: sshd.username,
    auth: { method: 'key', keyFile: sshd.clientKeyPath },
    jump: null,
    coinDir: path.resolve(import.meta.dirname, '..', '..', '..'),
    workingDir: '/nonexistent',
    instanceKind: 'private',
    serviceManager: 'coin-service',
    instancePort: 0,
    ...extra,
  };
}

/**
 * Makes the server drop every connection, as a crash of sshd's per-connection processes would:
 * kills them (not the listening sshd), so clients see their TCP connection end.
 */
export async function dropAllConnections(sshd: SshdHandle): Promise<number> {
  const sessions = descendantsOf(sshd.pid).filter((p) => commandLine(p.pid).startsWith('sshd:'));
  signalAll(sessions, 'SIGKILL');
  await waitUntilGone(sessions, 5000);
  return sessions.length;
}
