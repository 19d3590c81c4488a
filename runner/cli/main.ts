/** The `coin` command line: one program, one file per command. */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../node/app-version';
import { exitCodes, processIo, UsageError } from './cli-io';
import { addConfigCommands } from './config-commands';
import { addControlCommands } from './control-commands';
import { addDiagnoseCommand } from './diagnose-command';
import { addDoctorCommand } from './doctor-command';
import { addHealthCommand } from './health-command';
import { addLintCommand } from './lint-command';
import { addPlanCommand } from './plan-command';
import { addIntegrateCommands } from './integrate-command';
import { addTasksCommands } from './tasks-command';
import { addAgentBootstrapCommand } from './agent-bootstrap-command';
import { addArtifactCommands } from './artifact-commands';
import { addMaintenancePageCommand } from './maintenance-page-command';
import { addProvisionCommand } from './provision-command';
import { addRunCommand } from './run-command';
import { addServiceCommands } from './service-commands';

/** `coin --version` text: version and, when known, the git revision. */
export function versionText(): string {
  const v = appVersion();
  return v.revision ? `coin ${v.version} (${v.revision})` : `coin ${v.version}`;
}

function buildProgram(io: ReturnType<typeof processIo>): Command {
  const program = new Command('coin')
    .description('Coin: the Qt CI system (Coin Admin runner)')
    .version(versionText(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run coin --help for usage)')
    .exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  addDoctorCommand(program, io);
  addPlanCommand(program, io);
  addLintCommand(program, io);
  addRunCommand(program, io);
  addProvisionCommand(program, io);
  addIntegrateCommands(program, io);
  addTasksCommands(program, io);
  addArtifactCommands(program, io);
  addControlCommands(program, io);
  addMaintenancePageCommand(program, io);
  addConfigCommands(program, io);
  addServiceCommands(program, io);
  addHealthCommand(program, io);
  addAgentBootstrapCommand(program, io);
  addDiagnoseCommand(program, io);
  return program;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const state = { exitCode: exitCodes.ok as number };
  const io = processIo(state);
  try {
    await buildProgram(io).parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const clean = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return clean ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof UsageError) {
      io.err(`coin: ${error.message}`);
      return exitCodes.usage;
    }
    io.err(`coin: ${(error as Error).message}`);
    return exitCodes.failed;
  }
}
