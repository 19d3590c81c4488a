/**
 * What each instruction type does on an agent. One handler per type; a type without a handler
 * fails the work item with a message saying so (never a silent pass).
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlannedInstruction } from '../core/planned-instruction';
import type { ExecutionContext } from './execution-context';
import { InstructionFailure } from './instruction-failure';
import { runCommand, type CommandOutcome } from './run-command';
import { commandArgv } from '../core/coin-files/argument-split';

/** Renders a template string against the current context. */
export type Render = (text: string) => string;

export type InstructionHandler = (
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
) => Promise<void>;

/** Default limits when an instruction sets none (seconds): generous, but a hung build still ends. */
export const defaultLimits = { maxTimeInSeconds: 4 * 3600, maxTimeBetweenOutput: 3600 };

function stringField(instruction: PlannedInstruction, name: string, render: Render): string {
  const value = instruction.fields[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InstructionFailure(`${instruction.type} needs a '${name}' field`, 'build');
  }
  return render(String(value));
}

function limit(value: string | number | undefined, fallback: number, render: Render): number {
  if (value === undefined) return fallback;
  const seconds = Number(typeof value === 'string' ? render(value) : value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : fallback;
}

function resolveDir(ctx: ExecutionContext, dir: string): string {
  return path.resolve(ctx.cwd, dir);
}

function describeOutcome(outcome: CommandOutcome, argv: readonly string[]): string | null {
  switch (outcome.kind) {
    case 'exited':
      return outcome.exitCode === 0
        ? null
        : `command exited with code ${outcome.exitCode}: ${argv.join(' ')}`;
    case 'signalled':
      return `command was killed by ${outcome.signal}: ${argv.join(' ')}`;
    case 'timeout':
      return `command exceeded ${outcome.limit} (${outcome.seconds} s) and was killed with its children: ${argv.join(' ')}`;
    case 'aborted':
      return 'the work item was cancelled';
    case 'spawn-failed':
      return `command could not start (${outcome.message}): ${argv.join(' ')}`;
  }
}

async function executeCommand(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  if (instruction.fields.executeOnTarget) {
    throw new InstructionFailure(
      'executeOnTarget needs a target device, which local agents do not have',
      'system',
    );
  }
  const command = instruction.fields.command as string | string[];
  const splitting = instruction.fields.executeCommandArgumentSplitingBehavior as
    'SplitAfterVariableSubstitution' | undefined;
  const argv = commandArgv(command, splitting, render);
  ctx.log(`+ ${argv.join(' ')}`);
  const outcome = await runCommand({
    argv,
    cwd: ctx.cwd,
    env: ctx.env,
    maxTimeInSeconds: limit(instruction.maxTimeInSeconds, defaultLimits.maxTimeInSeconds, render),
    maxTimeBetweenOutput: limit(instruction.maxTimeBetweenOutput, defaultLimits.maxTimeBetweenOutput, render),
    onLine: (line) => ctx.log(line),
    signal: ctx.signal,
  });
  const problem = describeOutcome(outcome, argv);
  if (!problem) return;
  if (outcome.kind === 'exited' && instruction.fields.ignoreExitCode === true) {
    ctx.log(`(exit code ${outcome.exitCode} ignored: ignoreExitCode)`);
    return;
  }
  const systemFailure =
    outcome.kind === 'spawn-failed' || outcome.kind === 'timeout' || outcome.kind === 'aborted';
  throw new InstructionFailure(problem, systemFailure ? 'system' : 'build');
}

function setVariable(mode: 'set' | 'prepend' | 'append'): InstructionHandler {
  return async (instruction, ctx, render) => {
    const name = stringField(instruction, 'variableName', render);
    const value =
      instruction.fields.variableValue === undefined ? '' : stringField(instruction, 'variableValue', render);
    const current = ctx.env[name] ?? '';
    ctx.env[name] = mode === 'set' ? value : mode === 'prepend' ? value + current : current + value;
  };
}

async function changeDirectory(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  const dir = resolveDir(ctx, stringField(instruction, 'directory', render));
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory())
    throw new InstructionFailure(`ChangeDirectory: ${dir} is not a directory`, 'build');
  ctx.cwd = dir;
}

async function makeDirectory(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  await mkdir(resolveDir(ctx, stringField(instruction, 'directory', render)), { recursive: true });
}

async function setBuildDirectory(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  ctx.dirs = { ...ctx.dirs, buildDir: resolveDir(ctx, stringField(instruction, 'directory', render)) };
}

/** `fileMode` is decimal in the real files (493 = 0755, 420 = 0644); YAML octal arrives as a number too. */
function fileMode(instruction: PlannedInstruction): number {
  const mode = instruction.fields.fileMode;
  return typeof mode === 'number'
    ? mode
    : typeof mode === 'string' && /^\d+$/.test(mode)
      ? Number(mode)
      : 0o644;
}

async function writeFileInstruction(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  const file = resolveDir(ctx, stringField(instruction, 'filename', render));
  const contents =
    instruction.fields.fileContents === undefined ? '' : stringField(instruction, 'fileContents', render);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, contents, { mode: fileMode(instruction) });
  const hidden = instruction.fields.hiddenContent === true;
  ctx.log(`wrote ${file} (${Buffer.byteLength(contents)} bytes${hidden ? ', content hidden' : ''})`);
}

async function renameInstruction(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  const from = resolveDir(ctx, stringField(instruction, 'sourcePath', render));
  const to = resolveDir(ctx, stringField(instruction, 'targetPath', render));
  await rename(from, to).catch((error: Error) => {
    throw new InstructionFailure(`Rename ${from} -> ${to} failed: ${error.message}`, 'build');
  });
}

async function uploadArtifact(
  instruction: PlannedInstruction,
  ctx: ExecutionContext,
  render: Render,
): Promise<void> {
  const dir = resolveDir(ctx, stringField(instruction, 'archiveDirectory', render));
  const transferType = stringField(instruction, 'transferType', render);
  ctx.uploaded.push(await ctx.artifacts.upload(dir, transferType, (line) => ctx.log(line)));
}

function installArchive(kind: 'build' | 'test'): InstructionHandler {
  return async (instruction, ctx, render) => {
    const field =
      instruction.fields.directory === undefined ? null : stringField(instruction, 'directory', render);
    const dir = field === null ? ctx.dirs.installRoot : resolveDir(ctx, field);
    const count = await ctx.artifacts.install(kind, dir, (line) => ctx.log(line));
    ctx.log(`installed ${count} ${kind} artifact(s) into ${dir}`);
  };
}

/** The handler of each supported instruction type (Group is walked by the executor itself). */
export const instructionHandlers: Readonly<Record<string, InstructionHandler>> = {
  ExecuteCommand: executeCommand,
  EnvironmentVariable: setVariable('set'),
  PrependToEnvironmentVariable: setVariable('prepend'),
  AppendToEnvironmentVariable: setVariable('append'),
  ChangeDirectory: changeDirectory,
  MakeDirectory: makeDirectory,
  SetBuildDirectory: setBuildDirectory,
  WriteFile: writeFileInstruction,
  Rename: renameInstruction,
  UploadArtifact: uploadArtifact,
  InstallBinaryArchive: installArchive('build'),
  InstallTestBinaryArchive: installArchive('test'),
};
