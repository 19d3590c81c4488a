/**
 * The maintenance page going on and off, in the audit trail. The instance is stopped while the
 * page is up, so the entries go to the working directory's audit journal (store/audit-journal.ts),
 * which the instance imports when it starts. The maintenance process records both: "on" once it
 * listens, "off" when it ends. Whoever stops it (`coin maintenance --stop`, a starting `coin run`)
 * leaves a stop request naming itself first (DIR/maintenance-stop.json), so the "off" says who; a
 * process that had to be killed cannot write, so its stopper records the "off" instead. Nothing
 * here loads zod or the store: the maintenance process must be up fast.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { AuditOrigin } from '../../core/instance-api-control';
import { appendAuditJournal } from '../store/audit-journal';

/** Who turns the page on or off, from where, and by what (`coin maintenance`, `coin run` started). */
export interface MaintenanceActor {
  actor: string;
  origin: AuditOrigin;
  via: string;
}

/** What the audit entries are about. */
export const maintenanceSubject = 'maintenance-page';
const stopRequestFile = (dir: string) => path.join(dir, 'maintenance-stop.json');

/** This process's user, acting from `origin` by `via`. */
export function thisUser(origin: AuditOrigin, via: string): MaintenanceActor {
  let actor: string;
  try {
    actor = userInfo().username;
  } catch {
    actor = process.env.USER ?? 'unknown';
  }
  return { actor, origin, via };
}

/** Where a command run over SSH came from (the client's address in SSH_CONNECTION), if it was. */
function sshClient(): { sshFrom: string } | Record<string, never> {
  const from = process.env.SSH_CONNECTION?.split(' ')[0];
  return from ? { sshFrom: from } : {};
}

/**
 * Append an entry to the audit journal; false (and a line on `warn`) when it cannot be written:
 * the page is served all the same.
 */
export function recordMaintenance(
  workingDir: string,
  action: 'maintenance-on' | 'maintenance-off',
  by: MaintenanceActor,
  details: Record<string, unknown>,
  warn: (message: string) => void = () => undefined,
): boolean {
  try {
    appendAuditJournal(workingDir, {
      actor: by.actor,
      origin: by.origin,
      action,
      subject: maintenanceSubject,
      details: { via: by.via, ...sshClient(), ...details },
    });
    return true;
  } catch (error) {
    warn(`the audit journal in ${workingDir} cannot be written: ${(error as Error).message}`);
    return false;
  }
}

/** Say who is about to stop the maintenance process `pid`. */
export function writeStopRequest(workingDir: string, pid: number, by: MaintenanceActor): void {
  try {
    writeFileSync(stopRequestFile(workingDir), `${JSON.stringify({ pid, ...by })}\n`);
  } catch {
    // Without it, the process records its own end (the signal), which is still an "off".
  }
}

/** The stop request addressed to `pid` (removed once read), if there is one. */
export function takeStopRequest(workingDir: string, pid: number): MaintenanceActor | undefined {
  try {
    const request = JSON.parse(readFileSync(stopRequestFile(workingDir), 'utf8')) as MaintenanceActor & {
      pid: number;
    };
    if (request.pid !== pid) return undefined;
    rmSync(stopRequestFile(workingDir), { force: true });
    return { actor: request.actor, origin: request.origin, via: request.via };
  } catch {
    return undefined;
  }
}
