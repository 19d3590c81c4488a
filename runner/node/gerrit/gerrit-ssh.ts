/**
 * The runner's SSH connection to Gerrit (ssh2): public-key authentication, the host key checked
 * by host-key.ts before anything is sent (there is no option to skip it), commands run with
 * `exec`, and long-running commands (`gerrit stream-events`) read line by line.
 */
import ssh2 from 'ssh2';
import type { GerritAddress } from '../../core/gerrit/gerrit-protocol';
import { formatCommand } from '../../core/gerrit/gerrit-protocol';
import { hostKeyVerifier, type HostKeyCheck } from './host-key';

export interface GerritSshOptions {
  readonly address: GerritAddress;
  /** The private key (OpenSSH or PEM text). */
  readonly privateKey: string | Buffer;
  readonly passphrase?: string;
  readonly hostKey: HostKeyCheck;
  readonly connectTimeoutMs?: number;
}

/** A command Gerrit refused: its exit code and what it wrote on stderr. */
export class GerritCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`gerrit: '${command}' failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || 'no message'}`);
    this.name = 'GerritCommandError';
  }
}

/** A command that keeps running: its lines arrive through onLine until it or the connection ends. */
export interface LineStream {
  /** Resolves when the command or the connection ended. */
  readonly closed: Promise<void>;
  /** Once closed: the command's exit code (null: none came) and what it wrote on stderr. */
  ended(): { exitCode: number | null; stderr: string };
  close(): void;
}

/** One authenticated connection. */
export class GerritSsh {
  private closedFlag = false;

  private constructor(private readonly client: ssh2.Client) {
    client.on('close', () => (this.closedFlag = true));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Connect and authenticate; rejects when the host key is not trusted or the key is refused. */
  static connect(options: GerritSshOptions): Promise<GerritSsh> {
    const { host, port, user } = options.address;
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let rejectedKey: string | undefined;
      const fail = (error: Error) => {
        client.removeAllListeners('ready');
        client.end();
        reject(rejectedKey ? new Error(`gerrit ${host}:${port}: ${rejectedKey}`) : error);
      };
      // A server that closes the connection before authentication (Gerrit restarting) emits no error.
      const closed = () =>
        fail(new Error(`gerrit ${host}:${port} closed the connection before authentication`));
      client.once('ready', () => {
        client.removeListener('error', fail);
        client.removeListener('close', closed);
        client.on('error', () => undefined);
        resolve(new GerritSsh(client));
      });
      client.once('error', fail);
      client.once('close', closed);
      client.connect({
        host,
        port,
        username: user,
        privateKey: options.privateKey,
        passphrase: options.passphrase,
        readyTimeout: options.connectTimeoutMs ?? 20_000,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        hostVerifier: hostKeyVerifier(options.hostKey, host, port, (why) => (rejectedKey = why)),
      });
    });
  }

  /** Run a command; resolves to its stdout, rejects with GerritCommandError on a non-zero exit. */
  run(argv: readonly string[], stdin?: string): Promise<string> {
    const command = formatCommand(argv);
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        channel.setEncoding('utf8');
        channel.stderr.setEncoding('utf8');
        channel.on('data', (chunk: string) => (stdout += chunk));
        channel.stderr.on('data', (chunk: string) => (stderr += chunk));
        channel.on('exit', (exitCode: number | null) => (code = exitCode));
        channel.on('close', () => {
          if (code === 0) resolve(stdout);
          else reject(new GerritCommandError(command, code, stderr));
        });
        if (stdin !== undefined) channel.end(stdin);
        else channel.end();
      });
    });
  }

  /** Run a command that keeps printing lines. */
  stream(argv: readonly string[], onLine: (line: string) => void): Promise<LineStream> {
    const command = formatCommand(argv);
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let buffered = '';
        channel.setEncoding('utf8');
        channel.on('data', (chunk: string) => {
          buffered += chunk;
          let newline;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline).replace(/\r$/, '');
            buffered = buffered.slice(newline + 1);
            if (line.trim() !== '') onLine(line);
          }
        });
        let stderr = '';
        let exitCode: number | null = null;
        channel.stderr.setEncoding('utf8');
        channel.stderr.on('data', (chunk: string) => (stderr += chunk.slice(0, 4000 - stderr.length)));
        channel.on('exit', (code: number | null) => (exitCode = code));
        const closed = new Promise<void>((done) => {
          channel.once('close', () => done());
          this.client.once('close', () => done());
        });
        resolve({ closed, ended: () => ({ exitCode, stderr }), close: () => channel.close() });
      });
    });
  }

  end(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }
}
