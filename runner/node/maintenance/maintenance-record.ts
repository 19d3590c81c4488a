/**
 * The maintenance server of a working directory and how the instance finds it: while it runs it
 * keeps `DIR/maintenance.json` (its pid and settings). `coin run` stops it before listening on
 * the same port (SIGTERM, then waits), and an instance that replaced one starts it again,
 * detached, when it stops: the guide's "maintenance webserver is automatically started" when
 * the service stops, and stopped when it starts.
 */
import { spawn } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv } from '../child-env';
import { runnerLayout } from '../runner-layout';
import {
  recordMaintenance,
  takeStopRequest,
  thisUser,
  writeStopRequest,
  type MaintenanceActor,
} from './maintenance-audit';

/** The file in the working directory. */
export const maintenanceFileName = 'maintenance.json';

/** How a maintenance server serves. */
export interface MaintenanceSettings {
  host: string;
  port: number;
  basePath: string;
  /** What the page says, e.g. "Coin is being updated". */
  message: string;
  /** The Retry-After of its 503 answers, in seconds. */
  retryAfterSeconds: number;
}

/** A running maintenance server. */
export interface MaintenanceRecord extends MaintenanceSettings {
  pid: number;
  startedAt: string;
}

/** Something that logs what happened (pino's logger fits). */
export interface MaintenanceLog {
  info(message: string): void;
  warn(message: string): void;
}

const fileOf = (workingDir: string) => path.join(workingDir, maintenanceFileName);

/** The record, or undefined when there is none (or it is unreadable). */
export function readMaintenanceRecord(workingDir: string): MaintenanceRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(fileOf(workingDir), 'utf8')) as MaintenanceRecord;
    return Number.isInteger(value.pid) && Number.isInteger(value.port) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Write the record atomically. */
export function writeMaintenanceRecord(workingDir: string, record: MaintenanceRecord): void {
  const temp = `${fileOf(workingDir)}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`);
  renameSync(temp, fileOf(workingDir));
}

/** Remove the record if it is still the one of `pid`. */
export function removeMaintenanceRecord(workingDir: string, pid: number): void {
  if (readMaintenanceRecord(workingDir)?.pid === pid) rmSync(fileOf(workingDir), { force: true });
}

/** True when `pid` is alive and (where /proc tells) a maintenance server, not a reused pid. */
export function isMaintenanceProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('maintenance');
  } catch {
    return true;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isMaintenanceProcess(pid)) return true;
    await sleep(20);
  }
  return !isMaintenanceProcess(pid);
}

/**
 * Stop the directory's maintenance server (SIGTERM, SIGKILL after timeoutMs) and remove its
 * record; resolves to its settings when one was running. `by` is who stops it, for the audit
 * trail (default: this user, as the instance that starts).
 */
export async function stopMaintenanceServer(
  workingDir: string,
  log?: MaintenanceLog,
  timeoutMs = 5000,
  by: MaintenanceActor = thisUser('instance', 'coin run started'),
): Promise<MaintenanceRecord | undefined> {
  const record = readMaintenanceRecord(workingDir);
  if (!record) return undefined;
  const running = isMaintenanceProcess(record.pid);
  if (running) {
    writeStopRequest(workingDir, record.pid, by);
    process.kill(record.pid, 'SIGTERM');
    if (!(await waitForExit(record.pid, timeoutMs))) {
      log?.warn(`the maintenance server (pid ${record.pid}) ignored SIGTERM: killing it`);
      process.kill(record.pid, 'SIGKILL');
      await waitForExit(record.pid, 1000);
      // It could not say it was stopped: its stopper does, and removes the request it never read.
      takeStopRequest(workingDir, record.pid);
      recordMaintenance(workingDir, 'maintenance-off', by, {
        pid: record.pid,
        port: record.port,
        killed: true,
      });
    }
    log?.info(`stopped the maintenance server (pid ${record.pid}) on port ${record.port}`);
  }
  rmSync(fileOf(workingDir), { force: true });
  return running ? record : undefined;
}

/** argv of the maintenance server process (this checkout's script or the bundled one). */
export function maintenanceCommand(): string[] {
  return [process.execPath, runnerLayout.maintenanceScript];
}

/**
 * Start a maintenance server that outlives this process (its own process group, no stdio). It
 * waits up to `waitForPortMs` for the port, so it can be started while the instance still
 * listens and take over the moment the instance lets go.
 */
export function startMaintenanceDetached(
  workingDir: string,
  settings: MaintenanceSettings,
  waitForPortMs = 30_000,
): number {
  const [command, ...args] = maintenanceCommand();
  const child = spawn(
    command!,
    [
      ...args,
      ...['--working-dir', workingDir, '--host', settings.host, '--port', String(settings.port)],
      ...['--base-path', settings.basePath, '--message', settings.message],
      ...['--retry-after', String(settings.retryAfterSeconds), '--wait-for-port-ms', String(waitForPortMs)],
      ...['--origin', 'instance', '--via', 'coin run stopped'],
    ],
    { detached: true, stdio: 'ignore', env: childEnv() },
  );
  child.unref();
  return child.pid ?? 0;
}
