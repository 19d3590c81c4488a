/**
 * `coin agent-bootstrap`: inside a VM, become the agent of the instance that started it: read
 * the VM's OpenNebula context, download the agent from that instance, check its SHA-256, run it
 * (runner/agent/bootstrap). Exits with the agent's exit code, or 1 with one line saying why the
 * agent was not started.
 */
import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { bootstrapAgent } from '../agent/bootstrap/agent-bootstrap';
import { BootstrapError, contextPlaces, readAgentContext } from '../agent/bootstrap/agent-context';
import type { CliIo } from './cli-io';

interface BootstrapCliOptions {
  contextFile?: string;
  workRoot: string;
}

async function run(opts: BootstrapCliOptions, io: CliIo): Promise<void> {
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
    .action((opts: BootstrapCliOptions) => run(opts, io));
}
