/**
 * Serve the maintenance page for a working directory until SIGTERM/SIGINT, keeping its record
 * (pid and settings) in the directory meanwhile. Used by `coin maintenance` and by the detached
 * process an instance leaves behind when it stops (maintenance.mjs). It records itself going on
 * and off in the audit journal (maintenance-audit.ts).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  removeMaintenanceRecord,
  writeMaintenanceRecord,
  type MaintenanceSettings,
} from './maintenance-record';
import type { AuditOrigin } from '../../core/instance-api-control';
import { prepareWorkingDir } from '../working-dir';
import { recordMaintenance, takeStopRequest, thisUser, type MaintenanceActor } from './maintenance-audit';
import { startMaintenanceServer } from './maintenance-server';

/** How serveMaintenance runs. */
export interface ServeOptions {
  waitForPortMs?: number;
  onListening?: (port: number) => void;
  /** Who turns the page on, for the audit trail (default: this user from the CLI). */
  by?: MaintenanceActor;
  /** Where a journal that cannot be written is reported. */
  warn?: (message: string) => void;
}

/**
 * Run until a signal; `onListening` hears the port once the page is served. The page going on
 * and off is recorded; the "off" names whoever left a stop request, else this process's own actor
 * and the signal.
 */
export async function serveMaintenance(
  workingDir: string,
  settings: MaintenanceSettings,
  options: ServeOptions = {},
): Promise<void> {
  const by = options.by ?? thisUser('cli', 'coin maintenance');
  const record = { ...settings, pid: process.pid, startedAt: new Date().toISOString() };
  await prepareWorkingDir(workingDir);
  // The record comes first, so an instance starting meanwhile finds this process and stops it.
  writeMaintenanceRecord(workingDir, record);
  try {
    const server = await startMaintenanceServer(settings, options.waitForPortMs);
    writeMaintenanceRecord(workingDir, { ...record, port: server.port });
    const about = { pid: process.pid, port: server.port };
    recordMaintenance(
      workingDir,
      'maintenance-on',
      by,
      { ...about, message: settings.message },
      options.warn,
    );
    options.onListening?.(server.port);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
    const stopper = takeStopRequest(workingDir, process.pid) ?? {
      ...by,
      via: `${by.via}, ended by ${signal}`,
    };
    recordMaintenance(workingDir, 'maintenance-off', stopper, about, options.warn);
  } finally {
    removeMaintenanceRecord(workingDir, process.pid);
  }
}

/** The detached process's entry: flags as startMaintenanceDetached passes them. */
export async function maintenanceMain(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'working-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'base-path': { type: 'string', default: '/coin' },
      message: { type: 'string', default: `Coin on ${hostname()} is being updated.` },
      'retry-after': { type: 'string', default: '60' },
      'wait-for-port-ms': { type: 'string', default: '0' },
      origin: { type: 'string', default: 'instance' },
      via: { type: 'string', default: 'coin run stopped' },
    },
  });
  if (!values['working-dir']) throw new Error('--working-dir is required');
  await serveMaintenance(
    values['working-dir'],
    {
      host: values.host,
      port: Number(values.port),
      basePath: values['base-path'],
      message: values.message,
      retryAfterSeconds: Number(values['retry-after']),
    },
    {
      waitForPortMs: Number(values['wait-for-port-ms']),
      // Set by startMaintenanceDetached only (the CLI checks what people give `coin maintenance`).
      by: thisUser(values.origin as AuditOrigin, values.via),
      warn: (message) => process.stderr.write(`coin maintenance: ${message}\n`),
    },
  );
}
