/**
 * Where `coin service` keeps its files: DIR/service/ holds the pidfile of the daemonised
 * `coin run`, its log (stdout and stderr, JSON lines) and the last recorded state. Not under
 * DIR/logs/, which holds only work-item logs and is swept at every start.
 */
import path from 'node:path';

/** The files of the service of one working directory. */
export interface ServiceFiles {
  readonly dir: string;
  /** JSON: the running process (pid, its start time, the arguments it was started with). */
  readonly pidFile: string;
  /** Everything the daemon writes to stdout and stderr. */
  readonly logFile: string;
  /** The log before the last rotation. */
  readonly previousLogFile: string;
  /** JSON: the last state change recorded by start/stop (stopped or failed, and when). */
  readonly stateFile: string;
}

/** The log is rotated (once, to coin.log.1) at a start when it is bigger than this. */
export const serviceLogRotateBytes = 64 * 1024 * 1024;

/** The service files of `workingDir`. */
export function serviceFiles(workingDir: string): ServiceFiles {
  const dir = path.join(path.resolve(workingDir), 'service');
  return {
    dir,
    pidFile: path.join(dir, 'coin.pid'),
    logFile: path.join(dir, 'coin.log'),
    previousLogFile: path.join(dir, 'coin.log.1'),
    stateFile: path.join(dir, 'state.json'),
  };
}
