/** The `coin` command line: one program, one file per command. */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../node/app-version';
import { exitCodes, processIo, UsageError, type CliIo } from './cli-io';

/** `coin --version` text: version and, when known, the git revision. */
export function versionText(): string {
  const v = appVersion();
  return v.revision ? `coin ${v.version} (${v.revision})` : `coin ${v.version}`;
}

/** Adds a module's commands to the program. */
type AddCommands = (program: Command, io: CliIo) => void;

/**
 * The command modules, in the order `coin --help` lists them, each with the top-level command
 * names it adds (test/unit/runner/cli/command-modules.test.ts checks them against the modules).
 * A command line that names one of them loads that module alone: `coin integrate` loaded every
 * command's code (the instance's server, the store, SSH, OpenNebula) and took about 0.6 s of
 * start and 1 s of CPU where its own module takes 0.25 s and 0.4 s; the rest (help, version, an
 * unknown command, which commander then suggests a name for) loads them all.
 */
export const commandModules: readonly { names: readonly string[]; load: () => Promise<AddCommands> }[] = [
  { names: ['doctor'], load: async () => (await import('./doctor-command')).addDoctorCommand },
  { names: ['plan'], load: async () => (await import('./plan-command')).addPlanCommand },
  { names: ['lint'], load: async () => (await import('./lint-command')).addLintCommand },
  { names: ['run'], load: async () => (await import('./run-command')).addRunCommand },
  { names: ['provision'], load: async () => (await import('./provision-command')).addProvisionCommand },
  {
    names: ['integrate', 'task'],
    load: async () => (await import('./integrate-command')).addIntegrateCommands,
  },
  { names: ['tasks', 'tests'], load: async () => (await import('./tasks-command')).addTasksCommands },
  {
    names: ['gc', 'invalidate-artifacts'],
    load: async () => (await import('./artifact-commands')).addArtifactCommands,
  },
  {
    names: ['cancel', 'rerun', 'retry', 'dequeue', 'priority', 'audit'],
    load: async () => (await import('./control-commands')).addControlCommands,
  },
  {
    names: ['maintenance'],
    load: async () => (await import('./maintenance-page-command')).addMaintenancePageCommand,
  },
  { names: ['config'], load: async () => (await import('./config-commands')).addConfigCommands },
  { names: ['service'], load: async () => (await import('./service-commands')).addServiceCommands },
  { names: ['health'], load: async () => (await import('./health-command')).addHealthCommand },
  {
    names: ['agent-bootstrap'],
    load: async () => (await import('./agent-bootstrap-command')).addAgentBootstrapCommand,
  },
  { names: ['diagnose'], load: async () => (await import('./diagnose-command')).addDiagnoseCommand },
];

/** The modules a command line needs: the one its first word names, or all of them. */
export function modulesFor(argv: readonly string[]): typeof commandModules {
  const word = argv[2];
  const named = commandModules.filter((module) => word !== undefined && module.names.includes(word));
  return named.length === 1 ? named : commandModules;
}

async function buildProgram(io: CliIo, argv: readonly string[]): Promise<Command> {
  const program = new Command('coin')
    .description('Coin: the Qt CI system (Coin Admin runner)')
    .version(versionText(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run coin --help for usage)')
    .exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const adders = await Promise.all(modulesFor(argv).map((module) => module.load()));
  for (const add of adders) add(program, io);
  return program;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const state = { exitCode: exitCodes.ok as number };
  const io = processIo(state);
  try {
    await (await buildProgram(io, argv)).parseAsync([...argv]);
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
