/**
 * The config_versions table: every version of coin_configuration.json an instance applied, with
 * when, who ("file edit" or a user), how (a note such as "coin config rollback to 3"), the text as
 * it was (comments included, so a rollback restores them), the checked configuration, and the
 * difference from the version before. Recording one appends a `config.applied` event in the same
 * transaction, so dashboards see it over the WebSocket.
 */
import type Database from 'better-sqlite3';
import type { ConfigChange } from '../../core/runtime-config/config-diff';
import type { EventLog } from './event-log';

/** The subject of runtime-configuration events (`config.applied`, `config.rejected`). */
export const configEventSubject = 'runtime-config';

/** Who applied a version when nobody in particular did: the file was edited on disk. */
export const fileEditAuthor = 'file edit';

/** One applied version. */
export interface ConfigVersion {
  readonly version: number;
  readonly time: string;
  /** "file edit" or the user who saved or rolled back. */
  readonly appliedBy: string;
  /** How it came: "file edit", "instance start", "coin config rollback to 3", "desktop editor", ... */
  readonly via: string;
  readonly sha256: string;
  readonly text: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Field changes from the previous version: `{path, before, after}`. */
  readonly changes: readonly ConfigChange[];
  /** Unified diff of the text from the previous version. */
  readonly diff: string;
}

/** What record() needs. */
export type NewConfigVersion = Omit<ConfigVersion, 'version' | 'time'>;

interface VersionRow {
  version: number;
  time: string;
  applied_by: string;
  via: string;
  sha256: string;
  text: string;
  config: string;
  changes: string;
  diff: string;
}

function toVersion(row: VersionRow): ConfigVersion {
  return {
    version: row.version,
    time: row.time,
    appliedBy: row.applied_by,
    via: row.via,
    sha256: row.sha256,
    text: row.text,
    config: JSON.parse(row.config),
    changes: JSON.parse(row.changes),
    diff: row.diff,
  };
}

/** The largest diff an event carries; the history keeps all of it. */
const eventDiffLimit = 64 * 1024;

/** Config version rows; record() runs inside the caller's transaction. */
export class ConfigHistoryTable {
  private readonly insertRow: Database.Statement;
  private readonly selectOne: Database.Statement<[number], VersionRow>;
  private readonly selectLatest: Database.Statement<[], VersionRow>;
  private readonly selectPage: Database.Statement<[number], VersionRow>;

  constructor(
    db: Database.Database,
    private readonly events: EventLog,
    private readonly now: () => Date,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO config_versions (time, applied_by, via, sha256, text, config, changes, diff)
       VALUES (@time, @applied_by, @via, @sha256, @text, @config, @changes, @diff)`,
    );
    this.selectOne = db.prepare('SELECT * FROM config_versions WHERE version = ?');
    this.selectLatest = db.prepare('SELECT * FROM config_versions ORDER BY version DESC LIMIT 1');
    this.selectPage = db.prepare('SELECT * FROM config_versions ORDER BY version DESC LIMIT ?');
  }

  /** Stores an applied version and its `config.applied` event. */
  record(v: NewConfigVersion): ConfigVersion {
    const time = this.now().toISOString();
    const result = this.insertRow.run({
      time,
      applied_by: v.appliedBy,
      via: v.via,
      sha256: v.sha256,
      text: v.text,
      config: JSON.stringify(v.config),
      changes: JSON.stringify(v.changes),
      diff: v.diff,
    });
    const version = Number(result.lastInsertRowid);
    this.events.append('config.applied', configEventSubject, {
      version,
      appliedBy: v.appliedBy,
      via: v.via,
      sha256: v.sha256,
      changes: v.changes,
      diff: v.diff.length > eventDiffLimit ? `${v.diff.slice(0, eventDiffLimit)}\n...` : v.diff,
    });
    return { ...v, version, time };
  }

  /** One version, or undefined. */
  get(version: number): ConfigVersion | undefined {
    const row = this.selectOne.get(version);
    return row ? toVersion(row) : undefined;
  }

  /** The version in force (the newest), or undefined when none was ever applied. */
  latest(): ConfigVersion | undefined {
    const row = this.selectLatest.get();
    return row ? toVersion(row) : undefined;
  }

  /** The newest `max` versions, newest first. */
  list(max = 100): ConfigVersion[] {
    return this.selectPage.all(Math.max(1, Math.min(max, 10_000))).map(toVersion);
  }
}
