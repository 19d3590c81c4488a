/**
 * `coin maintenance`: serve the maintenance page on the instance's port while the instance is
 * stopped for an update; `coin run` stops it when it starts (and leaves one running again when
 * it stops). `--stop` stops it by hand. Both are recorded in the audit trail (through the
 * working directory's audit journal, which the instance imports when it starts): who (this user,
 * or --actor), from where (--origin, default cli) and when.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import path from 'node:path';
import { thisUser, type MaintenanceActor } from '../node/maintenance/maintenance-audit';
import { serveMaintenance } from '../node/maintenance/maintenance-main';
import {
  isMaintenanceProcess,
  readMaintenanceRecord,
  stopMaintenanceServer,
} from '../node/maintenance/maintenance-record';
import { readWorkingDirLock } from '../client/working-dir-instance';
import { instanceBasePath } from '../core/instance-api';
import { auditOrigins, type AuditOrigin } from '../core/instance-api-control';
import type { CliIo } from './cli-io';

interface MaintenanceOptions {
  workingDir: string;
  port: string;
  host: string;
  basePath: string;
  message: string;
  retryAfter: string;
  stop?: boolean;
  actor?: string;
  origin: string;
}

/** Origins a person's command may claim (the instance's own is for the instance). */
const commandOrigins = auditOrigins.filter((o) => o !== 'instance' && o !== 'unknown');

/** Who acts, from --actor and --origin. */
function actorOf(opts: MaintenanceOptions, io: CliIo, via: string): MaintenanceActor {
  if (!(commandOrigins as readonly string[]).includes(opts.origin))
    throw io.usageError(`--origin must be one of ${commandOrigins.join(', ')}, got '${opts.origin}'`);
  const by = thisUser(opts.origin as AuditOrigin, via);
  const actor = opts.actor
    ?.replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 100);
  return actor ? { ...by, actor } : by;
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

async function stop(dir: string, io: CliIo, by: MaintenanceActor): Promise<void> {
  const stopped = await stopMaintenanceServer(dir, undefined, undefined, by);
  if (stopped) return io.out(`stopped the maintenance server (pid ${stopped.pid}) on port ${stopped.port}`);
  io.err(`coin: no maintenance server runs for ${dir}`);
  io.setExitCode(1);
}

async function maintenance(opts: MaintenanceOptions, io: CliIo): Promise<void> {
  const dir = path.resolve(opts.workingDir);
  if (opts.stop) return stop(dir, io, actorOf(opts, io, 'coin maintenance --stop'));
  const by = actorOf(opts, io, 'coin maintenance');
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
    by,
    warn: (message) => io.err(`coin: ${message}`),
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
    .option('--actor <name>', 'who turns the page on or off, for the audit trail (default: this user)')
    .option('--origin <origin>', `where from, for the audit trail: ${commandOrigins.join(', ')}`, 'cli')
    .action((opts: MaintenanceOptions) => maintenance(opts, io));
}
