/**
 * The artifacts and meta tables: which build key maps to which stored blob, when each was last
 * used, and the artifact epoch that invalidates them all at once.
 */
import type Database from 'better-sqlite3';
import type { EventLog } from './event-log';
import type { ArtifactRecord, NewArtifact } from './store-records';

interface ArtifactRow {
  key: string;
  project: string;
  path: string;
  size: number;
  sha256: string;
  created: string;
  last_used: string;
  epoch: number;
  verified_stat: string | null;
  mount: string;
}

function toArtifact(row: ArtifactRow): ArtifactRecord {
  return {
    key: row.key,
    project: row.project,
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    created: row.created,
    lastUsed: row.last_used,
    epoch: row.epoch,
    mount: row.mount,
  };
}

/** Artifact and meta rows; every method runs inside the caller's transaction. */
export class ArtifactTable {
  private readonly selectOne: Database.Statement<[string], ArtifactRow>;
  private readonly upsertRow: Database.Statement;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly selectMeta: Database.Statement<[string], { value: string }>;
  private readonly upsertMeta: Database.Statement<[string, string]>;
  // Prepared once: compiling a statement on every call cost more than running it.
  private readonly touchOne: Database.Statement<[string, string]>;
  private readonly referenced: Database.Statement<[string], { one: number }>;
  private readonly keysOfBlob: Database.Statement<[string], { key: string }>;
  private readonly setStatOfBlob: Database.Statement<[string | null, string]>;
  private readonly keyRange: Database.Statement<[string, string], ArtifactRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.selectOne = db.prepare('SELECT * FROM artifacts WHERE key = ?');
    this.upsertRow = db.prepare(
      `INSERT INTO artifacts (key, project, path, size, sha256, created, last_used, epoch, mount)
       VALUES (@key, @project, @path, @size, @sha256, @time, @time, @epoch, @mount)
       ON CONFLICT (key) DO UPDATE SET project = excluded.project, path = excluded.path,
         size = excluded.size, sha256 = excluded.sha256, created = excluded.created,
         last_used = excluded.last_used, epoch = excluded.epoch, verified_stat = NULL,
         mount = excluded.mount`,
    );
    this.deleteOne = db.prepare('DELETE FROM artifacts WHERE key = ?');
    this.selectMeta = db.prepare('SELECT value FROM meta WHERE name = ?');
    this.upsertMeta = db.prepare(
      'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.touchOne = db.prepare('UPDATE artifacts SET last_used = ? WHERE key = ?');
    this.referenced = db.prepare('SELECT 1 AS one FROM artifacts WHERE sha256 = ? LIMIT 1');
    this.keysOfBlob = db.prepare('SELECT key FROM artifacts WHERE sha256 = ? ORDER BY key');
    this.setStatOfBlob = db.prepare('UPDATE artifacts SET verified_stat = ? WHERE sha256 = ?');
    this.keyRange = db.prepare('SELECT * FROM artifacts WHERE key >= ? AND key < ? ORDER BY key');
  }

  /** Records (or replaces) the artifact of a key in the current epoch; returns the previous record. */
  record(artifact: NewArtifact): { record: ArtifactRecord; replaced: ArtifactRecord | undefined } {
    const replaced = this.find(artifact.key);
    const epoch = this.epoch();
    this.upsertRow.run({ ...artifact, time: this.now().toISOString(), epoch });
    const record = this.find(artifact.key) as ArtifactRecord;
    this.events.append('artifact.recorded', artifact.key, {
      sha256: artifact.sha256,
      size: artifact.size,
      epoch,
    });
    return { record, replaced };
  }

  /** The record of a key, whatever its epoch, or undefined. */
  find(key: string): ArtifactRecord | undefined {
    const row = this.selectOne.get(key);
    return row && toArtifact(row);
  }

  /** Marks a key as used now (the LRU order of garbage collection); false when unknown. */
  touch(key: string): boolean {
    return this.touchOne.run(this.now().toISOString(), key).changes > 0;
  }

  /** Every record, least recently used first. */
  list(): ArtifactRecord[] {
    const rows = this.db.prepare('SELECT * FROM artifacts ORDER BY last_used, key').all() as ArtifactRow[];
    return rows.map(toArtifact);
  }

  /** Records whose key starts with prefix, by key (a range of the primary key, not a scan). */
  withPrefix(prefix: string): ArtifactRecord[] {
    // every key starting with prefix sorts from prefix up to prefix followed by the highest code point
    return this.keyRange.all(prefix, `${prefix}\u{10ffff}`).map(toArtifact);
  }

  /** Removes a key's record with an event saying why; returns it, or undefined when unknown. */
  remove(key: string, reason: string): ArtifactRecord | undefined {
    const record = this.find(key);
    if (!record) return undefined;
    this.deleteOne.run(key);
    this.events.append('artifact.removed', key, { sha256: record.sha256, size: record.size, reason });
    return record;
  }

  /**
   * Whether any key refers to the blob with this hash: one index entry is read, where counting
   * reads them all (a blob such as the empty archive is shared by every build that uploaded
   * nothing, so counting grew with the instance's age).
   */
  isReferenced(sha256: string): boolean {
    return this.referenced.get(sha256) !== undefined;
  }

  /** Keys whose records point at the blob with this hash. */
  keysOf(sha256: string): string[] {
    return this.keysOfBlob.all(sha256).map((row) => row.key);
  }

  /** The stat fingerprint under which the key's blob was last verified by hashing, if any. */
  verifiedStat(key: string): string | null {
    return this.selectOne.get(key)?.verified_stat ?? null;
  }

  /** Stores (or clears, with null) the verified stat fingerprint of every key of a blob. */
  setVerifiedStat(sha256: string, stat: string | null): void {
    this.setStatOfBlob.run(stat, sha256);
  }

  /** The current artifact epoch; records of other epochs never hit. */
  epoch(): number {
    return Number(this.meta('artifact_epoch') ?? '1');
  }

  /** Starts a new epoch, invalidating every stored artifact at once; returns the new epoch. */
  bumpEpoch(reason: string): number {
    const epoch = this.epoch() + 1;
    this.setMeta('artifact_epoch', String(epoch));
    this.events.append('artifacts.invalidated', 'artifacts', { epoch, reason });
    return epoch;
  }

  /** A value of the meta table, or undefined. */
  meta(name: string): string | undefined {
    return this.selectMeta.get(name)?.value;
  }

  /** Sets a value of the meta table. */
  setMeta(name: string, value: string): void {
    this.upsertMeta.run(name, value);
  }
}
