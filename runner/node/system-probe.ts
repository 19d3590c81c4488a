/** Gathers the facts that `coin doctor` judges (runner/core/doctor.ts). */
import { execFile } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { evaluateDoctor, type DoctorReport, type DoctorThresholds, type SystemFacts } from '../core/doctor';
import { childEnv } from './child-env';
import { probeWorkingDir } from './working-dir';

const execFileAsync = promisify(execFile);

async function gitVersion(): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync('git', ['--version'], { env: childEnv(), timeout: 10_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

/** The directory itself when it exists, else its nearest existing ancestor. */
async function nearestExisting(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

async function diskFacts(dir: string): Promise<SystemFacts['disk']> {
  try {
    const fs = await statfs(await nearestExisting(dir));
    return { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
  } catch {
    return null;
  }
}

async function sqliteFacts(): Promise<SystemFacts['sqlite']> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    try {
      const row = db.prepare('select sqlite_version() as version').get() as { version: string };
      return { ok: true, version: row.version };
    } finally {
      db.close();
    }
  } catch (error) {
    return {
      ok: false,
      problem: `better-sqlite3 does not load (${(error as Error).message}): run npm rebuild better-sqlite3`,
    };
  }
}

/** Look at this machine for the working directory `workingDir`. */
export async function probeSystem(workingDir: string): Promise<SystemFacts> {
  const [git, wd, disk, sqlite] = await Promise.all([
    gitVersion(),
    // Tried for real (a file written and removed): access(2) says yes to root on /proc and /sys.
    probeWorkingDir(workingDir),
    diskFacts(workingDir),
    sqliteFacts(),
  ]);
  return {
    platform: process.platform,
    nodeVersion: process.versions.node,
    gitVersion: git,
    workingDir: wd,
    disk,
    sqlite,
  };
}

/** Probe the machine and judge it: the report `coin doctor` prints and the UI shows. */
export async function doctorReportFor(
  workingDir: string,
  thresholds?: DoctorThresholds,
): Promise<DoctorReport> {
  return evaluateDoctor(await probeSystem(workingDir), new Date(), thresholds);
}
