/** This computer as a Host: child processes, local files, and its loopback ports as they are. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FileVersion } from '../../common/instance-schemas';
import { childEnv } from '../../../runner/node/child-env';
import { fileVersionOf, sameVersion } from './file-version';
import {
  FileChangedError,
  type CommandResult,
  type CommandStream,
  type FileSnapshot,
  type Host,
  type PortForward,
  type RunOptions,
  type StreamHandlers,
} from './host';

/**
 * The environment of a command on this computer. A command that is this very executable inside
 * Electron (a packaged app running its own `coin` CLI for a local profile) needs
 * ELECTRON_RUN_AS_NODE, or it would start a second app instead of running as Node.
 */
export function localCommandEnv(
  command: string,
  self: { execPath: string; electron: string | undefined } = {
    execPath: process.execPath,
    electron: process.versions.electron,
  },
): Record<string, string> {
  return command === self.execPath && self.electron ? childEnv({ ELECTRON_RUN_AS_NODE: '1' }) : childEnv();
}

/** The machine the app runs on. */
export class LocalHost implements Host {
  readonly description = 'this computer';
  // Commands still running (a service start, a followed log), ended by close().
  private readonly running = new Set<ChildProcess>();

  private track(child: ChildProcess): ChildProcess {
    this.running.add(child);
    child.once('close', () => this.running.delete(child));
    child.once('error', () => this.running.delete(child));
    return child;
  }

  /** Runs argv without a shell, with the clean child environment. */
  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const [command = 'true', ...args] = argv;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { env: localCommandEnv(command), stdio: ['pipe', 'pipe', 'pipe'] });
      this.track(child);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command} did not finish within ${options.timeoutMs ?? 60_000} ms`));
      }, options.timeoutMs ?? 60_000);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => (clearTimeout(timer), reject(error)));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString(),
        });
      });
      // A command that exits without reading its input closes the pipe: not an error of the run.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }

  /** Spawns argv and streams its output; stop() sends SIGTERM. */
  async stream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    const [command = 'true', ...args] = argv;
    const child = spawn(command, args, { env: localCommandEnv(command), stdio: ['ignore', 'pipe', 'pipe'] });
    this.track(child);
    child.stdout.on('data', (chunk: Buffer) => handlers.onStdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => handlers.onStderr?.(chunk));
    const done = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    done.catch(() => undefined); // a spawn failure is reported by the await below
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return {
      done,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await done.catch(() => undefined);
      },
    };
  }

  /** Reads the file with its version; null when absent. */
  async readFile(file: string): Promise<FileSnapshot | null> {
    try {
      const [content, stat] = await Promise.all([fs.readFile(file), fs.stat(file)]);
      return { content, version: fileVersionOf(content, stat.mtimeMs) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Temp file, fsync, version check, rename; the file's mode is kept. */
  async writeFileAtomic(file: string, content: Buffer, expected?: FileVersion | null): Promise<FileVersion> {
    const mode = (await fs.stat(file).catch(() => undefined))?.mode ?? 0o644;
    const temp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.coin-admin-${randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await fs.open(temp, 'wx', mode & 0o7777);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (expected !== undefined) {
        const current = await this.readFile(file);
        if (!sameVersion(current?.version ?? null, expected)) throw new FileChangedError(file, current);
      }
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    return fileVersionOf(content, (await fs.stat(file)).mtimeMs);
  }

  /** Local ports need no forward: the port itself. */
  async forwardPort(remotePort: number): Promise<PortForward> {
    return { localPort: remotePort, close: async () => undefined };
  }

  /**
   * Ends the commands still running (SIGTERM, then SIGKILL after 5 s) and waits for them: the
   * app's end (or a closed profile session) leaves no process behind. A daemon a command started
   * on purpose (`coin service start`) is in its own session and stays.
   */
  async close(): Promise<void> {
    await Promise.all([...this.running].map((child) => endChild(child)));
  }
}

async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await closed;
  clearTimeout(timer);
}
