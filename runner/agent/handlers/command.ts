/**
 * ExecuteCommand, and running a command for any instruction: argv from the `command` field (see
 * argument-split.ts), the instruction's limits, output into the log, outcome into words.
 *
 * `executeOnTarget` / `resetError` are not about target devices: the one real use (qtbase
 * `cmake_run_ctest.yaml`) names another instruction by its `instructionName` ("run on the failure
 * of *that* instruction, and if this one succeeds, reset its error"). The executor handles them.
 */
import { commandArgv, type ArgumentSplitting } from '../../core/coin-files/argument-split';
import type { ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';
import { runCommand, type CommandOutcome } from '../run-command';
import { booleanField, commandField, type Limits, type Step } from './handler-kit';

/** What went wrong with a command, in one sentence; null when it exited with 0. */
export function describeOutcome(outcome: CommandOutcome, argv: readonly string[]): string | null {
  const shown = argv.join(' ');
  switch (outcome.kind) {
    case 'exited':
      return outcome.exitCode === 0 ? null : `command exited with code ${outcome.exitCode}: ${shown}`;
    case 'signalled':
      return `command was killed by ${outcome.signal}: ${shown}`;
    case 'timeout':
      return `command exceeded ${outcome.limit} (${outcome.seconds} s) and was killed with its children: ${shown}`;
    case 'aborted':
      return 'the work item was cancelled';
    case 'spawn-failed':
      return `command could not start (${outcome.message}): ${shown}`;
  }
}

/** Whether a failed outcome is the agent's problem (cancelled, could not start) rather than the build's. */
export function isSystemOutcome(outcome: CommandOutcome): boolean {
  return outcome.kind === 'spawn-failed' || outcome.kind === 'timeout' || outcome.kind === 'aborted';
}

/** The argv of a command field of this step (rendered and split). */
export function stepArgv(step: Step, field: string): string[] {
  const splitting = step.instruction.fields.executeCommandArgumentSplitingBehavior as
    ArgumentSplitting | undefined;
  const argv = commandArgv(commandField(step, field), splitting, step.render);
  if (argv.length === 0 || argv[0] === '') {
    throw new InstructionFailure(`${step.instruction.type}: '${field}' renders to an empty command`);
  }
  return argv;
}

/**
 * Run argv in `cwd` with the context's environment and the step's limits; output goes to the log.
 * `shown` is what the log says was run (default: argv).
 */
export function runLogged(
  ctx: ActiveContext,
  argv: readonly string[],
  cwd: string,
  limits: Limits,
  shown: string = argv.join(' '),
): Promise<CommandOutcome> {
  ctx.log(`+ ${shown}`);
  return (ctx.commands ?? runCommand)({
    argv: [...(ctx.commandPrefix ?? []), ...argv],
    cwd,
    env: ctx.env,
    maxTimeInSeconds: limits.maxTimeInSeconds,
    maxTimeBetweenOutput: limits.maxTimeBetweenOutput,
    onLine: (line) => ctx.log(line),
    onOutput: ctx.output ? (bytes) => ctx.output!(bytes) : undefined,
    spoolDir: ctx.spoolDir,
    // straight into the log while there is nothing to mask
    direct: ctx.run.hidden.length === 0 ? ctx.direct : undefined,
    signal: ctx.signal,
  });
}

/** ExecuteCommand: run it; a non-zero exit fails unless `ignoreExitCode`, a timeout always fails. */
export async function executeCommand(step: Step, ctx: ActiveContext): Promise<void> {
  const argv = stepArgv(step, 'command');
  const name = step.instruction.fields.instructionName;
  if (typeof name === 'string') ctx.log(`[${name}]`);
  const outcome = await runLogged(ctx, argv, ctx.cwd, step.limits);
  const problem = describeOutcome(outcome, argv);
  if (!problem) return;
  if (outcome.kind === 'exited' && booleanField(step, 'ignoreExitCode')) {
    ctx.log(`(exit code ${outcome.exitCode} ignored: ignoreExitCode)`);
    return;
  }
  throw new InstructionFailure(problem, isSystemOutcome(outcome) ? 'system' : 'build');
}
