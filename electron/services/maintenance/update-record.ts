/**
 * The state of a profile's last update (or rollback), kept on disk in the app's data directory
 * (`<dataDir>/updates/<profileId>.json`) and rewritten atomically after every step and every poll
 * of the post-update watch: the steps reached, the revisions, the start time, the watch period and
 * what the watch saw. When the app stops during an update, the next start reads it: a run that was
 * still running is reported as interrupted at the step it reached (to continue or roll back), and
 * a watch whose period has not ended goes on.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { updateProgressSchema, type UpdateProgress } from '../../common/maintenance-contract';
import { postUpdateWatchSchema } from '../../common/post-update-contract';
import { readTextIfExists, writeFileAtomic } from '../../../runner/node/atomic-file';

export const updateRecordSchema = z.object({
  version: z.literal(1),
  /** The deployment checkout the run works on. */
  coinDir: z.string(),
  progress: updateProgressSchema,
  /** The watch period chosen when the run started, in minutes. */
  watchMinutes: z.number().int(),
  /** Ids of the tasks that were running when the run started (the stop interrupts them). */
  interruptedTasks: z.array(z.string()),
  /** Agents seen in `running` since the restart (the watch's memory across polls and app starts). */
  agentsSeenRunning: z.array(z.string()),
  watch: postUpdateWatchSchema.nullable(),
});
export type UpdateRecord = z.infer<typeof updateRecordSchema>;

/** The directory of the records inside the app's data directory. */
export function updateRecordsDir(dataDir: string): string {
  return path.join(dataDir, 'updates');
}

/** The records of one data directory. */
export class UpdateRecords {
  // Writes of one profile run one after another, the last one wins.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  fileOf(profileId: string): string {
    return path.join(this.dir, `${profileId}.json`);
  }

  /** The record of a profile, or null when it has none; a damaged file is an error that names it. */
  async read(profileId: string): Promise<UpdateRecord | null> {
    const file = this.fileOf(profileId);
    const text = await readTextIfExists(file);
    if (text === undefined) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}): fix or remove it`, {
        cause: error,
      });
    }
    const parsed = updateRecordSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${file} does not hold an update's state: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** The profile ids that have a record. */
  async profiles(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
  }

  /** Writes the record (atomically; after the writes asked for before it). */
  write(record: UpdateRecord): Promise<void> {
    const id = record.progress.profileId;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => writeFileAtomic(this.fileOf(id), `${JSON.stringify(record, null, 2)}\n`));
    this.queues.set(id, next);
    return next;
  }
}

/**
 * What the next start of the app makes of a record whose run was still running: interrupted at
 * the step it reached, with one sentence that says which, and whether the code may have moved.
 */
export function interruptedProgress(progress: UpdateProgress): UpdateProgress {
  if (progress.state !== 'running') return progress;
  const reached = progress.steps.find((s) => s.state === 'running');
  const lastDone = [...progress.steps].reverse().find((s) => s.state === 'done' || s.state === 'skipped');
  const where = reached
    ? `during the step “${reached.title}” (started ${reached.startedAt ?? 'at an unknown time'})`
    : lastDone
      ? `after the step “${lastDone.title}” ended and before the next one started`
      : 'before its first step started';
  const before = lastDone ? ` The steps up to “${lastDone.title}” were done.` : '';
  const pull = progress.steps.find((s) => s.id === 'pull');
  const codeMayHaveMoved = pull?.state === 'running' || pull?.state === 'done';
  const what = progress.kind === 'rollback' ? 'rollback' : 'update';
  const steps = progress.steps.map((s) =>
    s.state === 'running'
      ? { ...s, state: 'pending' as const, detail: 'the app stopped while this step ran' }
      : s,
  );
  return {
    ...progress,
    steps,
    state: 'interrupted',
    canRollback: progress.kind === 'update' && codeMayHaveMoved,
    note: `The app stopped ${where}: the ${what} did not finish.${before} Continue runs it again from the step it reached${progress.kind === 'update' && codeMayHaveMoved ? '; Roll back returns to the previous revision' : ''}.`,
  };
}
