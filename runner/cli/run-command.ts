/** `coin run`: start an instance in the foreground until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { normalizeHostName } from '../core/host-header-check';
import { instanceBasePath } from '../core/instance-api';
import type { InstanceOptions } from '../node/instance/coin-instance';
import { startInstance } from '../node/daemon/start-instance';
import { createLogger } from '../node/logging';
import { defaultGcMinFreeBytes } from '../node/instance/maintenance';
import { defaultCancelGraceMs } from '../node/instance/task-runner';
import { checkoutAgentCommand } from '../node/hypervisors/checkout-agent';
import { runnerLayout } from '../node/runner-layout';
import { InstanceLockedError } from '../node/store/instance-lock';
import { WorkingDirError } from '../node/working-dir';
import { OpenNebulaStartError } from '../node/hypervisors/opennebula/opennebula-hypervisor';
import type { CliIo } from './cli-io';
import { addGerritOptions, gerritInstanceOptions, type GerritCliOptions } from './gerrit-options';
import { addHealthOptions, healthInstanceOptions, type HealthCliOptions } from './health-options';
import {
  addOpenNebulaOptions,
  openNebulaInstanceOptions,
  type OpenNebulaCliOptions,
} from './opennebula-options';

/**
 * argv that starts a local agent process: this executable (Node, or a packaged app's Electron in
 * Node mode, which ELECTRON_RUN_AS_NODE in childEnv keeps the agent in) on this layout's agent script.
 */
export function agentCommand(): string[] {
  return [process.execPath, runnerLayout.agentScript];
}

interface RunOptions extends GerritCliOptions, OpenNebulaCliOptions, HealthCliOptions {
  hypervisor: string;
  workingDir: string;
  port: string;
  host: string;
  allowedHost: string[];
  instance: 'local' | 'private' | 'real';
  platformConfigs?: string;
  maxAgents?: string;
  readyAgents?: string;
  agentIdleSeconds?: string;
  basePath: string;
  logFormat: 'auto' | 'json' | 'pretty';
  gcMinFreeGb: string;
  cancelGraceSeconds: string;
  stopTimeoutSeconds: string;
}

/**
 * What a hypervisor's agents default to: local agents are processes (one per core, gone after a
 * minute idle); VMs take minutes to boot, so more of them run at once and an idle one is kept for
 * ten minutes in case the next work item wants the same template. None is started before work
 * asks for one unless --ready-agents says so (an idle local agent holds about 45 MB, a VM a
 * host's share).
 */
export function agentDefaults(hypervisor: string, cores = os.availableParallelism()) {
  return hypervisor === 'opennebula'
    ? { maxAgents: 20, idleSeconds: 600, readyAgents: 0 }
    : { maxAgents: cores, idleSeconds: 60, readyAgents: 0 };
}

/**
 * How long the process may take to end after a signal during start-up. Start-up stops at its next
 * step, which takes milliseconds; only a step that hangs (an OpenNebula endpoint that does not
 * answer) runs into this bound.
 */
export const startAbortGraceMs = 5000;

/**
 * `--stop-timeout-seconds`' default: below the systemd unit's TimeoutStopSec (90, systemd-unit.ts),
 * so that a stop that hangs ends with the store closed cleanly and a line naming the step it hung
 * in, not with systemd's SIGKILL.
 */
export const defaultStopTimeoutSeconds = 60;

function positiveInt(io: CliIo, flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw io.usageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** --cancel-grace-seconds in ms: whole seconds up to the agent protocol's bound (600 s). */
function cancelGraceOf(io: CliIo, value: string): number {
  const seconds = positiveInt(io, '--cancel-grace-seconds', value, 0);
  if (seconds > 600) throw io.usageError(`--cancel-grace-seconds must be at most 600, got '${value}'`);
  return seconds * 1000;
}

/** --allowed-host values as names; a port, scheme or path in one is a usage error. */
function allowedHostsOf(io: CliIo, values: readonly string[]): string[] {
  return values.map((value) => {
    const name = normalizeHostName(value);
    if (name === undefined)
      throw io.usageError(
        `--allowed-host takes a host name or address without port or scheme, got '${value}'`,
      );
    return name;
  });
}

/** The instance's options from the command line; usage errors for what is wrong. */
function instanceOptionsOf(opts: RunOptions, io: CliIo): Omit<InstanceOptions, 'log' | 'signal'> {
  if (opts.hypervisor !== 'local' && opts.hypervisor !== 'opennebula')
    throw io.usageError(`--hypervisor must be local or opennebula, got '${opts.hypervisor}'`);
  const defaults = agentDefaults(opts.hypervisor);
  const gcMinFree = Number(opts.gcMinFreeGb);
  if (!Number.isFinite(gcMinFree) || gcMinFree < 0)
    throw io.usageError(`--gc-min-free-gb must be a number >= 0, got '${opts.gcMinFreeGb}'`);
  const idleSeconds = opts.agentIdleSeconds ?? String(defaults.idleSeconds);
  const readyAgents = positiveInt(io, '--ready-agents', opts.readyAgents ?? String(defaults.readyAgents), 0);
  // a VM is started from the template of the configuration a work item asks for
  if (opts.hypervisor === 'opennebula' && readyAgents > 0)
    throw io.usageError(
      '--ready-agents is for local agents: an OpenNebula VM needs the template of the configuration that work asks for',
    );
  return {
    workingDir: path.resolve(opts.workingDir),
    host: opts.host,
    port: positiveInt(io, '--port', opts.port, 0),
    basePath: opts.basePath.replace(/\/$/, ''),
    instanceKind: opts.instance,
    platformConfigsDir: opts.platformConfigs ? path.resolve(opts.platformConfigs) : undefined,
    maxAgents: positiveInt(io, '--max-agents', opts.maxAgents ?? String(defaults.maxAgents), 1),
    readyAgents,
    agentCommand: agentCommand(),
    agentIdleTimeoutMs: positiveInt(io, '--agent-idle-seconds', idleSeconds, 1) * 1000,
    gcMinFreeBytes: gcMinFree * 1024 ** 3,
    gcIntervalMs: 5 * 60_000,
    cancelGraceMs: cancelGraceOf(io, opts.cancelGraceSeconds),
    gerrit: gerritInstanceOptions(opts, io),
    opennebula: openNebulaInstanceOptions(opts, io),
    allowedHosts: allowedHostsOf(io, opts.allowedHost),
    health: healthInstanceOptions(opts, io),
  };
}

/**
 * SIGINT/SIGTERM from now on: the first aborts `signal` (a start-up under way stops at its next
 * step, or at once in a step that waits on another machine) and resolves `signalled`; the
 * handlers are then removed, so a second signal ends the process at once. Until `started()` says
 * the instance is up (from then on a signal is a normal stop), a process still there
 * `startAbortGraceMs` after the signal is ended by a watchdog; a lock it leaves names a dead
 * process and is reclaimed at the next start. `stoppedEarly()`: the start-up gave back what it
 * held, so a step it abandoned (a call to OpenNebula still waiting) does not keep the process.
 */
function catchStopSignals(io: CliIo) {
  const controller = new AbortController();
  let up = false;
  let watchdog: NodeJS.Timeout | undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      controller.abort(new Error(`start-up interrupted by ${signal}`));
      if (!up) {
        const message = `coin: start-up did not stop within ${startAbortGraceMs / 1000} s of ${signal}; exiting`;
        // Unreferenced: it only fires when something else still keeps the process alive.
        watchdog = setTimeout(() => (io.err(message), process.exit(1)), startAbortGraceMs).unref();
      }
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const started = () => {
    up = true;
    clearTimeout(watchdog);
  };
  const stoppedEarly = () => {
    clearTimeout(watchdog);
    setTimeout(() => process.exit(0), 100).unref();
  };
  return { signal: controller.signal, signalled, started, stoppedEarly };
}

async function run(opts: RunOptions, io: CliIo): Promise<void> {
  const options = instanceOptionsOf(opts, io);
  const seconds = positiveInt(io, '--stop-timeout-seconds', opts.stopTimeoutSeconds, 1);
  const log = createLogger(opts.logFormat);
  // A checkout's local agents start from one JavaScript file, made while the instance starts.
  if (opts.hypervisor === 'local' && runnerLayout.kind === 'checkout')
    options.agentCommand = checkoutAgentCommand(agentCommand(), (why) =>
      log.warn({ why }, 'local agents start from the TypeScript sources'),
    );
  const stop = catchStopSignals(io);
  let instance;
  try {
    instance = await startInstance({ ...options, log, signal: stop.signal });
  } catch (error) {
    if (stop.signal.aborted) {
      log.info({ signal: await stop.signalled }, 'stopped during start-up');
      stop.stoppedEarly();
      return;
    }
    if (!isKnownStartError(error)) throw error;
    io.err(`coin: ${(error as Error).message}`);
    io.setExitCode(1);
    return;
  }
  stop.started();
  const signal = await stop.signalled;
  log.info({ signal }, 'stopping');
  // Referenced: a stop stuck on a promise that nothing will settle must not end the process
  // quietly with its store open.
  const watchdog = setTimeout(() => {
    const step = instance.stopStep() ?? 'stopping';
    log.error(
      { signal, step, seconds },
      `the instance did not stop within ${seconds} s of ${signal} (still ${step}): closing its store and exiting`,
    );
    instance.forceClose();
    process.exit(1);
  }, seconds * 1000);
  try {
    await instance.stop();
  } finally {
    clearTimeout(watchdog);
  }
}

/** Start failures that are the machine's state, not a bug: one line, exit 1. */
function isKnownStartError(error: unknown): boolean {
  return (
    error instanceof InstanceLockedError ||
    error instanceof OpenNebulaStartError ||
    error instanceof WorkingDirError
  );
}

/** Register `coin run`. */
export function addRunCommand(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('run a Coin instance in this working directory until stopped (SIGINT/SIGTERM)')
    .option(
      '--hypervisor <name>',
      'where agents run: local (processes on this machine) or opennebula (VMs)',
      'local',
    )
    .requiredOption('--working-dir <dir>', 'the instance state: database, artifacts, logs, agents')
    .option('--port <n>', 'HTTP port of the web server and API (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--allowed-host <name>',
      'a host name the web server answers to besides loopback and --host (a reverse proxy; repeat for several)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--instance <kind>', 'local, private or real (only real reports to Gerrit)', 'local')
    .option('--platform-configs <dir>', 'Coin platform configuration files to offer besides this host')
    .option('--max-agents <n>', 'agents at once (default: local one per core, opennebula 20)')
    .option(
      '--ready-agents <n>',
      'agents started with the instance and kept while idle, at most --max-agents (default 0: started when work asks)',
    )
    .option(
      '--agent-idle-seconds <n>',
      'an idle agent is stopped after this long (default: local 60, opennebula 600)',
    )
    .option('--base-path <path>', 'URL path of the web server', instanceBasePath)
    .option(
      '--gc-min-free-gb <n>',
      'garbage collection keeps this much disk free',
      String(defaultGcMinFreeBytes / 1024 ** 3),
    )
    .option(
      '--cancel-grace-seconds <n>',
      "a cancelled work item's commands get SIGTERM, then SIGKILL after this many seconds",
      String(defaultCancelGraceMs / 1000),
    )
    .option(
      '--stop-timeout-seconds <n>',
      'a stop still unfinished after this long closes the store and exits with status 1, naming the step it hung in',
      String(defaultStopTimeoutSeconds),
    )
    .option(
      '--log-format <format>',
      'auto (pretty on a terminal, JSON lines otherwise), json or pretty',
      'auto',
    );
  addHealthOptions(addOpenNebulaOptions(addGerritOptions(command))).action((opts: RunOptions) =>
    run(opts, io),
  );
}
