/** `coin run`: start an instance in the foreground until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { startInstance } from '../node/instance/coin-instance';
import { createLogger } from '../node/logging';
import { defaultGcMinFreeBytes } from '../node/instance/maintenance';
import { runnerLayout } from '../node/runner-layout';
import { InstanceLockedError } from '../node/store/instance-lock';
import { OpenNebulaStartError } from '../node/hypervisors/opennebula/opennebula-hypervisor';
import type { CliIo } from './cli-io';
import { addGerritOptions, gerritInstanceOptions, type GerritCliOptions } from './gerrit-options';
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

interface RunOptions extends GerritCliOptions, OpenNebulaCliOptions {
  hypervisor: string;
  workingDir: string;
  port: string;
  host: string;
  instance: 'local' | 'private' | 'real';
  platformConfigs?: string;
  maxAgents?: string;
  agentIdleSeconds?: string;
  basePath: string;
  logFormat: 'auto' | 'json' | 'pretty';
  gcMinFreeGb: string;
}

/**
 * What a hypervisor's agents default to: local agents are processes (one per core, gone after a
 * minute idle); VMs take minutes to boot, so more of them run at once and an idle one is kept for
 * ten minutes in case the next work item wants the same template.
 */
export function agentDefaults(hypervisor: string, cores = os.availableParallelism()) {
  return hypervisor === 'opennebula'
    ? { maxAgents: 20, idleSeconds: 600 }
    : { maxAgents: cores, idleSeconds: 60 };
}

function positiveInt(io: CliIo, flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw io.usageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

async function run(opts: RunOptions, io: CliIo): Promise<void> {
  if (opts.hypervisor !== 'local' && opts.hypervisor !== 'opennebula')
    throw io.usageError(`--hypervisor must be local or opennebula, got '${opts.hypervisor}'`);
  const opennebula = openNebulaInstanceOptions(opts, io);
  const defaults = agentDefaults(opts.hypervisor);
  const gcMinFree = Number(opts.gcMinFreeGb);
  if (!Number.isFinite(gcMinFree) || gcMinFree < 0)
    throw io.usageError(`--gc-min-free-gb must be a number >= 0, got '${opts.gcMinFreeGb}'`);
  const log = createLogger(opts.logFormat);
  // Signals are caught from the start: one that arrives while the instance starts stops it once it is up.
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let instance;
  try {
    instance = await startInstance({
      workingDir: path.resolve(opts.workingDir),
      host: opts.host,
      port: positiveInt(io, '--port', opts.port, 0),
      basePath: opts.basePath.replace(/\/$/, ''),
      instanceKind: opts.instance,
      platformConfigsDir: opts.platformConfigs ? path.resolve(opts.platformConfigs) : undefined,
      maxAgents: positiveInt(io, '--max-agents', opts.maxAgents ?? String(defaults.maxAgents), 1),
      agentCommand: agentCommand(),
      agentIdleTimeoutMs:
        positiveInt(io, '--agent-idle-seconds', opts.agentIdleSeconds ?? String(defaults.idleSeconds), 1) *
        1000,
      gcMinFreeBytes: Number(opts.gcMinFreeGb) * 1024 ** 3,
      gcIntervalMs: 5 * 60_000,
      gerrit: gerritInstanceOptions(opts, io),
      opennebula,
      log,
    });
  } catch (error) {
    if (error instanceof InstanceLockedError || error instanceof OpenNebulaStartError) {
      io.err(`coin: ${error.message}`);
      io.setExitCode(1);
      return;
    }
    throw error;
  }
  const signal = await signalled;
  log.info({ signal }, 'stopping');
  await instance.stop();
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
    .option('--instance <kind>', 'local, private or real (only real reports to Gerrit)', 'local')
    .option('--platform-configs <dir>', 'Coin platform configuration files to offer besides this host')
    .option('--max-agents <n>', 'agents at once (default: local one per core, opennebula 20)')
    .option(
      '--agent-idle-seconds <n>',
      'an idle agent is stopped after this long (default: local 60, opennebula 600)',
    )
    .option('--base-path <path>', 'URL path of the web server', '/coin')
    .option(
      '--gc-min-free-gb <n>',
      'garbage collection keeps this much disk free',
      String(defaultGcMinFreeBytes / 1024 ** 3),
    )
    .option(
      '--log-format <format>',
      'auto (pretty on a terminal, JSON lines otherwise), json or pretty',
      'auto',
    );
  addOpenNebulaOptions(addGerritOptions(command)).action((opts: RunOptions) => run(opts, io));
}
