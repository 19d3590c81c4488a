/** A server reached over a profile's SSH connection as a Host: exec channels, SFTP, tunnels. */
import type { ClientChannel } from 'ssh2';
import type { FileVersion } from '../../common/instance-schemas';
import type { SshConnection } from '../ssh/ssh-connection';
import type {
  CommandResult,
  CommandStream,
  FileSnapshot,
  Host,
  PortForward,
  RunOptions,
  StreamHandlers,
} from './host';
import { sftpReadFile, sftpWriteFileAtomic } from './sftp-files';
import { shellCommand, stoppableCommand } from './shell-quote';
import { forwardLocalPort } from './ssh-port-forward';

/** The host at the other end of `connection`; every operation shares that one connection. */
export class SshHost implements Host {
  private readonly forwards = new Set<PortForward>();
  private closed = false;
  // Temp files of atomic writes cut short by a dropped connection, removed at the next write.
  private readonly leftoverTemps = new Set<string>();

  constructor(
    private readonly connection: SshConnection,
    readonly description: string,
  ) {}

  /** Runs argv through the remote user's shell, quoted. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const channel = await this.exec(shellCommand(argv));
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exit: { code: number | null; signal: string | null } | undefined;
      const timer = setTimeout(() => {
        channel.close();
        reject(new Error(`${argv[0]} on ${this.description} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.once(
        'exit',
        (code: number | null, signal?: string) => (exit = { code, signal: signal ?? null }),
      );
      channel.once('close', () => {
        clearTimeout(timer);
        if (!exit)
          return reject(new Error(`the connection to ${this.description} broke while ${argv[0]} ran`));
        resolve({
          ...exit,
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString(),
        });
      });
      channel.end(options.input ?? '');
    });
  }

  /** Runs argv so that it ends when the stream stops or the connection drops. */
  async stream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    const channel = await this.exec(stoppableCommand(argv));
    channel.on('data', (chunk: Buffer) => handlers.onStdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => handlers.onStderr?.(chunk));
    let exit: { code: number | null; signal: string | null } | undefined;
    channel.once('exit', (code: number | null, signal?: string) => (exit = { code, signal: signal ?? null }));
    const done = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) =>
      channel.once('close', () =>
        exit ? resolve(exit) : reject(new Error(`the connection to ${this.description} broke`)),
      ),
    );
    done.catch(() => undefined);
    return {
      done,
      stop: async () => {
        channel.end(); // EOF on stdin: the remote watcher ends the command
        const timer = setTimeout(() => channel.close(), 3000);
        await done.catch(() => undefined);
        clearTimeout(timer);
      },
    };
  }

  /** Reads the file over SFTP; null when it does not exist. */
  async readFile(file: string): Promise<FileSnapshot | null> {
    return sftpReadFile(await this.connection.sftp(), file);
  }

  /** Replaces the file over SFTP: temp file, fsync, posix-rename. */
  async writeFileAtomic(file: string, content: Buffer, expected?: FileVersion | null): Promise<FileVersion> {
    return sftpWriteFileAtomic(await this.connection.sftp(), file, content, expected, this.leftoverTemps);
  }

  /**
   * A local port tunnelled to the server's 127.0.0.1:remotePort; survives reconnects. Refused once
   * the host is closed: a forward that finishes opening after close() is closed again at once.
   */
  async forwardPort(remotePort: number): Promise<PortForward> {
    if (this.closed) throw new Error(`the connection to ${this.description} is closed`);
    const forward = await forwardLocalPort(this.connection, remotePort);
    if (this.closed) {
      await forward.close();
      throw new Error(`the connection to ${this.description} was closed while its tunnel opened`);
    }
    this.forwards.add(forward);
    return {
      localPort: forward.localPort,
      close: async () => {
        this.forwards.delete(forward);
        await forward.close();
      },
    };
  }

  /** Closes the tunnels and the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.forwards].map((f) => f.close()));
    this.forwards.clear();
    await this.connection.close();
  }

  // A channel's errors (writing to it after the connection dropped) show as a close without exit status.
  private exec(command: string): Promise<ClientChannel> {
    return this.connection.withClient(
      (client) =>
        new Promise((resolve, reject) =>
          client.exec(command, (error, channel) => {
            if (error) return reject(error);
            channel.on('error', () => undefined);
            resolve(channel);
          }),
        ),
    );
  }
}
