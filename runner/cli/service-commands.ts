/**
 * `coin service start|stop|restart|status|logs|install`: Coin as a service. Where systemd user
 * services exist, `coin service install` writes the unit and systemd runs the instance; elsewhere
 * the other subcommands run `coin run` as a daemon with a pidfile and a log file.
 */
import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { followFile, readLastLines } from '../node/service/log-follower';
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
import { installAdvice, installUnit, unitText, userUnitDir } from '../node/service/systemd-unit';
import type { CliIo } from './cli-io';

interface RunOptionFlags {
  workingDir: string;
  port?: string;
  host?: string;
  instance?: string;
  maxAgents?: string;
  platformConfigs?: string;
  timeout: string;
}

/** The `coin run` options a service passes through, as argv. */
export function runArgsOf(opts: RunOptionFlags): string[] {
  const args: string[] = [];
  if (opts.port !== undefined) args.push('--port', opts.port);
  if (opts.host !== undefined) args.push('--host', opts.host);
  if (opts.instance !== undefined) args.push('--instance', opts.instance);
  if (opts.maxAgents !== undefined) args.push('--max-agents', opts.maxAgents);
  if (opts.platformConfigs !== undefined) args.push('--platform-configs', path.resolve(opts.platformConfigs));
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
    .option('--instance <kind>', 'passed to coin run: local, private or real')
    .option('--max-agents <n>', 'passed to coin run: agents at once')
    .option('--platform-configs <dir>', 'passed to coin run: platform configuration files')
    .option('--timeout <s>', 'seconds to wait for the instance', defaultTimeout);
}

async function changeService(io: CliIo, verb: string, change: () => Promise<ServiceChange>): Promise<void> {
  try {
    const result = await change();
    const what = result.changed ? `${verb}` : `nothing to do (already ${result.report.state})`;
    io.out(`coin service: ${what}\n${formatServiceStatus(result.report)}`);
  } catch (error) {
    if (!(error instanceof ServiceStartError)) throw error;
    io.err(`coin: ${error.message}`);
    io.setExitCode(1);
  }
}

function addStartStop(service: Command, io: CliIo): void {
  withRunOptions(
    service.command('start').description('start coin run as a daemon, wait until it listens'),
    '60',
  ).action((opts: RunOptionFlags) =>
    changeService(io, 'started', () =>
      startService({
        workingDir: opts.workingDir,
        runArgs: runArgsOf(opts),
        timeoutMs: timeoutMs(io, opts.timeout),
      }),
    ),
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
    changeService(io, 'restarted', () =>
      restartService({
        workingDir: opts.workingDir,
        runArgs: runArgsOf(opts),
        timeoutMs: timeoutMs(io, opts.timeout),
      }),
    ),
  );
}

function addStatusLogs(service: Command, io: CliIo): void {
  service
    .command('status')
    .description('running, stopped or failed, and since when (exit 0 only when running)')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--json', 'print the status as JSON')
    .action((opts: { workingDir: string; json?: boolean }) => {
      const report = serviceStatus(opts.workingDir);
      io.out(opts.json ? JSON.stringify(report, null, 2) : formatServiceStatus(report));
      io.setExitCode(report.state === 'running' ? 0 : 1);
    });
  service
    .command('logs')
    .description("the daemon's log; -f follows it until interrupted")
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('-f, --follow', 'keep printing what is appended')
    .option('-n, --lines <n>', 'only the last N lines (default: all, or 10 with -f)')
    .action((opts: { workingDir: string; follow?: boolean; lines?: string }) => showLogs(io, opts));
}

async function showLogs(
  io: CliIo,
  opts: { workingDir: string; follow?: boolean; lines?: string },
): Promise<void> {
  const lines = opts.lines === undefined ? (opts.follow ? 10 : Infinity) : Number(opts.lines);
  if (!(lines >= 0)) throw io.usageError(`--lines must be a number >= 0, got '${opts.lines}'`);
  const file = serviceFiles(opts.workingDir).logFile;
  if (!opts.follow) {
    const text = readLastLines(file, lines, Number.isFinite(lines) ? 1024 * 1024 : Number.MAX_SAFE_INTEGER);
    if (text.length > 0) io.out(text.join('\n'));
    return;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let partial = '';
  await followFile(file, {
    initialLines: lines,
    signal: abort.signal,
    onText: (text) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      if (parts.length > 0) io.out(parts.join('\n'));
    },
  });
}

function addInstall(service: Command, io: CliIo): void {
  withRunOptions(
    service.command('install').description('write the systemd user unit ~/.config/systemd/user/coin.service'),
    '60',
  )
    .option('--dry-run', 'print the unit and where it would go, write nothing')
    .action((opts: RunOptionFlags & { dryRun?: boolean }) => {
      const text = unitText({
        coinCommand: defaultCoinCommand(),
        workingDir: path.resolve(opts.workingDir),
        runArgs: runArgsOf(opts),
      });
      const dir = userUnitDir();
      if (opts.dryRun) {
        io.out(`would write ${path.join(dir, 'coin.service')}:\n\n${text}`);
        return;
      }
      const result = installUnit(text, dir);
      const advice = installAdvice(os.userInfo().username).map((l) => `  ${l}`);
      io.out(`${result.outcome} ${result.path}\nthen run:\n${advice.join('\n')}`);
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
