/**
 * `coin agent-bootstrap`: inside a VM, become the agent of the instance that started it: read
 * the VM's OpenNebula context, download the agent from that instance, check its SHA-256, run it
 * (runner/agent/bootstrap). Exits with the agent's exit code, or 1 with one line saying why the
 * agent was not started.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bootstrapAgent } from '../agent/bootstrap/agent-bootstrap';
import { BootstrapError, contextPlaces, readAgentContext } from '../agent/bootstrap/agent-context';
import { agentStartScript } from '../core/agent-bootstrap-script';
import { runnerBundleFiles } from '../node/runner-layout';
import { runnerBundleFile } from '../node/server/agent-bundle-route';
import type { CliIo } from './cli-io';

interface BootstrapCliOptions {
  contextFile?: string;
  workRoot: string;
  startScript?: boolean;
  base64?: boolean;
}

/** Print the START_SCRIPT (or its START_SCRIPT_BASE64 value) that carries the bootstrap inline. */
async function printStartScript(opts: BootstrapCliOptions, io: CliIo): Promise<void> {
  const file = runnerBundleFile(runnerBundleFiles.agentBootstrap);
  const program = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no bootstrap bundle at ${file}: run npm run build:runner first`);
  });
  const script = agentStartScript(program);
  io.out(opts.base64 ? Buffer.from(script).toString('base64') : script);
}

async function run(opts: BootstrapCliOptions, io: CliIo): Promise<void> {
  if (opts.startScript || opts.base64) return printStartScript(opts, io);
  try {
    const context = await readAgentContext(contextPlaces(opts.contextFile, process.env));
    io.setExitCode(await bootstrapAgent(context, { workRoot: path.resolve(opts.workRoot), log: io.err }));
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    io.err(`coin agent-bootstrap: ${error.message}`);
    io.setExitCode(1);
  }
}

/** Register `coin agent-bootstrap`. */
export function addAgentBootstrapCommand(program: Command, io: CliIo): void {
  program
    .command('agent-bootstrap')
    .description("in a VM: download this VM's agent from its instance, check it and run it")
    .option(
      '--context-file <file>',
      "the VM's OpenNebula context (default: $CONTEXT_FILE, else where one-context keeps it)",
    )
    .option(
      '--work-root <dir>',
      'where the agent and its work areas go (default: ~/.coin-agent)',
      path.join(os.homedir(), '.coin-agent'),
    )
    .option(
      '--start-script',
      "print a VM template's START_SCRIPT that runs this bootstrap (docs/opennebula.md)",
    )
    .option('--base64', 'with --start-script: print it base64-encoded, for START_SCRIPT_BASE64')
    .action((opts: BootstrapCliOptions) => run(opts, io));
}
