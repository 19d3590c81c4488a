/**
 * `coin health`: the health checks of the instance in a working directory, run by the instance
 * itself (it stores every run), or with `--history` the runs it stored, its own schedule's
 * included. Exit 1 when a check fails.
 */
import type { Command } from 'commander';
import { connectWorkingDir } from '../client/working-dir-instance';
import { defaultHealthDays, type HealthHistory, type HealthRun } from '../core/instance-api';
import type { CliIo } from './cli-io';

interface HealthFlags {
  workingDir: string;
  json?: boolean;
  history?: boolean;
  days: string;
}

/** One run as `coin health` prints it: the overall line, then a line per check with its evidence. */
export function formatHealthRun(run: HealthRun): string {
  const head = `${run.checkedAt}  ${run.overall.toUpperCase()}  (${run.trigger}, ${run.ms} ms)`;
  const lines = run.checks.flatMap((c) => [
    `  ${c.status.padEnd(8)}${c.title}: ${c.summary}`,
    ...c.details.slice(0, 5).map((d) => `            ${d}`),
  ]);
  return [head, ...lines].join('\n');
}

/** The history as one line per run: time, overall and each check's status. */
export function formatHealthHistory(history: HealthHistory): string {
  const schedule =
    history.intervalMinutes > 0
      ? `every ${history.intervalMinutes} min, next ${history.nextRunAt ?? 'not scheduled'}`
      : 'no schedule (coin run --health-interval 0)';
  const rows = history.runs.map(
    (run) =>
      `${run.checkedAt}  ${run.overall.padEnd(7)} ${run.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`,
  );
  return [`${history.runs.length} runs; schedule: ${schedule}`, ...rows].join('\n');
}

async function health(opts: HealthFlags, io: CliIo): Promise<void> {
  const client = connectWorkingDir(opts.workingDir, { timeoutMs: 120_000 });
  if (opts.history) {
    const days = Number(opts.days);
    if (!Number.isFinite(days) || days < 0 || days > 366)
      throw io.usageError(`--days must be a number from 0 to 366, got '${opts.days}'`);
    const history = await client.healthHistory({ days });
    io.out(opts.json ? JSON.stringify(history, null, 2) : formatHealthHistory(history));
    return;
  }
  const run = await client.runHealth();
  io.out(opts.json ? JSON.stringify(run, null, 2) : formatHealthRun(run));
  if (run.overall === 'fail') io.setExitCode(1);
}

/** Register `coin health`. */
export function addHealthCommand(program: Command, io: CliIo): void {
  program
    .command('health')
    .description('run the health checks in the instance (it stores every run); --history lists them')
    .requiredOption('--working-dir <dir>', 'working directory of the instance')
    .option('--json', 'print JSON (the run, or the history with --history)')
    .option('--history', 'the stored runs instead of a new one')
    .option('--days <n>', 'with --history: the last N days', String(defaultHealthDays))
    .action((opts: HealthFlags) => health(opts, io));
}
