/**
 * Diagnose a running runner without stopping it, end to end: find its pid (the working
 * directory's lock, or given), open its inspector, take the diagnosis, read the journal excerpt,
 * and pack everything into one tar.gz. Used by `coin diagnose` and by the app for a local runner;
 * for a master the app runs `coin diagnose` there (SIGUSR1 and the journal are on that host).
 */
import os from 'node:os';
import path from 'node:path';
import { formatDiagnosis, type Diagnosis } from '../../core/diagnosis';
import { readLockInfo } from '../store/instance-lock';
import { collectDiagnosis, defaultDiagnoseTiming, type DiagnoseTiming } from './collect-diagnosis';
import { openInspector, looksLikeNode, InspectorOpenError } from './inspector-port';
import { journalExcerpt, type JournalChoice, type JournalExcerpt } from './journal-excerpt';
import { tarGz } from './tar-gz';

/** What to diagnose and how. */
export interface DiagnoseRequest {
  /** The instance's working directory (its lock names the pid; its log is the excerpt). */
  workingDir?: string;
  /** A process id instead of (or checked against) the lock. */
  pid?: number;
  journal?: JournalChoice;
  unit?: string;
  timing?: Partial<DiagnoseTiming>;
}

/** The diagnosis, its text, the journal excerpt and the archive holding all three. */
export interface DiagnoseResult {
  diagnosis: Diagnosis;
  text: string;
  journal: JournalExcerpt;
  archive: Buffer;
  /** A file name for the archive: coin-diagnosis-<pid>-<time>.tar.gz. */
  archiveName: string;
}

/** The pid to diagnose: the one given, else the lock's (which must be this machine's). */
export function targetPid(request: DiagnoseRequest): number {
  if (request.pid !== undefined) return request.pid;
  if (!request.workingDir) throw new InspectorOpenError('name the instance: --working-dir DIR or --pid N');
  const dir = path.resolve(request.workingDir);
  const lock = readLockInfo(dir);
  if (!lock) throw new InspectorOpenError(`no Coin instance holds ${dir} (no lock file): is it started?`);
  if (lock.hostname !== os.hostname())
    throw new InspectorOpenError(
      `the instance of ${dir} runs on ${lock.hostname}, not here: run coin diagnose on that machine`,
    );
  return lock.pid;
}

async function checkNode(pid: number): Promise<void> {
  if ((await looksLikeNode(pid)) === false)
    throw new InspectorOpenError(
      `process ${pid} is not a Node process (it would not survive SIGUSR1): nothing was done`,
    );
}

/** Diagnose the runner named by `request`; it keeps running throughout. */
export async function diagnoseProcess(request: DiagnoseRequest): Promise<DiagnoseResult> {
  const pid = targetPid(request);
  await checkNode(pid);
  const endpoint = await openInspector(pid);
  const diagnosis = await collectDiagnosis(pid, endpoint, { ...defaultDiagnoseTiming, ...request.timing });
  const text = formatDiagnosis(diagnosis);
  const journal = request.workingDir
    ? await journalExcerpt(path.resolve(request.workingDir), request.journal ?? 'auto', {
        unit: request.unit,
      })
    : { source: 'no working directory given: no log excerpt', text: '' };
  const stamp = diagnosis.takenAt.replace(/[:.]/g, '-');
  const archiveName = `coin-diagnosis-${pid}-${stamp}.tar.gz`;
  const dir = archiveName.replace(/\.tar\.gz$/, '');
  const archive = tarGz([
    { name: `${dir}/diagnosis.txt`, content: text },
    { name: `${dir}/diagnosis.json`, content: `${JSON.stringify(diagnosis, null, 2)}\n` },
    { name: `${dir}/journal.txt`, content: `# ${journal.source}\n${journal.text}` },
  ]);
  return { diagnosis, text, journal, archive, archiveName };
}
