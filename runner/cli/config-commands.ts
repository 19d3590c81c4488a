/**
 * `coin config validate FILE`, `coin config history`, `coin config rollback VERSION`: the runtime
 * configuration (coin_configuration.json) from the command line. Validation prints every problem
 * with file:line:column; history reads the versions the instance applied; rollback writes an
 * earlier version back to the file (atomically, refusing when the file changed meanwhile) and,
 * with an instance running, waits until it reports the version applied.
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRuntimeConfig, formatDiagnostic } from '../core/runtime-config/config-check';
import { formatChanges, type ConfigChange } from '../core/runtime-config/config-diff';
import { tooLargeMessage } from '../core/runtime-config/jsonc-parser';
import { readConfigFile, runtimeConfigPath, saveConfigFile } from '../node/runtime-config/config-file';
import { activeConfigOf, applyConfigText } from '../node/runtime-config/config-versions';
import type { ConfigVersion } from '../node/store/config-history-table';
import { acquireInstanceLock, InstanceLockedError } from '../node/store/instance-lock';
import { SqliteStore } from '../node/store/sqlite-store';
import type { CliIo } from './cli-io';
import { textTable } from './text-table';
import { inWorkingDir, workingDirNames } from '../core/working-dir-layout';

/** Print every problem of FILE; exit 1 when there is an error. */
async function validate(file: string, opts: { json?: boolean }, io: CliIo): Promise<void> {
  const snapshot = await readConfigFile(file).catch((error: Error) => {
    throw io.usageError(`cannot read ${file}: ${error.message}`);
  });
  if (snapshot.kind === 'missing') throw io.usageError(`${file} does not exist`);
  if (snapshot.kind === 'too-large') {
    io.out(`${file}:1:1: error: ${tooLargeMessage(snapshot.bytes)}`);
    return io.setExitCode(1);
  }
  const check = checkRuntimeConfig(snapshot.text);
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = check.diagnostics.length - errors;
  if (opts.json) {
    const result = {
      file,
      valid: errors === 0,
      diagnostics: check.diagnostics,
      config: check.config ?? null,
    };
    io.out(JSON.stringify(result, null, 2));
  } else {
    for (const d of check.diagnostics) io.out(formatDiagnostic(d, file));
    io.out(
      errors + warnings === 0 ? `${file}: valid` : `${file}: ${errors} error(s), ${warnings} warning(s)`,
    );
  }
  io.setExitCode(errors > 0 ? 1 : 0);
}

/** Opens the store of an existing working directory (the instance may be running: SQLite WAL). */
function openStore(workingDir: string, io: CliIo): SqliteStore {
  if (!fs.existsSync(inWorkingDir(workingDir, 'database')))
    throw io.usageError(`${workingDir} is not a Coin working directory (no ${workingDirNames.database})`);
  return SqliteStore.open(workingDir);
}

function summary(changes: readonly ConfigChange[]): string {
  if (changes.length === 0) return '(comments or formatting only)';
  const first = formatChanges(changes.slice(0, 1));
  return changes.length === 1 ? first : `${first} (+${changes.length - 1} more)`;
}

function history(opts: { workingDir: string; max: string; diff?: boolean; json?: boolean }, io: CliIo): void {
  const max = Number(opts.max);
  if (!Number.isInteger(max) || max < 1)
    throw io.usageError(`--max must be an integer >= 1, got '${opts.max}'`);
  const store = openStore(path.resolve(opts.workingDir), io);
  let versions: ConfigVersion[];
  try {
    versions = store.configHistory.list(max);
  } finally {
    store.close();
  }
  if (opts.json) return io.out(JSON.stringify(versions, null, 2));
  if (versions.length === 0)
    return io.out('no runtime configuration has been applied yet (the defaults are in force)');
  const rows = versions.map((v) => [String(v.version), v.time, v.appliedBy, v.via, summary(v.changes)]);
  io.out(textTable(['version', 'time', 'applied by', 'via', 'changes'], rows));
  if (opts.diff) for (const v of versions) io.out(`\nversion ${v.version}:\n${v.diff || '(same text)'}`);
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown user';
  }
}

/** Writes the text of `target` to the file; resolves to the file's sha256. */
async function writeBack(workingDir: string, target: ConfigVersion, via: string, io: CliIo): Promise<string> {
  const file = runtimeConfigPath(workingDir);
  const current = await readConfigFile(file);
  const base = current.kind === 'text' ? current.text : null;
  if (current.kind === 'too-large') throw new Error(`${file} is larger than 1 MiB: move it away first`);
  const result = await saveConfigFile({ file, text: target.text, base, appliedBy: userName(), via });
  if (result.saved) return result.sha256;
  if (result.reason === 'invalid')
    throw new Error(`version ${target.version} is not valid any more:\n${result.errors.join('\n')}`);
  io.err(result.difference.theirs);
  throw new Error(`${file} changed while it was being rolled back; run the command again`);
}

async function waitForApplied(
  workingDir: string,
  sha256: string,
  timeoutMs: number,
): Promise<ConfigVersion | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const store = SqliteStore.open(workingDir);
    try {
      const latest = store.configHistory.latest();
      if (latest?.sha256 === sha256) return latest;
    } finally {
      store.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

function printApplied(v: ConfigVersion, io: CliIo): void {
  io.out(`version ${v.version} applied (${v.appliedBy}, ${v.via})`);
  const changes = formatChanges(v.changes);
  if (changes) io.out(changes);
}

/** With an instance running: write the file and wait until the instance applied it. */
async function rollbackOnline(dir: string, target: ConfigVersion, via: string, timeout: string, io: CliIo) {
  const sha256 = await writeBack(dir, target, via, io);
  const applied = await waitForApplied(dir, sha256, Number(timeout) * 1000);
  if (!applied)
    throw new Error(`the running instance did not apply the file within ${timeout} s: see its log`);
  printApplied(applied, io);
}

/** Without an instance (its lock held here): write the file and record the version directly. */
async function rollbackOffline(dir: string, target: ConfigVersion, via: string, io: CliIo) {
  const sha256 = await writeBack(dir, target, via, io);
  const store = SqliteStore.open(dir);
  try {
    const submission = { text: target.text, sha256, appliedBy: userName(), via };
    const outcome = applyConfigText(store, activeConfigOf(store), submission);
    if (outcome.kind === 'rejected')
      throw new Error(`version ${target.version} is not valid any more:\n${outcome.errors.join('\n')}`);
    if (outcome.kind === 'applied') printApplied(outcome.version, io);
  } finally {
    store.close();
  }
}

async function rollback(
  versionText: string,
  opts: { workingDir: string; timeout: string },
  io: CliIo,
): Promise<void> {
  const version = Number(versionText);
  if (!Number.isInteger(version) || version < 1)
    throw io.usageError(`VERSION must be a version number, got '${versionText}'`);
  const dir = path.resolve(opts.workingDir);
  const store = openStore(dir, io);
  const [target, latest] = [store.configHistory.get(version), store.configHistory.latest()];
  store.close();
  if (!target)
    throw io.usageError(
      `there is no version ${version}: coin config history --working-dir ${dir} lists them`,
    );
  if (latest?.sha256 === target.sha256)
    return io.out(`version ${version} is what is in force (as version ${latest.version})`);
  const via = `coin config rollback to ${version}`;
  const lock = await acquireInstanceLock(dir).catch((error: unknown) => {
    if (error instanceof InstanceLockedError) return undefined;
    throw error;
  });
  if (!lock) return rollbackOnline(dir, target, via, opts.timeout, io);
  try {
    await rollbackOffline(dir, target, via, io);
  } finally {
    lock.release();
  }
}

/** Register `coin config validate|history|rollback`. */
export function addConfigCommands(program: Command, io: CliIo): void {
  const config = program
    .command('config')
    .description('the runtime configuration (coin_configuration.json): validate it, its history, roll back');
  config
    .command('validate <file>')
    .description('check a coin_configuration.json and print every problem (exit 1 on errors)')
    .option('--json', 'print the problems and the resulting configuration as JSON')
    .action((file: string, opts: { json?: boolean }) => validate(file, opts, io));
  config
    .command('history')
    .description('the versions of the runtime configuration the instance applied, newest first')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--max <n>', 'at most this many versions', '50')
    .option('--diff', 'print the difference each version made')
    .option('--json', 'print JSON')
    .action((opts: { workingDir: string; max: string; diff?: boolean; json?: boolean }) => history(opts, io));
  config
    .command('rollback <version>')
    .description('put an earlier version back in force (written to the file, applied by the instance)')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--timeout <seconds>', 'how long to wait for a running instance to apply it', '10')
    .action((version: string, opts: { workingDir: string; timeout: string }) => rollback(version, opts, io));
}
