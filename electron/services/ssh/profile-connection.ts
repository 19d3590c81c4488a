/** The SSH connection of a saved profile: its endpoint, jump host and credentials. */
import fs from 'node:fs/promises';
import os from 'node:os';
import type { SshProfile } from '../../common/instance-schemas';
import { DeskError } from '../../common/desk-api';
import type { HostKeyVerifier } from './host-key-verifier';
import { checkKeyPassphrase } from './key-passphrase';
import type { SshCredentials } from './ssh-connect';
import { SshConnection, type SshConnectionOptions } from './ssh-connection';

/** `~/x` as an absolute path. */
export function expandHome(file: string, home = os.homedir()): string {
  return file === '~' || file.startsWith('~/') ? home + file.slice(1) : file;
}

/**
 * The credentials a profile names: its key file's content (with its passphrase, when the key is
 * protected by one), or the agent socket. A protected key without its passphrase, or with a wrong
 * one, throws a KeyPassphraseError before any connection is made.
 */
export async function credentialsOf(
  profile: SshProfile,
  env: NodeJS.ProcessEnv = process.env,
  passphrase?: string,
): Promise<SshCredentials> {
  if (profile.auth.method === 'agent') {
    if (!env.SSH_AUTH_SOCK)
      throw new DeskError(
        'failed',
        'no SSH agent is running for this app (SSH_AUTH_SOCK is not set): use a key file',
      );
    return { agent: env.SSH_AUTH_SOCK };
  }
  const keyFile = expandHome(profile.auth.keyFile);
  let privateKey: Buffer;
  try {
    privateKey = await fs.readFile(keyFile);
  } catch (error) {
    throw new DeskError('failed', `cannot read the key file ${keyFile}: ${(error as Error).message}`);
  }
  checkKeyPassphrase(keyFile, privateKey, passphrase);
  return passphrase === undefined ? { privateKey } : { privateKey, passphrase };
}

/**
 * A (not yet opened) connection for `profile`, verified by `verifier`. `passphrase` is asked at
 * every attempt: the passphrase of the key file held in memory for the session, if any.
 */
export function connectionForProfile(
  profile: SshProfile,
  verifier: HostKeyVerifier,
  tuning: Pick<SshConnectionOptions, 'backoff' | 'readyTimeoutMs' | 'keepaliveIntervalMs'> = {},
  passphrase: () => string | undefined = () => undefined,
): SshConnection {
  return new SshConnection({
    endpoint: { host: profile.host, port: profile.port, username: profile.user },
    jump: profile.jump
      ? { host: profile.jump.host, port: profile.jump.port, username: profile.jump.user }
      : null,
    verifier,
    credentials: () => credentialsOf(profile, process.env, passphrase()),
    ...tuning,
  });
}

/** 'user@host:port' (and the jump host) for messages. */
export function describeProfileHost(profile: SshProfile): string {
  const via = profile.jump ? ` via ${profile.jump.user}@${profile.jump.host}:${profile.jump.port}` : '';
  return `${profile.user}@${profile.host}:${profile.port}${via}`;
}
