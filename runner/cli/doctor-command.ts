/** `coin doctor`: checks what a Coin instance needs and prints a table (exit 1 when something required fails). */
import type { Command } from 'commander';
import path from 'node:path';
import type { DoctorReport, DoctorStatus } from '../core/doctor';
import { defaultDoctorThresholds } from '../core/doctor';
import { doctorReportFor } from '../node/system-probe';
import type { CliIo } from './cli-io';
import { textTable } from './text-table';

const statusLabel: Record<DoctorStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL' };

/** The report as the table `coin doctor` prints. */
export function formatDoctorReport(report: DoctorReport): string {
  const rows = report.checks.map((c) => [
    statusLabel[c.status],
    c.title,
    c.required ? 'yes' : 'no',
    c.detail,
  ]);
  const table = textTable(['status', 'check', 'required', 'detail'], rows);
  const verdict = report.ok
    ? 'This machine can run a Coin instance.'
    : 'Something required is missing: fix the FAIL rows above, then run coin doctor again.';
  return `Coin doctor for ${report.workingDir}\n\n${table}\n\n${verdict}`;
}

/** Register `coin doctor` on the program. */
export function addDoctorCommand(program: Command, io: CliIo): void {
  program
    .command('doctor')
    .description(
      'check that this machine can run a Coin instance (git, Node.js, working directory, disk, SQLite)',
    )
    .option('--working-dir <dir>', 'working directory of the instance', process.cwd())
    .option(
      '--min-free-gb <n>',
      'free disk below this fails the check',
      String(defaultDoctorThresholds.minFreeBytes / 1024 ** 3),
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { workingDir: string; minFreeGb: string; json?: boolean }) => {
      const minFree = Number(opts.minFreeGb);
      if (!Number.isFinite(minFree) || minFree < 0) {
        throw io.usageError(`--min-free-gb must be a number >= 0, got '${opts.minFreeGb}'`);
      }
      const thresholds = { ...defaultDoctorThresholds, minFreeBytes: minFree * 1024 ** 3 };
      thresholds.warnFreeBytes = Math.max(thresholds.warnFreeBytes, thresholds.minFreeBytes);
      const report = await doctorReportFor(path.resolve(opts.workingDir), thresholds);
      io.out(opts.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
      io.setExitCode(report.ok ? 0 : 1);
    });
}
