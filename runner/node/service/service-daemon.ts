/**
 * `coin service start|stop|restart`: `coin run` as a daemon without a service manager (macOS
 * laptops, containers). The daemon is a detached process in its own session, its output appended
 * to DIR/service/coin.log, its pid in DIR/service/coin.pid; start returns once the instance
 * listens, stop once the process is gone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv } from '../child-env';
import { runnerLayout } from '../runner-layout';
import { readLockInfo } from '../store/instance-lock';
import { readLastLines } from './log-follower';
import { serviceFiles, serviceLogRotateBytes, type ServiceFiles } from './service-files';
import {
  isRecordAlive,
  pidRecordSchema,
  processStartOf,
  readRecord,
  stateRecordSchema,
  writeRecord,
  type PidRecord,
} from './service-records';
import { serviceStatus, type ServiceStatusReport } from './service-status';

/** How to start the daemon. */
export interface StartServiceOptions {
  workingDir: string;
  /** Options of `coin run` besides --working-dir and --log-format (which the service sets). */
  runArgs: readonly string[];
  /** How long to wait for the instance to listen. */
  timeoutMs: number;
  /** argv that runs the `coin` CLI (default: this Node and this checkout's coin.mjs). */
  coinCommand?: readonly string[];
}

/** The outcome of a start or stop. */
export interface ServiceChange {
  /** False when there was nothing to do (already running, already stopped). */
  changed: boolean;
  report: ServiceStatusReport;
}

/** The daemon did not come up; the message holds the end of its log. */
export class ServiceStartError extends Error {}

/** argv that runs this `coin` CLI (the checkout's coin.mjs or the bundled coin.cjs). */
export function defaultCoinCommand(): string[] {
  return [process.execPath, runnerLayout.coinScript];
}

/** Start `coin run` as a daemon and wait until it listens (or fails). */
export async function startService(options: StartServiceOptions): Promise<ServiceChange> {
  const dir = path.resolve(options.workingDir);
  const files = serviceFiles(dir);
  fs.mkdirSync(files.dir, { recursive: true });
  const current = serviceStatus(dir);
  if (current.state === 'running') return { changed: false, report: current };
  rotateLog(files);
  appendServiceLine(files, `coin service: starting coin run in ${dir}`);
  const record = spawnDaemon(files, dir, options);
  fs.rmSync(files.stateFile, { force: true });
  await waitUntilListening(files, dir, record, options.timeoutMs);
  return { changed: true, report: serviceStatus(dir) };
}

/** Stop the daemon: SIGTERM, then SIGKILL of its process group after `timeoutMs`. */
export async function stopService(workingDir: string, timeoutMs: number): Promise<ServiceChange> {
  const dir = path.resolve(workingDir);
  const files = serviceFiles(dir);
  const record = readRecord(files.pidFile, pidRecordSchema);
  if (!record || !isRecordAlive(record)) {
    if (record) recordState(files, 'stopped', `pid ${record.pid} had already exited`, record.runArgs);
    return { changed: false, report: serviceStatus(dir) };
  }
  signal(record.pid, 'SIGTERM');
  let detail = 'stopped by coin service stop';
  if (!(await waitForExit(record, timeoutMs))) {
    signal(-record.pid, 'SIGKILL');
    signal(record.pid, 'SIGKILL');
    await waitForExit(record, 10_000);
    detail = `killed: it did not stop within ${Math.round(timeoutMs / 1000)} s of SIGTERM`;
  }
  appendServiceLine(files, `coin service: ${detail}`);
  recordState(files, 'stopped', detail, record.runArgs);
  return { changed: true, report: serviceStatus(dir) };
}

/** Stop (when running) and start again with the arguments of the last start, unless given new ones. */
export async function restartService(options: StartServiceOptions): Promise<ServiceChange> {
  const files = serviceFiles(path.resolve(options.workingDir));
  const previous =
    readRecord(files.pidFile, pidRecordSchema)?.runArgs ??
    readRecord(files.stateFile, stateRecordSchema)?.runArgs;
  await stopService(options.workingDir, options.timeoutMs);
  const runArgs = options.runArgs.length > 0 ? options.runArgs : (previous ?? []);
  return startService({ ...options, runArgs });
}

function spawnDaemon(files: ServiceFiles, dir: string, options: StartServiceOptions): PidRecord {
  const [command = process.execPath, ...prefix] = options.coinCommand ?? defaultCoinCommand();
  const fd = fs.openSync(files.logFile, 'a', 0o644);
  try {
    const args = [...prefix, 'run', '--working-dir', dir, '--log-format', 'json', ...options.runArgs];
    const child = spawn(command, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: childEnv(),
    });
    if (child.pid === undefined) throw new ServiceStartError(`could not start ${command}`);
    child.unref();
    const record: PidRecord = {
      pid: child.pid,
      startedAt: new Date().toISOString(),
      processStart: processStartOf(child.pid),
      runArgs: [...options.runArgs],
    };
    writeRecord(files.pidFile, record);
    return record;
  } finally {
    fs.closeSync(fd);
  }
}

async function waitUntilListening(
  files: ServiceFiles,
  dir: string,
  record: PidRecord,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lock = readLockInfo(dir);
    if (lock?.pid === record.pid && lock.port !== undefined) return;
    if (!isRecordAlive(record)) {
      const tail = readLastLines(files.logFile, 5);
      recordState(
        files,
        'failed',
        `coin run exited during start: ${tail.at(-1) ?? 'no output'}`,
        record.runArgs,
      );
      throw new ServiceStartError(
        `coin run exited during start; the end of ${files.logFile}:\n${tail.join('\n')}`,
      );
    }
    await sleep(100);
  }
  throw new ServiceStartError(
    `coin run (pid ${record.pid}) does not listen after ${Math.round(timeoutMs / 1000)} s; it keeps starting: see ${files.logFile}`,
  );
}

async function waitForExit(record: PidRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRecordAlive(record)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

// The state file is written before the pidfile goes, so a crash in between still reads as stopped.
function recordState(
  files: ServiceFiles,
  state: 'stopped' | 'failed',
  detail: string,
  runArgs: string[],
): void {
  writeRecord(files.stateFile, { state, since: new Date().toISOString(), detail, runArgs });
  fs.rmSync(files.pidFile, { force: true });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function rotateLog(files: ServiceFiles): void {
  try {
    if (fs.statSync(files.logFile).size > serviceLogRotateBytes)
      fs.renameSync(files.logFile, files.previousLogFile);
  } catch {
    // No log yet.
  }
}

/** Appends one line in the instance's own JSON log format, so log readers treat it like the rest. */
function appendServiceLine(files: ServiceFiles, msg: string): void {
  const line = JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, name: 'coin-service', msg });
  fs.appendFileSync(files.logFile, `${line}\n`);
}
