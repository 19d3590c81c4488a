/**
 * What an instance keeps in its working directory, in one place: the lock, the admin token, the
 * database, logs, artifacts, agents' work areas, caches, the service's files. Pure path building:
 * names are joined with '/', which Node takes on every platform and which a master's POSIX host
 * needs when the desktop app reads its directory over SSH.
 */
import * as z from 'zod';
import { runtimeConfigFileName } from './runtime-config/config-schema';

/** Every entry, as a '/'-separated path relative to the working directory. */
export const workingDirNames = {
  /** Who holds the directory: one instance at a time (lockInfoSchema). */
  lock: 'coin.lock',
  /** The admin token of the running instance (mode 0600, removed when it stops). */
  adminToken: 'admin-token',
  database: 'coin.db',
  runtimeConfig: runtimeConfigFileName,
  /** Written by an update while the maintenance page stands in for the instance. */
  maintenanceRecord: 'maintenance.json',
  maintenancePageLog: 'maintenance-page.log',
  /** The id OpenNebula VMs of this instance are tagged with. */
  instanceId: 'instance-id',
  /** The VM templates `coin provision` made that agents start from, and the earlier sets. */
  openNebulaTemplates: 'opennebula-templates.json',
  /** Work item logs (and their line-time indexes); swept at every start. */
  logs: 'logs',
  artifacts: 'artifacts',
  /** Work areas of local agents. */
  agents: 'agents',
  cache: 'cache',
  sourceCache: 'cache/sources',
  gerritMirror: 'gerrit/git',
  /** `coin service`: the daemon's pid, log and last state. */
  service: 'service',
  servicePid: 'service/coin.pid',
  serviceLog: 'service/coin.log',
  servicePreviousLog: 'service/coin.log.1',
  serviceState: 'service/state.json',
} as const;

/** The name of one entry of the working directory. */
export type WorkingDirEntry = keyof typeof workingDirNames;

/** The working directory's entries as paths under `root`. */
export type WorkingDirLayout = { readonly [entry in WorkingDirEntry]: string };

/** `entry` under `root` (`/srv/coin` + `lock` -> `/srv/coin/coin.lock`). */
export function inWorkingDir(root: string, entry: WorkingDirEntry): string {
  const trimmed = root.length > 1 ? root.replace(/[\\/]+$/, '') : root;
  return `${trimmed === '/' ? '' : trimmed}/${workingDirNames[entry]}`;
}

/** Every entry of the working directory at `root`. */
export function workingDirLayout(root: string): WorkingDirLayout {
  const entries = Object.keys(workingDirNames) as WorkingDirEntry[];
  return Object.fromEntries(entries.map((entry) => [entry, inWorkingDir(root, entry)])) as WorkingDirLayout;
}

/** What the lock file holds: its owner, and once the instance listens, its port. */
export const lockInfoSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  hostname: z.string(),
  /** The HTTP port of the running instance, once it listens (for the CLI and the app to find it). */
  port: z.number().int().min(0).optional(),
});
export type LockInfoRecord = z.infer<typeof lockInfoSchema>;

/** The lock's owner from the file's text; undefined when it is not a lock (empty, half written). */
export function parseLockInfo(text: string): LockInfoRecord | undefined {
  try {
    const parsed = lockInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
