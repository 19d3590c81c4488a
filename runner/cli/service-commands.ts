/**
 * `coin service start|stop|restart|status|logs|install`: Coin as a service. Where systemd user
 * services exist, `coin service install` writes the unit and systemd runs the instance; elsewhere
 * the other subcommands run `coin run` as a daemon with a pidfile and a log file.
 */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { followLog, parseLogCursor, readLastLines, type LogRecord } from '../node/service/log-follower';
import {
  defaultCoinCommand,
  restartService,
  ServiceStartError,
  startService,
  stopService,
  type ServiceChange,
} from '../node/service/service-daemon';
import { serviceFiles } from '../node/service/service-files';
import { serviceStatus, type ServiceStatusReport } from '../node/service/service-status';
import {
  installAdvice,
  installUnit,
  maintenanceUnitName,
  maintenanceUnitText,
  unitName,
  unitText,
  userUnitDir,
} from '../node/service/systemd-unit';
import { prepareWorkingDir, probeWorkingDir, WorkingDirError } from '../node/working-dir';
import type { CliIo } from './cli-io';

interface RunOptionFlags {
  workingDir: string;
  port?: string;
  host?: string;
  allowedHost: string[];
  instance?: string;
  maxAgents?: string;
  platformConfigs?: string;
  healthInterval?: string;
  healthWebServer?: string[];
  timeout: string;
}

/** The `coin run` options a service passes through, as argv. */
export function runArgsOf(opts: RunOptionFlags): string[] {
  const args: string[] = [];
  if (opts.port !== undefined) args.push('--port', opts.port);
  if (opts.host !== undefined) args.push('--host', opts.host);
  for (const name of opts.allowedHost ?? []) args.push('--allowed-host', name);
  if (opts.instance !== undefined) args.push('--instance', opts.instance);
  if (opts.maxAgents !== undefined) args.push('--max-agents', opts.maxAgents);
  if (opts.platformConfigs !== undefined) args.push('--platform-configs', path.resolve(opts.platformConfigs));
  if (opts.healthInterval !== undefined) args.push('--health-interval', opts.healthInterval);
  for (const url of opts.healthWebServer ?? []) args.push('--health-web-server', url);
  return args;
}

/** The status as `coin service status` prints it. */
export function formatServiceStatus(report: ServiceStatusReport): string {
  const rows: [string, string][] = [
    ['state', report.state],
    ['since', report.since ?? '-'],
    ['pid', report.pid === null ? '-' : String(report.pid)],
    ['port', report.port === null ? '-' : String(report.port)],
    ['working dir', report.workingDir],
    ['log', report.logFile],
    ['detail', report.detail],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(13)}${v}`).join('\n');
}

function timeoutMs(io: CliIo, value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw io.usageError(`--timeout must be a number of seconds > 0, got '${value}'`);
  return seconds * 1000;
}

function withRunOptions(command: Command, defaultTimeout: string): Command {
  return command
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--port <n>', 'passed to coin run: HTTP port (default 8080)')
    .option('--host <address>', 'passed to coin run: listen address')
    .option(
      '--allowed-host <name>',
      'passed to coin run: a host name it answers to (a reverse proxy; repeat for several)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--instance <kind>', 'passed to coin run: local, private or real')
    .option('--max-agents <n>', 'passed to coin run: agents at once')
    .option('--platform-configs <dir>', 'passed to coin run: platform configuration files')
    .option('--health-interval <minutes>', 'passed to coin run: minutes between its health checks')
    .option(
      '--health-web-server <url>',
      'passed to coin run: an extra web server its health checks ask (repeat for several)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--timeout <s>', 'seconds to wait for the instance', defaultTimeout);
}

async function changeService(io: CliIo, verb: string, change: () => Promise<ServiceChange>): Promise<void> {
  try {
    const result = await change();
    const what = result.changed ? `${verb}` : `nothing to do (already ${result.report.state})`;
    io.out(`coin service: ${what}\n${formatServiceStatus(result.report)}`);
  } catch (error) {
    if (!(error instanceof ServiceStartError) && !(error instanceof WorkingDirError)) throw error;
    io.err(`coin: ${error.message}`);
    io.setExitCode(1);
  }
}

/** Start options; the working directory is made ready first, so an impossible one fails at once. */
async function startOptions(io: CliIo, opts: RunOptionFlags) {
  return {
    workingDir: await prepareWorkingDir(opts.workingDir),
    runArgs: runArgsOf(opts),
    timeoutMs: timeoutMs(io, opts.timeout),
  };
}

function addStartStop(service: Command, io: CliIo): void {
  withRunOptions(
    service.command('start').description('start coin run as a daemon, wait until it listens'),
    '60',
  ).action((opts: RunOptionFlags) =>
    changeService(io, 'started', async () => startService(await startOptions(io, opts))),
  );
  service
    .command('stop')
    .description('stop the daemon: SIGTERM, and SIGKILL after the timeout')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--timeout <s>', 'seconds to wait before SIGKILL', '90')
    .action((opts: { workingDir: string; timeout: string }) =>
      changeService(io, 'stopped', () => stopService(opts.workingDir, timeoutMs(io, opts.timeout))),
    );
  withRunOptions(
    service.command('restart').description('stop and start again (same coin run options unless given)'),
    '90',
  ).action((opts: RunOptionFlags) =>
    changeService(io, 'restarted', async () => restartService(await startOptions(io, opts))),
  );
}

function addStatusLogs(service: Command, io: CliIo): void {
  service
    .command('status')
    .description('running, stopped or failed, and since when (exit 0 only when running)')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { workingDir: string; json?: boolean }) => {
      const where = await directoryState(opts.workingDir);
      if (where.notDirectory) {
        io.err(
          `coin: working directory ${path.resolve(opts.workingDir)} is not a directory (${where.notDirectory})`,
        );
        io.setExitCode(1);
        return;
      }
      const status = serviceStatus(opts.workingDir);
      const report =
        where.missing && status.state !== 'running'
          ? { ...status, detail: `${status.detail}; working directory ${status.workingDir} does not exist` }
          : status;
      io.out(opts.json ? JSON.stringify(report, null, 2) : formatServiceStatus(report));
      io.setExitCode(report.state === 'running' ? 0 : 1);
    });
  service
    .command('logs')
    .description("the daemon's log; -f follows it (across rotations) until interrupted")
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('-f, --follow', 'keep printing what is appended')
    .option('-n, --lines <n>', 'only the last N lines (default: all, or 10 with -f)')
    .option('--json', 'one JSON record per line with its cursor (for programs: docs/desktop-app.md)')
    .option('--after <cursor>', 'with --json: start after this cursor (of an earlier record)')
    .action((opts: LogsOptions) => showLogs(io, opts));
}

/**
 * Whether the working directory is missing, or is (or lies below) something that is not a
 * directory: looked at, never written to, since the app asks for the status every few seconds.
 */
async function directoryState(dir: string): Promise<{ missing: boolean; notDirectory?: string }> {
  try {
    const info = await stat(dir);
    return info.isDirectory() ? { missing: false } : { missing: false, notDirectory: 'a file' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return { missing: false, notDirectory: 'a file is in its path' };
    return { missing: code === 'ENOENT' };
  }
}

interface LogsOptions {
  workingDir: string;
  follow?: boolean;
  lines?: string;
  json?: boolean;
  after?: string;
}

/**
 * `--json` prints {"cursor": C, "line": text} per line, {"cursor": C, "notice": text, "time": ms}
 * when lines may be missing, and {"cursor": C} when only the position moved (a file opened). C
 * names the file and the offset (log-follower.ts), so `--after C` resumes exactly, across
 * rotations: the desktop app's journal over SSH.
 */
async function showLogs(io: CliIo, opts: LogsOptions): Promise<void> {
  const lines = opts.lines === undefined ? (opts.follow ? 10 : Infinity) : Number(opts.lines);
  if (!(lines >= 0)) throw io.usageError(`--lines must be a number >= 0, got '${opts.lines}'`);
  if (opts.after !== undefined && !opts.json) throw io.usageError('--after needs --json');
  const after = opts.after === undefined ? null : parseLogCursor(opts.after);
  if (after === undefined) throw io.usageError(`--after: not a cursor of coin service logs: '${opts.after}'`);
  const files = serviceFiles(opts.workingDir);
  if (!opts.follow && !opts.json) {
    const text = readLastLines(
      files.logFile,
      lines,
      Number.isFinite(lines) ? 1024 * 1024 : Number.MAX_SAFE_INTEGER,
    );
    if (text.length > 0) io.out(text.join('\n'));
    return;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await followLog({
      files,
      after,
      initialLines: lines,
      follow: opts.follow === true,
      signal: abort.signal,
      onRecords: (records) => {
        const text = records.map((r) => (opts.json ? jsonRecord(r) : textOf(r))).join('');
        if (text !== '') io.out(text);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function jsonRecord(record: LogRecord): string {
  const { cursor, line, notice } = record;
  const value =
    line !== undefined
      ? { cursor, line: line.toString('utf8') }
      : notice !== undefined
        ? { cursor, notice, time: Date.now() }
        : { cursor };
  return `${JSON.stringify(value)}\n`;
}

function textOf(record: LogRecord): string {
  if (record.line !== undefined) return `${record.line.toString('utf8')}\n`;
  return record.notice !== undefined ? `coin service logs: ${record.notice}\n` : '';
}

type InstallFlags = RunOptionFlags & { dryRun?: boolean; maintenanceMessage?: string };

/** The two units' names and texts; the page needs the instance's fixed port to take its place. */
function installUnits(io: CliIo, opts: InstallFlags): { name: string; text: string }[] {
  const port = Number(opts.port ?? '8080');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw io.usageError(
      `--port must be a fixed port (1-65535) for the maintenance page to take the instance's place, got '${opts.port}'`,
    );
  const coinCommand = defaultCoinCommand();
  const workingDir = path.resolve(opts.workingDir);
  return [
    { name: unitName, text: unitText({ coinCommand, workingDir, runArgs: runArgsOf(opts) }) },
    {
      name: maintenanceUnitName,
      text: maintenanceUnitText({
        coinCommand,
        workingDir,
        host: opts.host ?? '127.0.0.1',
        port,
        message: opts.maintenanceMessage,
      }),
    },
  ];
}

function addInstall(service: Command, io: CliIo): void {
  withRunOptions(
    service
      .command('install')
      .description(
        'write the systemd user units coin.service and coin-maintenance.service (the page while coin is stopped)',
      ),
    '60',
  )
    .option('--dry-run', 'print the units and where they would go, write nothing')
    .option('--maintenance-message <text>', 'what the maintenance page says while coin.service is stopped')
    .action(async (opts: InstallFlags) => {
      const { problem } = await probeWorkingDir(opts.workingDir);
      if (problem) {
        io.err(`coin: ${problem}`);
        io.setExitCode(1);
        return;
      }
      const units = installUnits(io, opts);
      const dir = userUnitDir();
      if (opts.dryRun) {
        io.out(units.map((u) => `would write ${path.join(dir, u.name)}:\n\n${u.text}`).join('\n'));
        return;
      }
      const written = units.map((u) => installUnit(u.text, dir, u.name));
      const advice = installAdvice(os.userInfo().username).map((l) => `  ${l}`);
      io.out(`${written.map((r) => `${r.outcome} ${r.path}`).join('\n')}\nthen run:\n${advice.join('\n')}`);
    });
}

/** Register `coin service` and its subcommands. */
export function addServiceCommands(program: Command, io: CliIo): void {
  const service = program
    .command('service')
    .description(
      'run Coin as a service: a systemd user unit, or a daemon with a pidfile where systemd is missing',
    );
  addStartStop(service, io);
  addStatusLogs(service, io);
  addInstall(service, io);
}
