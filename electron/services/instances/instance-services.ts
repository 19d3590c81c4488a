/**
 * The Instances area's DeskApi methods: profiles, SSH host keys and config suggestions, service
 * control, the journal, the runtime configuration file and dashboard tunnels. One session per
 * profile holds its connection; saving or deleting a profile closes it.
 */
import os from 'node:os';
import path from 'node:path';
import { DeskError, type DeskApi } from '../../common/desk-api';
import type { ConnectionProfile, ServiceStatus } from '../../common/instance-schemas';
import type { InstancesMethod } from '../../common/instances-contract';
import { instanceRootUrl } from '../../../runner/core/instance-api';
import { defaultCoinCommand } from '../../../runner/node/service/service-daemon';
import { ProfileStore, profilesFile } from '../profiles/profile-store';
import { ServiceCommandError, type ServiceController } from '../service/service-controller';
import { HostKeyVerifier } from '../ssh/host-key-verifier';
import { forgetUnusedKeys } from '../ssh/profile-connection';
import { sshConfigSuggestions } from '../ssh/ssh-config-loader';
import { UnlockedKeys } from '../ssh/unlocked-keys';
import { readConfigFile, runtimeConfigPath, writeConfigFile } from './instance-config';
import { readDirectoryInstance } from './directory-instance';
import { InstanceSession, type SessionDeps } from './instance-session';
import { gatherInstanceStatus, instancePortOf } from './instance-status';

/** Where the services keep and find things. */
export interface InstanceServicesOptions {
  /** The app's data directory: profiles.json and the app's own known_hosts. */
  dataDir: string;
  /** The user's ~/.ssh (config and known_hosts); default os.homedir()/.ssh. */
  sshDir?: string;
  /** argv of the bundled `coin` CLI for local profiles; default this checkout's. */
  localCoinCommand?: readonly string[];
}

/** The DeskApi methods of the Instances area and a way to close every connection. */
export interface InstanceServices {
  api: Pick<DeskApi, InstancesMethod>;
  /**
   * The open session of a profile (opened on first use; replaced when the profile is saved), for
   * the app's other services that act on a profile's host (maintenance). Ask again for each piece
   * of work rather than keeping it: a saved profile closes the old session.
   */
  session(profileId: string): Promise<InstanceSession>;
  /** The app's data directory the services were created over (other services keep their state there too). */
  readonly dataDir: string;
  closeAll(): Promise<void>;
}

/** Create the Instances services over a data directory. */
export function createInstanceServices(options: InstanceServicesOptions): InstanceServices {
  const sshDir = options.sshDir ?? path.join(os.homedir(), '.ssh');
  const store = new ProfileStore(profilesFile(options.dataDir));
  const verifier = new HostKeyVerifier({
    userKnownHosts: [path.join(sshDir, 'known_hosts')],
    appKnownHosts: path.join(options.dataDir, 'known_hosts'),
  });
  // Keys unlocked with their passphrase: in memory, for the life of the app (see unlocked-keys.ts).
  const keys = new UnlockedKeys();
  const sessions = new Sessions(store, {
    verifier,
    keys,
    sshDir,
    localCoinCommand: options.localCoinCommand ?? defaultCoinCommand(),
  });
  return {
    api: { ...connectionMethods(store, sessions, verifier, sshDir), ...instanceMethods(sessions) },
    session: (profileId) => sessions.get(profileId),
    dataDir: options.dataDir,
    closeAll: async () => {
      await sessions.closeAll();
      keys.clear();
    },
  };
}

type Api = InstanceServices['api'];
type ConnectionMethods =
  | 'profilesList'
  | 'profilesSave'
  | 'profilesDelete'
  | 'sshHostsFromConfig'
  | 'sshTrustHostKey'
  | 'sshUnlockKey';

/** Profiles, ssh config suggestions and host-key trust. */
function connectionMethods(
  store: ProfileStore,
  sessions: Sessions,
  verifier: HostKeyVerifier,
  sshDir: string,
): Pick<Api, ConnectionMethods> {
  return {
    async profilesList() {
      return { profiles: await store.list() };
    },
    async profilesSave({ profile }) {
      const before = profile.id ? await store.get(profile.id).catch(() => null) : null;
      const saved = await store.save(profile);
      // The tracker URL and the restart announcement do not touch the connection: it stays open.
      if (!before || !sameConnection(before, saved)) await sessions.drop(saved.id);
      // An unlocked key stays unlocked across the save unless the profile no longer uses its file.
      await forgetUnusedKeys(saved, sessions.deps);
      return saved;
    },
    async profilesDelete({ id }) {
      await sessions.drop(id, { forgetKeys: true });
      return { deleted: await store.delete(id) };
    },
    async sshHostsFromConfig() {
      const found = await sshConfigSuggestions(sshDir);
      const problems = found.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
      return { file: found.file, hosts: found.hosts, problems };
    },
    async sshTrustHostKey({ profileId, fingerprint }) {
      const problem = (await sessions.get(profileId)).connectionState().hostKey;
      if (problem?.kind !== 'unknown' || problem.fingerprint !== fingerprint)
        throw new DeskError(
          'bad-input',
          'only the unknown key the server has just presented can be trusted here; a changed or revoked key never can',
        );
      verifier.trustPresented(problem.host, problem.port, fingerprint);
      return { trusted: true };
    },
    async sshUnlockKey({ profileId, passphrase }) {
      const session = await sessions.get(profileId);
      await session.unlockKey(passphrase); // a wrong passphrase throws here and is not kept
      await session.connect().catch(() => undefined); // the state says why it did not connect
      return { connection: session.connectionState() };
    },
  };
}

/** Status, service control, journal, configuration file and dashboard of a profile's instance. */
function instanceMethods(sessions: Sessions): Omit<Api, ConnectionMethods> {
  return {
    instanceStatus: async ({ profileId }) => gatherInstanceStatus(await sessions.get(profileId)),
    instanceDashboard: async ({ profileId }) => dashboardOf(await sessions.get(profileId)),
    async instanceDisconnect({ profileId }) {
      // Disconnecting on purpose also locks the profile's keys again (a drop does not).
      await sessions.drop(profileId, { forgetKeys: true });
      return {};
    },
    serviceStatus: ({ profileId }) => sessions.control(profileId, (c) => c.status()),
    serviceStart: ({ profileId }) => sessions.control(profileId, (c) => c.start()),
    serviceStop: ({ profileId, confirmed }) =>
      sessions.control(profileId, (c) => c.stop(), 'stop', confirmed),
    serviceRestart: ({ profileId, confirmed }) =>
      sessions.control(profileId, (c) => c.restart(), 'restart', confirmed),
    async journalRead({ profileId, after = 0, limit = 2000 }) {
      const follower = await (await sessions.get(profileId)).journal();
      return { ...follower.read(after, limit), source: follower.description, follower: follower.state() };
    },
    async journalStop({ profileId }) {
      await (await sessions.get(profileId)).stopJournal();
      return {};
    },
    async configRead({ profileId }) {
      const session = await sessions.get(profileId);
      return readConfigFile(session.host, runtimeConfigPath(session.profile.workingDir));
    },
    async configWrite({ profileId, content, baseVersion }) {
      const session = await sessions.get(profileId);
      return writeConfigFile(
        session.host,
        runtimeConfigPath(session.profile.workingDir),
        content,
        baseVersion,
      );
    },
  };
}

/**
 * The dashboard of whatever instance runs in the profile's working directory (its lock names the
 * port), whoever started it; the service manager's word only when the lock cannot be read.
 */
async function dashboardOf(session: InstanceSession): Promise<{ url: string; localPort: number }> {
  const { profile } = session;
  const instance = await readDirectoryInstance(session).catch(() => null);
  const port = instance
    ? instance.state === 'running'
      ? instance.port
      : null
    : instancePortOf(await (await session.controller()).status(), profile.instancePort);
  if (port === null)
    throw new DeskError(
      'failed',
      `${profile.name} is not running (${instance?.detail ?? 'its service is not active'}): start it first`,
    );
  const localPort = await session.localPortFor(port);
  return { url: instanceRootUrl(`http://127.0.0.1:${localPort}`), localPort };
}

/** Whether two versions of a profile connect the same way (they differ at most in report settings). */
function sameConnection(a: ConnectionProfile, b: ConnectionProfile): boolean {
  const strip = ({ trackerUrl: _t, announcementTemplate: _a, ...rest }: ConnectionProfile) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** The open sessions, one per profile, replaced when the profile changes. */
class Sessions {
  private readonly open = new Map<string, InstanceSession>();
  private closed = false;

  constructor(
    private readonly store: ProfileStore,
    readonly deps: SessionDeps,
  ) {}

  /**
   * The session of a profile, reopened when the saved profile connects differently from the open
   * one; a change of report settings only is taken over by the open session.
   */
  async get(profileId: string): Promise<InstanceSession> {
    const profile = await this.store.get(profileId);
    // After closeAll (the app ends) a new session would hold a connection nothing closes.
    if (this.closed) throw new DeskError('failed', 'the app is closing its connections');
    const current = this.open.get(profileId);
    if (current && sameConnection(current.profile, profile)) {
      current.adopt(profile);
      return current;
    }
    // Replaced before the old one is closed, so a concurrent get() finds this one, not a third.
    const session = new InstanceSession(profile, this.deps);
    this.open.set(profileId, session);
    await current?.close();
    return session;
  }

  /** Runs a service action, refusing stop/restart of a 'real' instance that was not confirmed. */
  async control(
    profileId: string,
    action: (controller: ServiceController) => Promise<ServiceStatus>,
    verb?: 'stop' | 'restart',
    confirmed?: boolean,
  ): Promise<ServiceStatus> {
    const session = await this.get(profileId);
    if (verb && session.profile.instanceKind === 'real' && confirmed !== true)
      throw new DeskError(
        'bad-input',
        `${session.profile.name} is the real instance: to ${verb} it, confirm first (running integrations are interrupted)`,
      );
    try {
      return await action(await session.controller());
    } catch (error) {
      if (error instanceof ServiceCommandError) throw new DeskError('failed', error.message);
      throw error;
    }
  }

  /** Closes the profile's session; `forgetKeys`: its unlocked keys too (else they stay for the next one). */
  async drop(profileId: string, { forgetKeys = false } = {}): Promise<void> {
    const session = this.open.get(profileId);
    this.open.delete(profileId);
    if (forgetKeys) this.deps.keys.forget(profileId);
    await session?.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
