/**
 * `coin maintenance`: serve the maintenance page on the instance's port while the instance is
 * stopped for an update; `coin run` stops it when it starts (and leaves one running again when
 * it stops). `--stop` stops it by hand.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import path from 'node:path';
import { serveMaintenance } from '../node/maintenance/maintenance-main';
import {
  isMaintenanceProcess,
  readMaintenanceRecord,
  stopMaintenanceServer,
} from '../node/maintenance/maintenance-record';
import { readWorkingDirLock } from '../client/working-dir-instance';
import { instanceBasePath } from '../core/instance-api';
import type { CliIo } from './cli-io';

interface MaintenanceOptions {
  workingDir: string;
  port: string;
  host: string;
  basePath: string;
  message: string;
  retryAfter: string;
  stop?: boolean;
}

/** The pid of a live instance in the directory (same host), or undefined. */
function runningInstance(dir: string): number | undefined {
  const lock = readWorkingDirLock(dir);
  if (!lock || lock.hostname !== hostname()) return lock ? lock.pid : undefined;
  try {
    process.kill(lock.pid, 0);
    return lock.pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? lock.pid : undefined;
  }
}

function wholeNumber(io: CliIo, flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw io.usageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

async function stop(dir: string, io: CliIo): Promise<void> {
  const stopped = await stopMaintenanceServer(dir);
  if (stopped) return io.out(`stopped the maintenance server (pid ${stopped.pid}) on port ${stopped.port}`);
  io.err(`coin: no maintenance server runs for ${dir}`);
  io.setExitCode(1);
}

async function maintenance(opts: MaintenanceOptions, io: CliIo): Promise<void> {
  const dir = path.resolve(opts.workingDir);
  if (opts.stop) return stop(dir, io);
  const settings = {
    host: opts.host,
    port: wholeNumber(io, '--port', opts.port, 0),
    basePath: opts.basePath.replace(/\/$/, ''),
    message: opts.message,
    retryAfterSeconds: wholeNumber(io, '--retry-after', opts.retryAfter, 1),
  };
  const instance = runningInstance(dir);
  if (instance !== undefined) {
    io.err(
      `coin: a Coin instance (pid ${instance}) is running in ${dir}: stop it first; the page replaces it`,
    );
    return io.setExitCode(1);
  }
  const other = readMaintenanceRecord(dir);
  if (other && isMaintenanceProcess(other.pid)) {
    io.err(`coin: a maintenance server (pid ${other.pid}) already serves ${dir} on port ${other.port}`);
    return io.setExitCode(1);
  }
  await serveMaintenance(dir, settings, {
    onListening: (port) =>
      io.out(
        `maintenance page at http://${settings.host}:${port}${settings.basePath}/ (coin run replaces it)`,
      ),
  });
}

/** Register `coin maintenance`. */
export function addMaintenancePageCommand(program: Command, io: CliIo): void {
  program
    .command('maintenance')
    .description(
      'serve the maintenance page (503 on the API) while the instance is stopped; coin run stops it',
    )
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--port <n>', "the instance's port", '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--base-path <path>', 'URL path of the web server', instanceBasePath)
    .option('--message <text>', 'what the page says', `Coin on ${hostname()} is being updated.`)
    .option('--retry-after <seconds>', 'Retry-After of the 503 answers', '60')
    .option('--stop', 'stop the maintenance server of the working directory instead')
    .action((opts: MaintenanceOptions) => maintenance(opts, io));
}
