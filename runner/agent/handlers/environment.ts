/**
 * Instructions that change the environment later instructions see: EnvironmentVariable and its
 * Prepend/Append forms, ParseEnvironmentVariableFromFile and SetEnvironmentFromScript.
 *
 * SetEnvironmentFromScript sources the script in a POSIX `sh` and imports the environment it
 * leaves (read with `env -0` after it). On Windows Coin runs batch files such as vcvarsall.bat or
 * emsdk_env.bat through `cmd /c "script && set"`; agents here are POSIX only, so a .bat/.cmd
 * script fails with a message saying so.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pythonRegex, PythonRegexError } from '../../core/python-regex';
import type { ActiveContext } from '../execution-context';
import { InstructionFailure } from '../instruction-failure';
import { describeOutcome, isSystemOutcome, runLogged, stepArgv } from './command';
import { resolvePath, stringField, type InstructionHandler, type Step } from './handler-kit';

/** EnvironmentVariable (set), PrependToEnvironmentVariable, AppendToEnvironmentVariable. */
export function setVariable(mode: 'set' | 'prepend' | 'append'): InstructionHandler {
  return async (step, ctx) => {
    const name = stringField(step, 'variableName');
    const value = step.instruction.fields.variableValue == null ? '' : stringField(step, 'variableValue');
    const current = ctx.env[name] ?? '';
    ctx.env[name] = mode === 'set' ? value : mode === 'prepend' ? value + current : current + value;
  };
}

function compileRegex(pattern: string): { regex: RegExp; groupNames: readonly string[] } {
  try {
    return pythonRegex(pattern);
  } catch (error) {
    if (error instanceof PythonRegexError) throw new InstructionFailure(error.message);
    throw error;
  }
}

/** ParseEnvironmentVariableFromFile: each named group `(?P<VAR>...)` of the first match becomes VAR. */
export async function parseEnvironmentFromFile(step: Step, ctx: ActiveContext): Promise<void> {
  const file = resolvePath(ctx.cwd, stringField(step, 'filename'));
  const pattern = stringField(step, 'regex');
  const { regex, groupNames } = compileRegex(pattern);
  if (groupNames.length === 0) {
    throw new InstructionFailure(
      `regex "${pattern}" has no named group (?P<NAME>...) to take a variable from`,
    );
  }
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InstructionFailure(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const match = regex.exec(text);
  if (!match) throw new InstructionFailure(`regex "${pattern}" does not match anything in ${file}`);
  for (const name of groupNames) {
    const value = match.groups?.[name];
    if (value === undefined) {
      ctx.log(`${name}: its group took no part in the match, left unchanged`);
      continue;
    }
    ctx.env[name] = value;
    ctx.log(`${name}=${value} (from ${path.basename(file)})`);
  }
}

/** Variables a shell sets for itself; a script's "changes" to them are not imported. */
const shellOwn = new Set(['PWD', 'OLDPWD', 'SHLVL', '_']);

/** `d` first, then the script, sourced with the remaining arguments; the environment goes to `d`. */
const wrapper = '__coin_env_dump__=$1; shift; . "$0" || exit $?; env -0 > "$__coin_env_dump__"';

function parseEnvDump(dump: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of dump.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** Apply the environment a script left: changed and new variables set, removed ones deleted. */
function importEnvironment(ctx: ActiveContext, after: Record<string, string>): string[] {
  const changed: string[] = [];
  for (const [name, value] of Object.entries(after)) {
    if (shellOwn.has(name) || name === '__coin_env_dump__' || ctx.env[name] === value) continue;
    ctx.env[name] = value;
    changed.push(name);
  }
  for (const name of Object.keys(ctx.env)) {
    // A shell drops names it cannot hold (`A-B`); only a valid name missing afterwards was unset.
    if (!(name in after) && !shellOwn.has(name) && /^[A-Za-z_]\w*$/.test(name)) {
      delete ctx.env[name];
      changed.push(`-${name}`);
    }
  }
  return changed.sort();
}

/** A script path as `.` will find it: relative ones from the working directory when they exist there. */
async function scriptPath(ctx: ActiveContext, script: string): Promise<string> {
  if (script.includes('/')) return resolvePath(ctx.cwd, script);
  const local = resolvePath(ctx.cwd, script);
  return (await stat(local).catch(() => null))?.isFile() ? local : script;
}

/** SetEnvironmentFromScript: source the script in sh and take the environment it leaves behind. */
export async function setEnvironmentFromScript(step: Step, ctx: ActiveContext): Promise<void> {
  const [script, ...args] = stepArgv(step, 'command');
  if (/\.(bat|cmd)$/i.test(script!)) {
    throw new InstructionFailure(
      `SetEnvironmentFromScript: ${script} is a Windows batch file, which needs cmd.exe; this agent runs POSIX shell scripts only`,
      'system',
    );
  }
  const dumpDir = await mkdtemp(path.join(os.tmpdir(), 'coin-env-'));
  try {
    const dumpFile = path.join(dumpDir, 'env');
    const argv = ['sh', '-c', wrapper, await scriptPath(ctx, script!), dumpFile, ...args];
    const shown = `. ${[argv[3]!, ...args].join(' ')} (sourced in sh)`;
    const outcome = await runLogged(ctx, argv, ctx.cwd, step.limits, shown);
    const problem = describeOutcome(outcome, [script!, ...args]);
    if (problem) throw new InstructionFailure(problem, isSystemOutcome(outcome) ? 'system' : 'build');
    const dump = await readFile(dumpFile, 'utf8').catch(() => {
      throw new InstructionFailure(`${script} ended the shell (exit) before its environment could be read`);
    });
    const changed = importEnvironment(ctx, parseEnvDump(dump));
    ctx.log(`environment from ${script}: ${changed.length === 0 ? 'no changes' : changed.join(' ')}`);
  } finally {
    await rm(dumpDir, { recursive: true, force: true });
  }
}
