/**
 * The machine an instance runs on, as the admin services use it: this computer (LocalHost) or a
 * server over SSH (SshHost). Both satisfy one contract test (test/integration/ssh/host-contract).
 */
import type { FileVersion } from '../../common/instance-schemas';

/** How a finished command ended and what it printed. */
export interface CommandResult {
  /** Exit code; null when it was ended by a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Options of Host.run. */
export interface RunOptions {
  /** Text fed to the command's standard input (then closed). */
  input?: string;
  /** The command is ended after this long and run() rejects (default 60 s). */
  timeoutMs?: number;
}

/** Where a streaming command's output goes. */
export interface StreamHandlers {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
}

/** A command that keeps running and streaming until it ends or is stopped. */
export interface CommandStream {
  /** Settles when the command is gone: its exit, or a rejection when the connection to the host broke. */
  readonly done: Promise<{ code: number | null; signal: string | null }>;
  /** Ends the command (on the host too) and waits until it is gone. */
  stop(): Promise<void>;
}

/** A file's content with the version it was read at. */
export interface FileSnapshot {
  content: Buffer;
  version: FileVersion;
}

/** A local TCP port that reaches a port on the host's loopback. */
export interface PortForward {
  readonly localPort: number;
  /** Stops accepting connections and ends those in flight. */
  close(): Promise<void>;
}

/** The file changed on the host since it was read: the write was not done. */
export class FileChangedError extends Error {
  constructor(
    readonly path: string,
    /** What is there now (null: the file was removed). */
    readonly current: FileSnapshot | null,
  ) {
    super(`${path} was changed on the host since it was loaded; nothing was written`);
    this.name = 'FileChangedError';
  }
}

/** The operations the admin services need from a machine. */
export interface Host {
  /** For messages: 'this computer' or 'user@host:port'. */
  readonly description: string;

  /** Runs argv (no shell on this side; quoted for the remote shell over SSH) to completion. */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;

  /**
   * Starts argv and streams its output until it ends or stop() is called. Over SSH the remote
   * command is ended when the stream stops or the connection drops, never left running.
   */
  stream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream>;

  /** Reads a whole file with its version; null when it does not exist. */
  readFile(path: string): Promise<FileSnapshot | null>;

  /**
   * Replaces a file atomically: a temp file next to it, written and fsynced, renamed over it, so a
   * reader or a crash sees the old or the new content, never a mix. With `expected` (a version,
   * or null for "must not exist") it throws FileChangedError instead when the file differs now.
   */
  writeFileAtomic(path: string, content: Buffer, expected?: FileVersion | null): Promise<FileVersion>;

  /** A local port on 127.0.0.1 that reaches `remotePort` on the host's own loopback. */
  forwardPort(remotePort: number): Promise<PortForward>;

  /** Ends what the host holds open (connections, tunnels). */
  close(): Promise<void>;
}
