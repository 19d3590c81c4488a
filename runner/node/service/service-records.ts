/**
 * The records `coin service` keeps: the pidfile of the running daemon and the last state it
 * recorded. Written atomically (temp file, fsync, rename) so a reader never sees half a record.
 */
import fs from 'node:fs';
import * as z from 'zod';

/** The pidfile: which process is the daemon, and how it was started. */
export const pidRecordSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  /** Start time of the process in clock ticks since boot (Linux), to tell a reused pid apart. */
  processStart: z.string().nullable(),
  /** Arguments of `coin run` after the subcommand, for a restart. */
  runArgs: z.array(z.string()),
});
export type PidRecord = z.infer<typeof pidRecordSchema>;

/** The last state change that start or stop recorded. */
export const stateRecordSchema = z.object({
  state: z.enum(['stopped', 'failed']),
  since: z.string(),
  detail: z.string(),
  runArgs: z.array(z.string()).optional(),
});
export type StateRecord = z.infer<typeof stateRecordSchema>;

/** Reads and validates a JSON record; undefined when absent or not valid. */
export function readRecord<T>(file: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a JSON record atomically. */
export function writeRecord(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o644);
  try {
    fs.writeSync(fd, `${JSON.stringify(value)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** The start time of a live process in clock ticks since boot; null when /proc cannot tell. */
export function processStartOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True while the process of the record runs (a reused pid or a zombie does not count). */
export function isRecordAlive(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (isZombie(record.pid)) return false;
  if (record.processStart === null) return true;
  const now = processStartOf(record.pid);
  return now === null || now === record.processStart;
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
