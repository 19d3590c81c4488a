/**
 * Serve the maintenance page for a working directory until SIGTERM/SIGINT, keeping its record
 * (pid and settings) in the directory meanwhile. Used by `coin maintenance` and by the detached
 * process an instance leaves behind when it stops (maintenance.mjs).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  removeMaintenanceRecord,
  writeMaintenanceRecord,
  type MaintenanceSettings,
} from './maintenance-record';
import { prepareWorkingDir } from '../working-dir';
import { startMaintenanceServer } from './maintenance-server';

/** Run until a signal; `onListening` hears the port once the page is served. */
export async function serveMaintenance(
  workingDir: string,
  settings: MaintenanceSettings,
  options: { waitForPortMs?: number; onListening?: (port: number) => void } = {},
): Promise<void> {
  const record = { ...settings, pid: process.pid, startedAt: new Date().toISOString() };
  await prepareWorkingDir(workingDir);
  // The record comes first, so an instance starting meanwhile finds this process and stops it.
  writeMaintenanceRecord(workingDir, record);
  try {
    const server = await startMaintenanceServer(settings, options.waitForPortMs);
    writeMaintenanceRecord(workingDir, { ...record, port: server.port });
    options.onListening?.(server.port);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
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
    { waitForPortMs: Number(values['wait-for-port-ms']) },
  );
}
