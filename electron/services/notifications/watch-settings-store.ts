/**
 * The pinned instance and the watched profiles, kept as `watch.json` in the app's data
 * directory. A missing file means nothing pinned and notifications on; a damaged one is reported.
 */
import path from 'node:path';
import { DeskError } from '../../common/desk-api';
import { watchSettingsSchema, type WatchSettings } from '../../common/local-runner-contract';
import { readTextIfExists, writeFileAtomic } from '../../../runner/node/atomic-file';

/** The settings before anything was chosen. */
export const defaultWatchSettings: WatchSettings = { pinned: null, watchedProfiles: [], notifications: true };

/** Reads and saves the watch settings of one data directory. */
export class WatchSettingsStore {
  private readonly file: string;
  private readonly listeners = new Set<(settings: WatchSettings) => void>();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'watch.json');
  }

  /** The saved settings, or the defaults when none were saved. */
  async read(): Promise<WatchSettings> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return defaultWatchSettings;
    let parsed;
    try {
      parsed = watchSettingsSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new DeskError(
        'failed',
        `${this.file} is not valid JSON (${(error as Error).message}): fix or remove it`,
      );
    }
    if (!parsed.success)
      throw new DeskError('failed', `${this.file} is not a watch settings file: fix or remove it`);
    return parsed.data;
  }

  /** Save the settings (atomically) and tell the listeners. */
  async save(settings: WatchSettings): Promise<WatchSettings> {
    const unique = { ...settings, watchedProfiles: [...new Set(settings.watchedProfiles)] };
    await writeFileAtomic(this.file, `${JSON.stringify(unique, null, 2)}\n`);
    for (const listener of this.listeners) listener(unique);
    return unique;
  }

  /** Call `listener` after every save; returns the unsubscribe function. */
  onChange(listener: (settings: WatchSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
