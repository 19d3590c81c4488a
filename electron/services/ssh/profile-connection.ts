/**
 * The SSH connection of a saved profile: the target, its optional jump host (with its own user,
 * port and credentials: the profile's, else those ~/.ssh/config gives the jump alias, else the
 * target's), and the keys unlocked for the profile.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  ConnectionProfile,
  JumpHost,
  SshAuth,
  SshConfigHost,
  SshProfile,
} from '../../common/instance-schemas';
import { DeskError } from '../../common/desk-api';
import type { HostKeyVerifier } from './host-key-verifier';
import { sshConfigFor } from './ssh-config-loader';
import type { SshCredentials, SshEndpoint, SshRoute } from './ssh-connect';
import { SshConnection, type SshConnectionOptions } from './ssh-connection';
import type { UnlockedKeys } from './unlocked-keys';

/** `~/x` as an absolute path. */
export function expandHome(file: string, home = os.homedir()): string {
  return file === '~' || file.startsWith('~/') ? home + file.slice(1) : file;
}

/** What a profile's connection needs besides the profile. */
export interface ProfileConnectionDeps {
  verifier: HostKeyVerifier;
  /** The keys unlocked so far (shared by the app for its lifetime). */
  keys: UnlockedKeys;
  /** Where the user's ssh config is (the jump host's settings); default ~/.ssh. */
  sshDir?: string;
  /** For SSH_AUTH_SOCK; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** For `~` in key files; default os.homedir(). */
  home?: string;
}

/** Where the jump host's credentials came from. */
export type JumpAuthSource = 'profile' | 'ssh-config' | 'target';

/** A server of the route before its credentials are read: where it is and how to authenticate. */
export interface HopPlan {
  endpoint: SshEndpoint;
  auth: SshAuth;
}

/** The route of a profile before any file is read: each hop and how it authenticates. */
export interface RoutePlan {
  target: HopPlan;
  jump: (HopPlan & { authFrom: JumpAuthSource }) | null;
}

/**
 * The jump host's endpoint and authentication: each of port, user and credentials from the
 * profile when set, else from `config` (what ~/.ssh/config says about the jump alias; its
 * IdentityFile only if that file exists, as ssh skips missing ones), else port 22, `localUser`
 * and the target's credentials. The host is the alias's HostName.
 */
export function jumpPlanOf(
  jump: JumpHost,
  targetAuth: SshAuth,
  config: SshConfigHost,
  localUser: string,
): NonNullable<RoutePlan['jump']> {
  const endpoint = {
    host: config.hostName || jump.host,
    port: jump.port ?? config.port ?? 22,
    username: jump.user ?? config.user ?? localUser,
  };
  if (jump.auth) return { endpoint, auth: jump.auth, authFrom: 'profile' };
  if (config.identityFile)
    return { endpoint, auth: { method: 'key', keyFile: config.identityFile }, authFrom: 'ssh-config' };
  return { endpoint, auth: targetAuth, authFrom: 'target' };
}

/** The route of a profile: its target and jump host, with ~/.ssh/config read for the jump alias. */
export async function routePlanOf(
  profile: SshProfile,
  deps: Pick<ProfileConnectionDeps, 'sshDir' | 'home'>,
): Promise<RoutePlan> {
  const home = deps.home ?? os.homedir();
  const target = {
    endpoint: { host: profile.host, port: profile.port, username: profile.user },
    auth: profile.auth,
  };
  if (!profile.jump) return { target, jump: null };
  const config = await sshConfigFor(deps.sshDir ?? path.join(home, '.ssh'), profile.jump.host, home);
  const identityFile =
    config.identityFile && (await exists(expandHome(config.identityFile, home))) ? config.identityFile : null;
  return {
    target,
    jump: jumpPlanOf(profile.jump, profile.auth, { ...config, identityFile }, os.userInfo().username),
  };
}

/** The key files (absolute) a route plan authenticates with, the target's first, no duplicates. */
export function keyFilesOfPlan(plan: RoutePlan, home = os.homedir()): string[] {
  const files = [plan.target.auth, plan.jump?.auth].flatMap((auth) =>
    auth?.method === 'key' ? [expandHome(auth.keyFile, home)] : [],
  );
  return [...new Set(files)];
}

/** The key files a profile's connection authenticates with now (none for a local profile). */
export async function keyFilesOf(
  profile: ConnectionProfile,
  deps: Pick<ProfileConnectionDeps, 'sshDir' | 'home'>,
): Promise<string[]> {
  if (profile.kind !== 'ssh') return [];
  return keyFilesOfPlan(await routePlanOf(profile, deps), deps.home);
}

/**
 * Forgets the keys unlocked for a (just saved) profile that it no longer authenticates with:
 * a changed key file path, a jump host that now uses other credentials, a profile turned local.
 */
export async function forgetUnusedKeys(
  profile: ConnectionProfile,
  deps: ProfileConnectionDeps,
): Promise<void> {
  deps.keys.retain(profile.id, await keyFilesOf(profile, deps));
}

/**
 * The credentials of one hop: the key file's key (a protected one only once unlocked for the
 * profile, else a KeyPassphraseError before anything is sent), or the agent socket.
 */
async function credentialsOf(
  profileId: string,
  auth: SshAuth,
  deps: ProfileConnectionDeps,
): Promise<SshCredentials> {
  if (auth.method === 'agent') {
    const socket = (deps.env ?? process.env).SSH_AUTH_SOCK;
    if (!socket)
      throw new DeskError(
        'failed',
        'no SSH agent is running for this app (SSH_AUTH_SOCK is not set): use a key file',
      );
    return { agent: socket };
  }
  const keyFile = expandHome(auth.keyFile, deps.home);
  return { privateKey: await deps.keys.privateKey(profileId, keyFile) };
}

/**
 * The route of a profile with the credentials of each hop, read now: key files, ~/.ssh/config and
 * the unlocked keys (whose keys of files the profile no longer uses are forgotten on the way).
 * The jump host's credentials are read first: it is the first server contacted.
 */
export async function routeOf(profile: SshProfile, deps: ProfileConnectionDeps): Promise<SshRoute> {
  const plan = await routePlanOf(profile, deps);
  deps.keys.retain(profile.id, keyFilesOfPlan(plan, deps.home));
  const jump = plan.jump && {
    endpoint: plan.jump.endpoint,
    credentials: await credentialsOf(profile.id, plan.jump.auth, deps),
  };
  const target = {
    endpoint: plan.target.endpoint,
    credentials: await credentialsOf(profile.id, plan.target.auth, deps),
  };
  return { target, jump };
}

/** A (not yet opened) connection for `profile`; its route is worked out again at every attempt. */
export function connectionForProfile(
  profile: SshProfile,
  deps: ProfileConnectionDeps,
  tuning: Pick<SshConnectionOptions, 'backoff' | 'readyTimeoutMs' | 'keepaliveIntervalMs'> = {},
): SshConnection {
  return new SshConnection({ route: () => routeOf(profile, deps), verifier: deps.verifier, ...tuning });
}

/** 'user@host:port' (and the jump host as the profile names it) for messages. */
export function describeProfileHost(profile: SshProfile): string {
  const jump = profile.jump;
  const via = jump
    ? ` via ${jump.user ? `${jump.user}@` : ''}${jump.host}${jump.port ? `:${jump.port}` : ''}`
    : '';
  return `${profile.user}@${profile.host}:${profile.port}${via}`;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
