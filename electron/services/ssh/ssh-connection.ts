/**
 * One SSH connection per profile, shared by commands, SFTP, the journal stream and tunnels. When
 * an established connection drops it reconnects with exponential backoff until it is closed or
 * meets a host key or credentials it must not retry; every state change is observable.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import type { ConnectionState } from '../../common/instance-schemas';
import type { HostKeyVerifier } from './host-key-verifier';
import { KeyPassphraseError } from './key-passphrase';
import { connectSshChain, HostKeyRejectedError, SshAuthError, type SshRoute } from './ssh-connect';

/** How to reach the server and how patiently to retry. */
export interface SshConnectionOptions {
  /**
   * The target, its jump hosts, and the credentials of each. Worked out again at every
   * attempt, so a fixed key file, an edited ~/.ssh/config or a key unlocked since is picked up
   * without a restart (and a locked key stops the attempt before anything is sent).
   */
  route: () => Promise<SshRoute>;
  verifier: HostKeyVerifier;
  /** First reconnect delay and its cap (ms); defaults 250 and 30,000. */
  backoff?: { initialMs: number; maxMs: number };
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

/** The connection is closed for good (close() was called). */
export class ConnectionClosedError extends Error {}

const idleState: ConnectionState = {
  state: 'idle',
  attempt: 0,
  nextAttemptAt: null,
  error: null,
  hostKey: null,
};

/** An error no retry can fix: the user has to act (trust a key, fix credentials, enter a passphrase). */
export function isPermanentSshError(error: unknown): boolean {
  return (
    error instanceof HostKeyRejectedError ||
    error instanceof SshAuthError ||
    error instanceof KeyPassphraseError ||
    error instanceof ConnectionClosedError
  );
}

/** A reconnecting SSH connection to one server. */
export class SshConnection {
  private current: { client: Client; sftp?: Promise<SFTPWrapper> } | undefined;
  private connecting: Promise<Client> | undefined;
  private snapshot: ConnectionState = idleState;
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private closed = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: SshConnectionOptions) {}

  /** The current state. */
  state(): ConnectionState {
    return this.snapshot;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The connected client: connects when idle or failed, waits while (re)connecting. */
  client(): Promise<Client> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('the connection is closed'));
    if (this.current) return Promise.resolve(this.current.client);
    this.connecting ??= this.firstAttempt();
    return this.connecting;
  }

  /**
   * Opens something on the connection (a channel, a forward): when that fails because the
   * connection has just dropped and nobody noticed yet, it waits for the reconnect and tries again.
   * Only for opening: a failure to open means nothing ran on the server.
   */
  async withClient<T>(opener: (client: Client) => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.client();
      try {
        return await opener(client);
      } catch (error) {
        if (attempt >= attempts || this.closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** The SFTP session of the current client (one per connection). */
  async sftp(): Promise<SFTPWrapper> {
    const client = await this.client();
    const current = this.current;
    if (!current || current.client !== client) return this.sftp();
    if (!current.sftp) {
      const opening: Promise<SFTPWrapper> = new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
      ).then(
        (sftp) => {
          sftp.on('error', () => undefined); // failed requests reject on their own
          // A session that ends while the connection stays up is opened again next time.
          sftp.once('close', () => current.sftp === opening && (current.sftp = undefined));
          return sftp;
        },
        (error: unknown) => {
          current.sftp = undefined;
          throw error;
        },
      );
      current.sftp = opening;
    }
    return current.sftp;
  }

  /** Ends the connection and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    const client = this.current?.client;
    this.current = undefined;
    this.setState({ ...idleState, state: 'closed' });
    if (client) await endClient(client);
  }

  private async firstAttempt(): Promise<Client> {
    this.setState({ ...idleState, state: 'connecting' });
    try {
      return this.adopt(await this.open());
    } catch (error) {
      this.fail(error);
      throw error;
    } finally {
      this.connecting = undefined;
    }
  }

  // After an established connection dropped: retry with backoff until it works or must not be retried.
  private async reconnect(): Promise<Client> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 250, maxMs: 30_000 };
    for (let attempt = 1; ; attempt++) {
      const delay = Math.min(initialMs * 2 ** (attempt - 1), maxMs);
      const error = this.snapshot.error;
      this.setState({
        ...idleState,
        state: 'reconnecting',
        attempt,
        nextAttemptAt: Date.now() + delay,
        error,
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => (clearTimeout(timer), resolve());
      });
      if (this.closed) throw new ConnectionClosedError('the connection is closed');
      try {
        return this.adopt(await this.open());
      } catch (failure) {
        if (isPermanentSshError(failure)) {
          this.fail(failure);
          throw failure;
        }
        this.snapshot = { ...this.snapshot, error: (failure as Error).message };
      }
    }
  }

  private async open(): Promise<Client> {
    const { verifier } = this.options;
    const { target, jumps } = await this.options.route();
    const tuning = {
      readyTimeoutMs: this.options.readyTimeoutMs,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
    };
    return (await connectSshChain(jumps, target, verifier, tuning)).client;
  }

  private adopt(client: Client): Client {
    if (this.closed) {
      client.end();
      throw new ConnectionClosedError('the connection is closed');
    }
    this.current = { client };
    client.on('error', () => undefined); // a drop is reported by 'close'
    client.once('close', () => this.dropped(client));
    this.setState({ ...idleState, state: 'connected' });
    return client;
  }

  private dropped(client: Client): void {
    if (this.current?.client !== client || this.closed) return;
    this.current = undefined;
    this.snapshot = { ...this.snapshot, error: 'the connection dropped' };
    this.connecting = this.reconnect().finally(() => (this.connecting = undefined));
    this.connecting.catch(() => undefined);
  }

  private fail(error: unknown): void {
    const hostKey = error instanceof HostKeyRejectedError ? error.problem : null;
    const keyPassphrase =
      error instanceof KeyPassphraseError ? { keyFile: error.keyFile, problem: error.problem } : null;
    this.setState({ ...idleState, state: 'failed', error: (error as Error).message, hostKey, keyPassphrase });
  }

  private setState(state: ConnectionState): void {
    this.snapshot = state;
    for (const listener of this.listeners) listener(state);
  }
}

function endClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (client.destroy(), resolve()), 2000);
    client.once('close', () => (clearTimeout(timer), resolve()));
    client.end();
  });
}
