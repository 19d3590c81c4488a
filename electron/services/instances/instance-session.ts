/**
 * Everything the app holds open for one profile: its host (this computer, or the server over the
 * profile's one SSH connection), the service controller, the journal follower and dashboard tunnels.
 */
import path from 'node:path';
import { DeskError } from '../../common/desk-api';
import type { ConnectionProfile, ConnectionState } from '../../common/instance-schemas';
import type { Host, PortForward } from '../host/host';
import { LocalHost } from '../host/local-host';
import { SshHost } from '../host/ssh-host';
import { JournalFollower } from '../journal/journal-follower';
import { journaldSource, serviceLogSource } from '../journal/journal-sources';
import { CoinServiceController } from '../service/coin-service-controller';
import { detectServiceManager, type ServiceController } from '../service/service-controller';
import { SystemdController } from '../service/systemd-controller';
import {
  connectionForProfile,
  describeProfileHost,
  keyFilesOf,
  type ProfileConnectionDeps,
} from '../ssh/profile-connection';
import type { SshConnection } from '../ssh/ssh-connection';

/** What sessions share: the host-key verifier, the unlocked keys (they outlive sessions), ~/.ssh. */
export interface SessionDeps extends ProfileConnectionDeps {
  /** argv of the `coin` CLI bundled with the app (for local profiles without a Coin directory). */
  localCoinCommand: readonly string[];
}

const connectedLocally: ConnectionState = {
  state: 'connected',
  attempt: 0,
  nextAttemptAt: null,
  error: null,
  hostKey: null,
  keyPassphrase: null,
};

/** The open state of one profile. */
export class InstanceSession {
  readonly host: Host;
  private readonly connection: SshConnection | null;
  private controllerPromise: Promise<ServiceController> | undefined;
  private follower: JournalFollower | undefined;
  private readonly forwards = new Map<number, Promise<PortForward>>();
  private closed = false;

  constructor(
    private current: ConnectionProfile,
    private readonly deps: SessionDeps,
  ) {
    const profile = current;
    if (profile.kind === 'ssh') {
      this.connection = connectionForProfile(profile, deps);
      this.host = new SshHost(this.connection, describeProfileHost(profile));
    } else {
      this.connection = null;
      this.host = new LocalHost();
    }
  }

  /** The profile as last saved. */
  get profile(): ConnectionProfile {
    return this.current;
  }

  /**
   * Takes a newer version of the profile that connects the same way (only its report settings,
   * the tracker URL and the restart announcement, changed): the connection and tunnels stay.
   */
  adopt(profile: ConnectionProfile): void {
    this.current = profile;
  }

  /** The SSH connection's state (always connected for this computer). */
  connectionState(): ConnectionState {
    return this.connection?.state() ?? connectedLocally;
  }

  /** Connects if needed; rejects with the reason (a host key problem, credentials, the network). */
  async connect(): Promise<void> {
    await this.connection?.client();
  }

  /**
   * Unlocks the key file the connection last asked a passphrase for (else the profile's own key
   * file) and keeps the decrypted key in the app's memory for this profile, beyond this session (a
   * wrong passphrase throws a KeyPassphraseError and keeps nothing). Nothing is ever written.
   */
  async unlockKey(passphrase: string): Promise<void> {
    const { profile } = this;
    const files = await keyFilesOf(profile, this.deps);
    const asked = this.connection?.state().keyPassphrase?.keyFile;
    const keyFile = asked && files.includes(asked) ? asked : files[0];
    if (!keyFile) throw new DeskError('bad-input', `${profile.name} does not use a key file`);
    await this.deps.keys.unlock(profile.id, keyFile, passphrase);
  }

  /** argv of the `coin` CLI on the profile's host. */
  coinCommand(): string[] {
    const { profile } = this;
    if (profile.kind === 'local' && !profile.coinDir) return [...this.deps.localCoinCommand];
    const script = path.posix.join(profile.coinDir, 'runner', 'cli', 'coin.mjs');
    return profile.kind === 'local' ? [process.execPath, script] : ['node', script];
  }

  /** The service controller the profile asks for (detected once when 'auto'). */
  controller(): Promise<ServiceController> {
    this.controllerPromise ??= this.makeController().catch((error: unknown) => {
      this.controllerPromise = undefined;
      throw error;
    });
    return this.controllerPromise;
  }

  /** The journal follower of this instance, started on first use. */
  async journal(): Promise<JournalFollower> {
    this.refuseWhenClosed();
    if (!this.follower) {
      const controller = await this.controller();
      this.refuseWhenClosed();
      const source =
        controller.manager === 'systemd'
          ? journaldSource()
          : serviceLogSource(this.host, {
              coinCommand: this.coinCommand(),
              workingDir: this.profile.workingDir,
            });
      this.follower ??= new JournalFollower(this.host, source);
      this.follower.start();
    }
    return this.follower;
  }

  /** Stops following the journal. */
  async stopJournal(): Promise<void> {
    const follower = this.follower;
    this.follower = undefined;
    await follower?.stop();
  }

  /** A local port reaching `remotePort` on the host (one tunnel per remote port, kept open). */
  async localPortFor(remotePort: number): Promise<number> {
    this.refuseWhenClosed();
    let forward = this.forwards.get(remotePort);
    if (!forward) {
      forward = this.host.forwardPort(remotePort);
      forward.catch(() => this.forwards.delete(remotePort));
      this.forwards.set(remotePort, forward);
    }
    return (await forward).localPort;
  }

  /** Stops the journal, closes the tunnels and the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopJournal();
    const forwards = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(forwards.map((f) => f.then((x) => x.close()).catch(() => undefined)));
    await this.host.close();
  }

  // A tunnel or journal follower opened after close() would outlive the session: nothing closes it.
  private refuseWhenClosed(): void {
    if (this.closed) throw new DeskError('failed', `the session of ${this.profile.name} is closed`);
  }

  private async makeController(): Promise<ServiceController> {
    const { profile } = this;
    const manager =
      profile.serviceManager === 'auto' ? await detectServiceManager(this.host) : profile.serviceManager;
    if (manager === 'systemd') return new SystemdController(this.host);
    return new CoinServiceController(this.host, {
      coinCommand: this.coinCommand(),
      workingDir: profile.workingDir,
      instanceKind: profile.instanceKind,
      instancePort: profile.instancePort,
    });
  }
}
