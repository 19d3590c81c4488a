/**
 * `coin doctor`: what a Coin instance needs from its machine, decided on plain facts.
 * The facts are gathered by runner/node/system-probe.ts; this file only judges them.
 */
import { formatBytes } from './format-bytes';
import * as z from 'zod';
import { isAtLeast } from './versions';

export const doctorStatusSchema = z.enum(['ok', 'warn', 'fail']);
export type DoctorStatus = z.infer<typeof doctorStatusSchema>;

export const doctorCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: doctorStatusSchema,
  /** A failed required check makes the instance unable to run (exit code 1). */
  required: z.boolean(),
  detail: z.string(),
});
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;

export const doctorReportSchema = z.object({
  workingDir: z.string(),
  checkedAt: z.string(),
  checks: z.array(doctorCheckSchema),
  /** False when any required check failed. */
  ok: z.boolean(),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** What the probe found out about the machine. */
export interface SystemFacts {
  platform: string;
  nodeVersion: string;
  /** Output of `git --version`, or null when git could not be run. */
  gitVersion: string | null;
  workingDir: { path: string; exists: boolean; writable: boolean; problem?: string };
  /** Free and total bytes of the file system holding the working directory (or its parent). */
  disk: { freeBytes: number; totalBytes: number } | null;
  /** Whether the SQLite driver loads and opens a database; its library version when it does. */
  sqlite: { ok: boolean; version?: string; problem?: string };
}

export interface DoctorThresholds {
  minGit: string;
  minNode: string;
  /** Below this the instance cannot run (fail). */
  minFreeBytes: number;
  /** Below this a warning: builds and artifacts will fill it soon. */
  warnFreeBytes: number;
}

export const defaultDoctorThresholds: DoctorThresholds = {
  minGit: '2.0.0',
  minNode: '20.19.0',
  minFreeBytes: 1024 ** 3,
  warnFreeBytes: 10 * 1024 ** 3,
};

function check(
  id: string,
  title: string,
  required: boolean,
  status: DoctorStatus,
  detail: string,
): DoctorCheck {
  return { id, title, required, status, detail };
}

function gitCheck(facts: SystemFacts, t: DoctorThresholds): DoctorCheck {
  if (facts.gitVersion === null) {
    return check('git', 'git', true, 'fail', 'git not found on PATH: install git >= ' + t.minGit);
  }
  const ok = isAtLeast(facts.gitVersion, t.minGit);
  return check(
    'git',
    'git',
    true,
    ok ? 'ok' : 'fail',
    ok ? facts.gitVersion : `${facts.gitVersion}: need >= ${t.minGit}`,
  );
}

function nodeCheck(facts: SystemFacts, t: DoctorThresholds): DoctorCheck {
  const ok = isAtLeast(facts.nodeVersion, t.minNode);
  const detail = ok ? `v${facts.nodeVersion}` : `v${facts.nodeVersion}: need >= ${t.minNode}`;
  return check('node', 'Node.js', true, ok ? 'ok' : 'fail', detail);
}

function workingDirCheck(facts: SystemFacts): DoctorCheck {
  const dir = facts.workingDir;
  if (dir.writable) {
    const detail = dir.exists
      ? `${dir.path} is writable`
      : `${dir.path} will be created (parent is writable)`;
    return check('working-dir', 'working directory', true, 'ok', detail);
  }
  return check(
    'working-dir',
    'working directory',
    true,
    'fail',
    dir.problem ?? `${dir.path} is not writable`,
  );
}

function diskCheck(facts: SystemFacts, t: DoctorThresholds): DoctorCheck {
  if (!facts.disk)
    return check(
      'disk',
      'free disk',
      true,
      'fail',
      'could not read the file system of the working directory',
    );
  const { freeBytes, totalBytes } = facts.disk;
  const detail = `${formatBytes(freeBytes)} free of ${formatBytes(totalBytes)}`;
  if (freeBytes < t.minFreeBytes)
    return check('disk', 'free disk', true, 'fail', `${detail}: need ${formatBytes(t.minFreeBytes)}`);
  if (freeBytes < t.warnFreeBytes)
    return check('disk', 'free disk', true, 'warn', `${detail}: below ${formatBytes(t.warnFreeBytes)}`);
  return check('disk', 'free disk', true, 'ok', detail);
}

function sqliteCheck(facts: SystemFacts): DoctorCheck {
  if (facts.sqlite.ok)
    return check(
      'sqlite',
      'SQLite driver',
      true,
      'ok',
      `better-sqlite3, SQLite ${facts.sqlite.version ?? '?'}`,
    );
  return check(
    'sqlite',
    'SQLite driver',
    true,
    'fail',
    facts.sqlite.problem ?? 'better-sqlite3 does not load: run npm rebuild better-sqlite3',
  );
}

function platformCheck(facts: SystemFacts): DoctorCheck {
  const linux = facts.platform === 'linux';
  const detail = linux
    ? 'linux'
    : `${facts.platform}: a production master runs on Linux only; local instances work`;
  return check('platform', 'platform', false, linux ? 'ok' : 'warn', detail);
}

/** Judge the facts: one row per check, `ok` false when a required check failed. */
export function evaluateDoctor(
  facts: SystemFacts,
  checkedAt: Date,
  thresholds: DoctorThresholds = defaultDoctorThresholds,
): DoctorReport {
  const checks = [
    gitCheck(facts, thresholds),
    nodeCheck(facts, thresholds),
    workingDirCheck(facts),
    diskCheck(facts, thresholds),
    sqliteCheck(facts),
    platformCheck(facts),
  ];
  const ok = checks.every((c) => !(c.required && c.status === 'fail'));
  return { workingDir: facts.workingDir.path, checkedAt: checkedAt.toISOString(), checks, ok };
}
