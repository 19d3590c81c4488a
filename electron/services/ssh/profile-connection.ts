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
import { identityAgent } from './identity-agent';
import { jumpChain, type ChainHop } from './jump-chain';
import { hopSettingsFor, type HopSettings } from './ssh-config';
import { loadSshConfigEntries } from './ssh-config-loader';
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
  /** IdentityAgent of ~/.ssh/config: a socket path ('SSH_AUTH_SOCK': the environment's), null for none. */
  agentSocket?: string | null;
  /** IdentitiesOnly: the public key files whose keys alone the agent may offer. */
  onlyKeys?: string[];
}

/** A jump host's plan and where its credentials came from. */
export type JumpPlan = HopPlan & { authFrom: JumpAuthSource };

/** The route of a profile before any key is read: the jump hosts (first contacted first), the target. */
export interface RoutePlan {
  target: HopPlan;
  jumps: JumpPlan[];
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
): JumpPlan {
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

/** IdentityAgent and IdentitiesOnly of a host added to its plan; the agent stands in for the target's credentials. */
function withAgent<T extends HopPlan>(plan: T & { authFrom?: JumpAuthSource }, settings: HopSettings): T {
  const useAgent = settings.identityAgent !== null && plan.authFrom === 'target';
  return {
    ...plan,
    ...(useAgent ? { auth: { method: 'agent' }, authFrom: 'ssh-config' } : {}),
    ...(settings.noAgent
      ? { agentSocket: null }
      : settings.identityAgent
        ? { agentSocket: settings.identityAgent }
        : {}),
    ...(settings.identitiesOnly
      ? { onlyKeys: settings.identityFiles.map((f) => (f.endsWith('.pub') ? f : `${f}.pub`)) }
      : {}),
  };
}

/**
 * The plan of each jump host. The profile's port, user and credentials apply to the last one
 * (the host that reaches the target); the others take theirs from the ProxyJump text and
 * ~/.ssh/config. Only an IdentityFile in `existing` counts, as ssh skips missing ones.
 */
function jumpPlansOf(profile: SshProfile, hops: ChainHop[], existing: ReadonlySet<string>): JumpPlan[] {
  const own = profile.jump!;
  return hops.map((hop, index) => {
    const last = index === hops.length - 1;
    const jump: JumpHost = last
      ? { ...own, host: hop.alias, port: own.port ?? hop.port, user: own.user ?? hop.user }
      : { host: hop.alias, port: hop.port, user: hop.user, auth: null };
    const keyFile = hop.settings.identityFiles.find((f) => !f.endsWith('.pub') && existing.has(f)) ?? null;
    const config = { ...hop.settings, alias: hop.alias, identityFile: keyFile, proxyJump: null, source: '' };
    return withAgent<JumpPlan>(jumpPlanOf(jump, profile.auth, config, os.userInfo().username), hop.settings);
  });
}

/** The route of a profile: its jump hosts (ProxyJump chains, from ~/.ssh/config too) and its target. */
export async function routePlanOf(
  profile: SshProfile,
  deps: Pick<ProfileConnectionDeps, 'sshDir' | 'home'>,
): Promise<RoutePlan> {
  const home = deps.home ?? os.homedir();
  const sshDir = deps.sshDir ?? path.join(home, '.ssh');
  const { entries } = await loadSshConfigEntries(path.join(sshDir, 'config'), sshDir);
  const context = { home, localUser: os.userInfo().username };
  const target = withAgent<HopPlan>(
    { endpoint: { host: profile.host, port: profile.port, username: profile.user }, auth: profile.auth },
    hopSettingsFor(profile.host, entries, context),
  );
  if (!profile.jump) return { target, jumps: [] };
  let hops: ChainHop[];
  try {
    hops = jumpChain(profile.jump.host, entries, context);
  } catch (error) {
    throw new DeskError('failed', (error as Error).message);
  }
  const files = hops.flatMap((hop) => hop.settings.identityFiles);
  const existing = new Set(
    (await Promise.all(files.map(async (f) => ((await exists(f)) ? f : '')))).filter(Boolean),
  );
  return { target, jumps: jumpPlansOf(profile, hops, existing) };
}

/** The key files (absolute) a route plan authenticates with, the target's first, no duplicates. */
export function keyFilesOfPlan(plan: RoutePlan, home = os.homedir()): string[] {
  const files = [plan.target, ...plan.jumps].flatMap(({ auth }) =>
    auth.method === 'key' ? [expandHome(auth.keyFile, home)] : [],
  );
  return [...new Set(files)];
}

/** The key files a profile's connection authenticates with now (none for a local profile). */
export async function keyFilesOf(
  profile: ConnectionProfile,
  deps: Pick<ProfileConnectionDeps, 'sshDir' | 'home'>,
): Promise<string[]> {
  if (profile.kind !== 'ssh') return [];
  // A ~/.ssh/config the route cannot be read from (a ProxyJump loop) is reported when connecting.
  const plan = await routePlanOf(profile, deps).catch(() => undefined);
  const auth = profile.auth;
  if (!plan) return auth.method === 'key' ? [expandHome(auth.keyFile, deps.home)] : [];
  return keyFilesOfPlan(plan, deps.home);
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

// The agent a hop may use: IdentityAgent's socket, else SSH_AUTH_SOCK; null for IdentityAgent none.
function agentSocketOf(hop: HopPlan, deps: ProfileConnectionDeps): string | null {
  if (hop.agentSocket === null) return null;
  const env = (deps.env ?? process.env).SSH_AUTH_SOCK ?? null;
  return hop.agentSocket && hop.agentSocket !== 'SSH_AUTH_SOCK' ? hop.agentSocket : env;
}

/**
 * The credentials of one hop: the key file's key (a protected one only once unlocked for the
 * profile, else a KeyPassphraseError before anything is sent), or the agent; with IdentityAgent
 * set, the agent is offered before the key file, as ssh does.
 */
async function credentialsOf(
  profileId: string,
  hop: HopPlan,
  deps: ProfileConnectionDeps,
): Promise<SshCredentials> {
  const socket = agentSocketOf(hop, deps);
  if (hop.auth.method === 'agent') {
    if (!socket)
      throw new DeskError(
        'failed',
        hop.agentSocket === null
          ? `~/.ssh/config says IdentityAgent none for ${hop.endpoint.host}: use a key file`
          : 'no SSH agent is running for this app (SSH_AUTH_SOCK is not set): use a key file',
      );
    return { agent: await identityAgent(socket, hop.onlyKeys ?? null) };
  }
  const keyFile = expandHome(hop.auth.keyFile, deps.home);
  const privateKey = await deps.keys.privateKey(profileId, keyFile);
  if (!hop.agentSocket || !socket) return { privateKey };
  return { privateKey, agent: await identityAgent(socket, hop.onlyKeys ?? null) };
}

/**
 * The route of a profile with the credentials of each hop, read now: key files, ~/.ssh/config and
 * the unlocked keys (whose keys of files the profile no longer uses are forgotten on the way).
 * The jump hosts' credentials are read first, in order: they are contacted first.
 */
export async function routeOf(profile: SshProfile, deps: ProfileConnectionDeps): Promise<SshRoute> {
  const plan = await routePlanOf(profile, deps);
  deps.keys.retain(profile.id, keyFilesOfPlan(plan, deps.home));
  const jumps = [];
  for (const hop of plan.jumps)
    jumps.push({ endpoint: hop.endpoint, credentials: await credentialsOf(profile.id, hop, deps) });
  const target = {
    endpoint: plan.target.endpoint,
    credentials: await credentialsOf(profile.id, plan.target, deps),
  };
  return { target, jumps };
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
