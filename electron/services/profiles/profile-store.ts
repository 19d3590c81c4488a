/**
 * Connection profiles, kept as one JSON file in the app's data directory. Every save rewrites it
 * atomically; a file that does not parse is reported, never silently replaced.
 */
import path from 'node:path';
import * as z from 'zod';
import {
  connectionProfileSchema,
  type ConnectionProfile,
  type ProfileInput,
} from '../../common/instance-schemas';
import { DeskError } from '../../common/desk-api';
import { readTextIfExists, writeFileAtomic } from '../../../runner/node/atomic-file';

const fileSchema = z.object({ version: z.literal(1), profiles: z.array(connectionProfileSchema) });

/** The profiles file inside a data directory. */
export function profilesFile(dataDir: string): string {
  return path.join(dataDir, 'profiles.json');
}

/** A profile id from its name: lower-case words joined by dashes. */
export function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'profile';
}

/** Saved connection profiles (list, save, delete) in `<dataDir>/profiles.json`. */
export class ProfileStore {
  // Saves run one after another so two quick saves cannot lose each other's profile.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** All profiles, sorted by name. */
  async list(): Promise<ConnectionProfile[]> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return [];
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DeskError(
        'failed',
        `${this.file} is not valid JSON (${(error as Error).message}): fix or remove it`,
      );
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success)
      throw new DeskError(
        'failed',
        `${this.file} does not hold connection profiles: ${parsed.error.issues[0]?.message}`,
      );
    return [...parsed.data.profiles].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One profile; a DeskError 'not-found' when there is none with this id. */
  async get(id: string): Promise<ConnectionProfile> {
    const profile = (await this.list()).find((p) => p.id === id);
    if (!profile) throw new DeskError('not-found', `no connection profile '${id}'`);
    return profile;
  }

  /** Adds a profile (no id: one is derived from the name) or replaces the one with its id. */
  save(input: ProfileInput): Promise<ConnectionProfile> {
    return this.serialised(async () => {
      const profiles = await this.list();
      const id = input.id ?? uniqueId(slugOf(input.name), profiles);
      // The profile form edits neither the tracker URL nor the restart announcement: a save without
      // one keeps the saved one.
      const { trackerUrl: given, announcementTemplate: template, ...rest } = input;
      const saved = profiles.find((p) => p.id === id);
      const trackerUrl = given === undefined ? saved?.trackerUrl : given;
      const announcementTemplate = template === undefined ? saved?.announcementTemplate : template;
      const profile = connectionProfileSchema.parse({
        ...rest,
        id,
        ...(trackerUrl ? { trackerUrl } : {}),
        ...(announcementTemplate ? { announcementTemplate } : {}),
      });
      const clash = profiles.find((p) => p.name === profile.name && p.id !== id);
      if (clash) throw new DeskError('bad-input', `a profile named '${profile.name}' exists already`);
      await this.write([...profiles.filter((p) => p.id !== id), profile]);
      return profile;
    });
  }

  /** Removes a profile; true when it existed. */
  delete(id: string): Promise<boolean> {
    return this.serialised(async () => {
      const profiles = await this.list();
      const rest = profiles.filter((p) => p.id !== id);
      if (rest.length === profiles.length) return false;
      await this.write(rest);
      return true;
    });
  }

  private async write(profiles: ConnectionProfile[]): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function uniqueId(base: string, profiles: readonly ConnectionProfile[]): string {
  const taken = new Set(profiles.map((p) => p.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
