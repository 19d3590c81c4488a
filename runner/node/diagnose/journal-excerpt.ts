/**
 * The instance's recent log for the diagnosis archive: the end of `coin service`'s log file, or
 * `journalctl --user -u coin -n 500` where systemd runs it. A runner started with `coin run` in a
 * terminal logs there only; the excerpt then says so.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { inWorkingDir } from '../../core/working-dir-layout';
import { childEnv } from '../child-env';

/** Where to read the log: guess, the systemd journal, the service's log file, or nowhere. */
export type JournalChoice = 'auto' | 'systemd' | 'file' | 'none';

/** The excerpt and the one line saying where it came from. */
export interface JournalExcerpt {
  source: string;
  text: string;
}

async function fileTail(file: string, lines: number): Promise<JournalExcerpt | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const tail = text.split('\n').filter(Boolean).slice(-lines);
  return { source: `the last ${tail.length} lines of ${file}`, text: `${tail.join('\n')}\n` };
}

// journalctl --user finds the user's journal through XDG_RUNTIME_DIR, which childEnv leaves out.
function userBus(): Record<string, string> {
  const dir = process.env.XDG_RUNTIME_DIR;
  return dir ? { XDG_RUNTIME_DIR: dir } : {};
}

function journalctl(unit: string, lines: number): Promise<JournalExcerpt | undefined> {
  const argv = ['--user', '-u', unit, '-n', String(lines), '--no-pager', '-q'];
  return new Promise((resolve) => {
    execFile('journalctl', argv, { env: childEnv(userBus()), maxBuffer: 32 * 1024 ** 2 }, (error, stdout) => {
      if (error || !stdout.trim()) resolve(undefined);
      else resolve({ source: `journalctl ${argv.join(' ')}`, text: stdout });
    });
  });
}

/** Up to `lines` recent log lines of the instance in `workingDir`, from `choice`. */
export async function journalExcerpt(
  workingDir: string,
  choice: JournalChoice,
  options: { unit?: string; lines?: number } = {},
): Promise<JournalExcerpt> {
  const lines = options.lines ?? 500;
  const unit = options.unit ?? 'coin';
  const logFile = inWorkingDir(workingDir, 'serviceLog');
  if (choice === 'none') return { source: 'not asked for (--journal none)', text: '' };
  const fromFile = choice === 'systemd' ? undefined : await fileTail(logFile, lines);
  if (fromFile) return fromFile;
  const fromJournal = choice === 'file' ? undefined : await journalctl(unit, lines);
  if (fromJournal) return fromJournal;
  const looked = [
    choice !== 'systemd' && logFile,
    choice !== 'file' && `journalctl --user -u ${unit}`,
  ].filter(Boolean);
  return {
    source: `no log found (looked at ${looked.join(' and ')}): an instance started with coin run logs to its terminal`,
    text: '',
  };
}
