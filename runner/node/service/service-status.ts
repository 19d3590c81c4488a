/**
 * `coin service status`: running, stopped or failed, and since when. The judgement is a function
 * of the facts gathered from the service files, the process table and the instance lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readLockInfo } from '../store/instance-lock';
import { serviceFiles } from './service-files';
import {
  isRecordAlive,
  pidRecordSchema,
  readRecord,
  stateRecordSchema,
  type PidRecord,
  type StateRecord,
} from './service-records';

/** The state of a `coin service` daemon. */
export type ServiceState = 'running' | 'stopped' | 'failed';

/** What `coin service status --json` prints. */
export interface ServiceStatusReport {
  state: ServiceState;
  /** When it entered the state (ISO 8601); null when it never ran. */
  since: string | null;
  pid: number | null;
  /** The web server's port, once the instance listens. */
  port: number | null;
  workingDir: string;
  logFile: string;
  /** One line for people: why it is in this state. */
  detail: string;
}

/** What the judgement needs to know. */
export interface ServiceFacts {
  workingDir: string;
  logFile: string;
  pidRecord: PidRecord | undefined;
  /** Whether the process of pidRecord runs. */
  alive: boolean;
  stateRecord: StateRecord | undefined;
  /** Last modification of the log (ISO 8601): when a dead daemon last wrote. */
  logModifiedAt: string | undefined;
  /** The port in the instance lock, when the lock belongs to pidRecord's process. */
  lockPort: number | undefined;
}

/** Running, stopped or failed, from the gathered facts. */
export function judgeServiceStatus(facts: ServiceFacts): ServiceStatusReport {
  const report = (
    state: ServiceState,
    since: string | null,
    detail: string,
    pid = null as number | null,
  ) => ({
    state,
    since,
    pid,
    port: state === 'running' ? (facts.lockPort ?? null) : null,
    workingDir: facts.workingDir,
    logFile: facts.logFile,
    detail,
  });
  const record = facts.pidRecord;
  if (record && facts.alive) {
    const port = facts.lockPort;
    return report(
      'running',
      record.startedAt,
      port ? `listening on port ${port}` : 'starting: not listening yet',
      record.pid,
    );
  }
  if (record) {
    // The pidfile is still there, so nobody stopped it: the process died by itself.
    const last = facts.logModifiedAt && facts.logModifiedAt > record.startedAt ? facts.logModifiedAt : null;
    const since = last ?? record.startedAt;
    return report(
      'failed',
      since,
      `pid ${record.pid} exited without coin service stop (last output ${since}); see ${facts.logFile}`,
    );
  }
  if (facts.stateRecord)
    return report(facts.stateRecord.state, facts.stateRecord.since, facts.stateRecord.detail);
  return report('stopped', null, 'never started as a service here');
}

/** Gathers the facts of `workingDir` and judges them. */
export function serviceStatus(workingDir: string): ServiceStatusReport {
  const dir = path.resolve(workingDir);
  const files = serviceFiles(dir);
  const pidRecord = readRecord(files.pidFile, pidRecordSchema);
  const alive = pidRecord !== undefined && isRecordAlive(pidRecord);
  const lock = readLockInfo(dir);
  return judgeServiceStatus({
    workingDir: dir,
    logFile: files.logFile,
    pidRecord,
    alive,
    stateRecord: readRecord(files.stateFile, stateRecordSchema),
    logModifiedAt: modifiedAt(files.logFile),
    lockPort: lock && pidRecord && lock.pid === pidRecord.pid ? lock.port : undefined,
  });
}

function modifiedAt(file: string): string | undefined {
  try {
    return fs.statSync(file).mtime.toISOString();
  } catch {
    return undefined;
  }
}
