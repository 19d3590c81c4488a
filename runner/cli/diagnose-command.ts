/** `coin diagnose`: what a running (perhaps hung) runner is doing, without stopping it. */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnoseProcess } from '../node/diagnose/diagnose-process';
import type { JournalChoice } from '../node/diagnose/journal-excerpt';
import type { CliIo } from './cli-io';

interface DiagnoseOptions {
  workingDir: string;
  pid?: string;
  out?: string;
  profileMs: string;
  journal: string;
  unit: string;
  json?: boolean;
}

const journalChoices: readonly JournalChoice[] = ['auto', 'systemd', 'file', 'none'];

function parseOptions(io: CliIo, opts: DiagnoseOptions) {
  const pid = opts.pid === undefined ? undefined : Number(opts.pid);
  if (pid !== undefined && (!Number.isInteger(pid) || pid <= 0))
    throw io.usageError(`--pid must be a process id, got '${opts.pid}'`);
  const profileMs = Number(opts.profileMs);
  if (!Number.isInteger(profileMs) || profileMs < 100 || profileMs > 60_000)
    throw io.usageError(`--profile-ms must be an integer from 100 to 60000, got '${opts.profileMs}'`);
  if (!(journalChoices as readonly string[]).includes(opts.journal))
    throw io.usageError(`--journal must be one of ${journalChoices.join(', ')}, got '${opts.journal}'`);
  return { pid, profileMs, journal: opts.journal as JournalChoice };
}

/** Register `coin diagnose` on the program. */
export function addDiagnoseCommand(program: Command, io: CliIo): void {
  program
    .command('diagnose')
    .description(
      "show what a running instance is doing (stacks, event loop, handles, SQLite, agents, memory) through Node's inspector, without stopping it; saves a tar.gz with the log excerpt",
    )
    .option(
      '--working-dir <dir>',
      'working directory of the instance (its lock names the process)',
      process.cwd(),
    )
    .option('--pid <n>', 'diagnose this process instead of the lock holder')
    .option('--out <file>', 'where to write the archive (default: ./coin-diagnosis-<pid>-<time>.tar.gz)')
    .option('--profile-ms <n>', 'length of the CPU profile', '2000')
    .option('--journal <source>', `log excerpt from: ${journalChoices.join(', ')}`, 'auto')
    .option('--unit <name>', 'systemd user unit of the instance', 'coin')
    .option('--json', 'print the diagnosis as JSON (with the archive path) instead of text')
    .action(async (opts: DiagnoseOptions) => {
      const { pid, profileMs, journal } = parseOptions(io, opts);
      const result = await diagnoseProcess({
        workingDir: opts.workingDir,
        pid,
        journal,
        unit: opts.unit,
        timing: { profileMs },
      });
      const out = path.resolve(opts.out ?? result.archiveName);
      await writeFile(out, result.archive);
      if (opts.json)
        io.out(JSON.stringify({ archive: out, journal: result.journal.source, diagnosis: result.diagnosis }));
      else io.out(`${result.text}\nlog excerpt: ${result.journal.source}\narchive: ${out}`);
    });
}
